#if canImport(Glibc)
import Glibc
#endif

/// Gives the heap's free pages back to the system after a bulk load (glibc's `malloc_trim`,
/// looked up at run time because the Glibc module does not export it): the load's growing
/// buffers and analyses leave freed memory inside the heap that would otherwise stay resident.
enum FreedMemory {
    /// Returns free heap pages to the system, where the C library can.
    static func release() {
        #if canImport(Glibc)
        typealias Trim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
        #endif
    }
}
