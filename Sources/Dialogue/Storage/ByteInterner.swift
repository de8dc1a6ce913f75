import Foundation

/// Dense ids (0, 1, 2, …) for the short byte strings a report's rows repeat — topics, kinds,
/// days, conversation ids — looked up straight from SQLite's column buffers: a value seen
/// before costs a hash and a comparison, no `String` and no copy. The report counts by these
/// ids and turns only the distinct values back into text.
struct ByteInterner {
    /// Every distinct value's bytes, one after another, in the order they were first seen.
    private var storage: [UInt8] = []
    /// Where value `id` starts in `storage`; at `id + 1`, where it ends.
    private var bounds: [Int] = [0]
    /// The hash of every value, by id (compared before the bytes; kept to grow the table).
    private var hashes: [UInt64] = []
    /// Open addressing over ids + 1 (0: an empty slot); its size is a power of two, at least
    /// twice the number of values.
    private var slots = [Int32](repeating: 0, count: 64)

    /// How many distinct values were seen.
    var count: Int { hashes.count }

    /// The id of `bytes`, a new one (the next integer) the first time they are seen.
    mutating func id(of bytes: UnsafeRawBufferPointer) -> Int {
        let hash = Self.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            let id = Int(slots[slot]) - 1
            if hashes[id] == hash && holds(id, bytes) { return id }
            slot = (slot + 1) & mask
        }
        let id = hashes.count
        storage.append(contentsOf: bytes)
        bounds.append(storage.count)
        hashes.append(hash)
        slots[slot] = Int32(id + 1)
        if hashes.count * 2 > slots.count { grow() }
        return id
    }

    /// The value of an id, as text (the bytes are UTF-8 from SQLite).
    func string(_ id: Int) -> String {
        String(decoding: storage[bounds[id]..<bounds[id + 1]], as: UTF8.self)
    }

    /// Whether value `first` sorts before value `second`, byte by byte (SQLite's `BINARY` order).
    func precedes(_ first: Int, _ second: Int) -> Bool {
        storage[bounds[first]..<bounds[first + 1]].lexicographicallyPrecedes(storage[bounds[second]..<bounds[second + 1]])
    }

    /// Whether value `id` is exactly `bytes`.
    private func holds(_ id: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = bounds[id]
        let length = bounds[id + 1] - start
        guard length == bytes.count else { return false }
        guard length > 0 else { return true }
        return storage.withUnsafeBytes { memcmp($0.baseAddress! + start, bytes.baseAddress!, length) == 0 }
    }

    /// Doubles the table and places every id again by its kept hash.
    private mutating func grow() {
        var larger = [Int32](repeating: 0, count: slots.count * 2)
        let mask = larger.count - 1
        for (id, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while larger[slot] != 0 { slot = (slot + 1) & mask }
            larger[slot] = Int32(id + 1)
        }
        slots = larger
    }

    /// A 64-bit hash of bytes, eight at a time, finished with MurmurHash3's mixer (so the low
    /// bits the table uses depend on every byte). Not keyed: the values are the store's own.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var offset = 0
        while offset + 8 <= bytes.count {
            hash = (hash ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0x100_0000_01B3
            hash ^= hash >> 29
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            tail |= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        hash = (hash ^ tail) &* 0x100_0000_01B3
        hash ^= hash >> 33
        hash &*= 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        hash &*= 0xC4CE_B9FE_1A85_EC53
        return hash ^ (hash >> 33)
    }
}

/// The `String` of each distinct byte string a pass reads, made once (a ticket's unit, an
/// agency): the rows share it.
struct TextCache {
    private var ids = ByteInterner()
    private var texts: [String] = []

    /// The text of `bytes`.
    mutating func text(_ bytes: UnsafeRawBufferPointer) -> String {
        let id = ids.id(of: bytes)
        if id == texts.count { texts.append(ids.string(id)) }
        return texts[id]
    }
}
