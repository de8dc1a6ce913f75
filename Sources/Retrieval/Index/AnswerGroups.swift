/// Answer key → the number of the group of entries that share that answer: open addressing with
/// linear probing over two flat arrays, fitted to its answers after a bulk load.
///
/// `[UInt64: Int32]` kept a power of two of buckets, at most three quarters full, so 1,000,000
/// answers took 2 M buckets (25 MB); this keeps any count of slots, so a load of 1,000,000
/// answers takes 1.33 M (16 MB). Removal shifts the following run back (no tombstones).
struct AnswerGroups: Sendable {
    private var keys = [UInt64](repeating: 0, count: 16)
    /// Each slot's group (-1: empty).
    private var groups = [Int32](repeating: -1, count: 16)
    /// Answers held.
    private(set) var count = 0

    /// An empty table.
    init() {}

    /// The slot holding `key`, or the empty slot where it would go.
    @inline(__always)
    private func slot(_ key: UInt64) -> Int {
        let size = groups.count
        var index = SlotHome.of(key, size: size)
        while groups[index] >= 0 && keys[index] != key { index = SlotHome.next(index, size: size) }
        return index
    }

    /// The group of an answer key; setting nil removes it.
    subscript(key: UInt64) -> Int32? {
        get {
            let index = slot(key)
            return groups[index] >= 0 ? groups[index] : nil
        }
        set {
            let index = slot(key)
            if let group = newValue {
                if groups[index] < 0 { count += 1 }
                keys[index] = key
                groups[index] = group
                if count * 4 > groups.count * 3 { resize(groups.count * 2) }
            } else if groups[index] >= 0 {
                remove(at: index)
            }
        }
    }

    /// Shrinks the table to the answers it holds (at most three quarters full), after a bulk
    /// load that grew it by doubling.
    mutating func fit() {
        let size = max(16, count * 4 / 3 + 1)
        if size < groups.count { resize(size) }
    }

    /// Bytes held.
    var footprint: Int { Footprint.bytes(keys) + Footprint.bytes(groups) }

    /// Empties a slot and moves back every later key of its run that may stand there.
    private mutating func remove(at removed: Int) {
        let size = groups.count
        var hole = removed
        var next = SlotHome.next(hole, size: size)
        while groups[next] >= 0 {
            let home = SlotHome.of(keys[next], size: size)
            // The key at `next` may move to the hole if the hole lies between its home and it.
            if (hole - home + size) % size < (next - home + size) % size {
                keys[hole] = keys[next]
                groups[hole] = groups[next]
                hole = next
            }
            next = SlotHome.next(next, size: size)
        }
        groups[hole] = -1
        count -= 1
    }

    /// Moves the answers into `size` slots.
    private mutating func resize(_ size: Int) {
        let oldKeys = keys
        let oldGroups = groups
        keys = [UInt64](repeating: 0, count: size)
        groups = [Int32](repeating: -1, count: size)
        for (key, group) in zip(oldKeys, oldGroups) where group >= 0 {
            var index = SlotHome.of(key, size: size)
            while groups[index] >= 0 { index = SlotHome.next(index, size: size) }
            keys[index] = key
            groups[index] = group
        }
    }
}
