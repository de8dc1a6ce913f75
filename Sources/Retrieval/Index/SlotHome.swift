/// Where a key starts looking in an open-addressing table of any size, and where it looks next:
/// the one rule of `TermTable`, `AnswerGroups`, `EntrySlots` and `KeySet`.
///
/// The key (a hash already) is mixed once more by a multiplication and its high bits are scaled
/// to the table's size, so a table need not be a power of two and can be fitted to what it holds.
enum SlotHome {
    /// The home slot of a key in a table of `size` slots.
    @inline(__always)
    static func of(_ key: UInt64, size: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9e37_79b9_7f4a_7c15).multipliedFullWidth(by: UInt64(size)).high)
    }

    /// The slot after `index`, wrapping round.
    @inline(__always)
    static func next(_ index: Int, size: Int) -> Int {
        index + 1 == size ? 0 : index + 1
    }
}
