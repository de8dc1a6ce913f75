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
    /// 1,000,000 ids take 1.33 M slots, not 2 M); `SlotHome` picks the home from the tag.
    private var slots = [Slot](repeating: Slot(), count: 16)
    /// Ids held.
    private(set) var count = 0

    /// An empty table.
    init() {}

    /// The tag of an id: the top 32 bits of its (SipHash) hash.
    @inline(__always)
    private static func tag(_ id: String) -> UInt32 {
        UInt32(truncatingIfNeeded: UInt64(bitPattern: Int64(id.hashValue)) >> 32)
    }

    /// The record of `id`, given how to read a record's id.
    @inline(__always)
    func record(of id: String, ids: (Int32) -> String) -> Int32? {
        let tag = Self.tag(id)
        var index = SlotHome.of(UInt64(tag), size: slots.count)
        while true {
            let slot = slots[index]
            if slot.record < 0 { return nil }
            if slot.tag == tag && ids(slot.record) == id { return slot.record }
            index = SlotHome.next(index, size: slots.count)
        }
    }

    /// Points `id` at `record` (replacing the record it pointed at, if any).
    mutating func set(_ id: String, record: Int32, ids: (Int32) -> String) {
        let tag = Self.tag(id)
        var index = SlotHome.of(UInt64(tag), size: slots.count)
        while slots[index].record >= 0 {
            if slots[index].tag == tag && ids(slots[index].record) == id {
                slots[index].record = record
                return
            }
            index = SlotHome.next(index, size: slots.count)
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
            var index = SlotHome.of(UInt64(slot.tag), size: size)
            while slots[index].record >= 0 { index = SlotHome.next(index, size: size) }
            slots[index] = slot
        }
    }
}
