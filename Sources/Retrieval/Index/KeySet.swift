/// A set of 64-bit keys that are hashes already (syllable identities): open addressing with
/// linear probing and one multiplication a lookup, where `Set<UInt64>` runs SipHash (a bulk
/// load asks it for every word of every phrasing and answer, 6 million times for 100,000
/// entries). The key 0 is not held (no identity is 0).
struct KeySet: Sendable {
    private var slots = [UInt64](repeating: 0, count: 16)
    /// Keys held.
    private(set) var count = 0

    /// An empty set.
    init() {}

    /// Adds a key; returns whether it was new.
    @inline(__always)
    mutating func insert(_ key: UInt64) -> Bool {
        guard key != 0 else { return false }
        let inserted = slots.withUnsafeMutableBufferPointer { slots in
            let mask = slots.count - 1
            var index = SlotHome.of(key, size: slots.count)
            while slots[index] != 0 {
                if slots[index] == key { return false }
                index = (index + 1) & mask
            }
            slots[index] = key
            return true
        }
        guard inserted else { return false }
        count += 1
        if count * 2 > slots.count { grow() }
        return true
    }

    /// Doubles the slots (at most half of them are full).
    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        count = 0
        for key in old where key != 0 { _ = insert(key) }
    }
}
