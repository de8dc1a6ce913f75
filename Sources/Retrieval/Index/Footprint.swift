/// Estimates of the heap bytes that collections hold, for the index's memory breakdown
/// (`motcua-bench retrieval --footprint` prints them): an array's elements plus its header and
/// the allocator's word, a dictionary's buckets at its capacity. Estimates, not
/// measurements: the resident-memory figure beside them is the measurement.
enum Footprint {
    /// Swift's array header and malloc's bookkeeping word.
    static let arrayOverhead = 32 + 16

    /// The bytes an array's elements take (0 for an empty one, which shares a static buffer).
    /// Counted up to its count, not its capacity: the pages past the last element were reserved
    /// but never written, so they are not resident.
    static func bytes<T>(_ array: [T]) -> Int {
        array.capacity == 0 ? 0 : arrayOverhead + array.count * MemoryLayout<T>.stride
    }

    /// The bytes a dictionary's own storage holds (not what its values point to).
    static func dictionary<K, V>(_ dictionary: [K: V]) -> Int {
        dictionary.capacity == 0 ? 0
            : arrayOverhead + dictionary.capacity * (MemoryLayout<K>.stride + MemoryLayout<V>.stride) * 4 / 3
                + dictionary.capacity / 6
    }
}
