/// Entry id → the slot of its latest record: an open-addressing table of 8-byte slots (a hash
/// tag and the record's number) that keeps no copy of the ids, which the records hold already.
///
/// `[String: Int]` spent 24 bytes a bucket (6.3 MB for 100,000 entries, BENCHMARKS.md); this
/// spends 8. An id is never removed: retiring an entry leaves its last slot here and the record
/// says it is no longer live, and adding the id again points it at the new record. So the table
/// grows with the ids ever added, as the records do.
struct EntrySlots: Sendable {
    /// One slot: the top 32 bits of the id's mixed hash and its record number (-1: empty).
    private struct Slot {
        var tag: UInt32 = 0
        var record: Int32 = -1
    }

    /// Any number of slots (not a power of two: a bulk load sizes the table to its ids, so
    /// 1,000,000 ids take 1.33 M slots, not 2 M); the tag scaled to the count picks the home.
    private var slots = [Slot](repeating: Slot(), count: 16)
    /// Ids held.
    private(set) var count = 0

    /// An empty table.
    init() {}

    /// The tag of an id: its hash mixed, top 32 bits.
    @inline(__always)
    private static func tag(_ id: String) -> UInt32 {
        UInt32(truncatingIfNeeded: (UInt64(bitPattern: Int64(id.hashValue)) &* 0x9e37_79b9_7f4a_7c15) >> 32)
    }

    /// The record of `id`, given how to read a record's id.
    @inline(__always)
    func record(of id: String, ids: (Int32) -> String) -> Int32? {
        let tag = Self.tag(id)
        var index = Self.home(tag, slots.count)
        while true {
            let slot = slots[index]
            if slot.record < 0 { return nil }
            if slot.tag == tag && ids(slot.record) == id { return slot.record }
            index = index + 1 == slots.count ? 0 : index + 1
        }
    }

    /// The home slot of a tag in a table of `count` slots.
    @inline(__always)
    private static func home(_ tag: UInt32, _ count: Int) -> Int {
        Int((UInt64(tag) &* UInt64(count)) >> 32)
    }

    /// Points `id` at `record` (replacing the record it pointed at, if any).
    mutating func set(_ id: String, record: Int32, ids: (Int32) -> String) {
        let tag = Self.tag(id)
        var index = Self.home(tag, slots.count)
        while slots[index].record >= 0 {
            if slots[index].tag == tag && ids(slots[index].record) == id {
                slots[index].record = record
                return
            }
            index = index + 1 == slots.count ? 0 : index + 1
        }
        slots[index] = Slot(tag: tag, record: record)
        count += 1
        if count * 4 > slots.count * 3 { resize(slots.count * 2) }
    }

    /// Makes room for this many ids in all without growing on the way.
    mutating func reserve(_ total: Int) {
        if total * 4 > slots.count * 3 { resize(total * 4 / 3 + 1) }
    }

    /// Bytes held by the slots.
    var footprint: Int { Footprint.bytes(slots) }

    /// Moves the ids into `size` slots (at most three quarters of them are ever full).
    private mutating func resize(_ size: Int) {
        let old = slots
        slots = [Slot](repeating: Slot(), count: size)
        for slot in old where slot.record >= 0 {
            var index = Self.home(slot.tag, size)
            while slots[index].record >= 0 { index = index + 1 == size ? 0 : index + 1 }
            slots[index] = slot
        }
    }
}
