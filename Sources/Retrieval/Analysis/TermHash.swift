/// 64-bit hashing of token text and of term keys.
///
/// Tokens never become `String`s on the hot path: creating a `String` per token costs more
/// than ICU's word breaking itself (docs/ARCHITECTURE.md, "Speed"). A term is identified by a
/// 64-bit hash of its canonical UTF-16 units; with the few million distinct terms of a large
/// knowledge base the chance of any collision stays below one in a million.
package enum TermHash {
    /// FNV-1a offset basis.
    package static let seed: UInt64 = 0xcbf2_9ce4_8422_2325

    /// Feeds one UTF-16 unit into an FNV-1a hash.
    @inline(__always)
    package static func add(_ hash: UInt64, _ unit: UInt16) -> UInt64 {
        (hash ^ UInt64(unit)) &* 0x0000_0100_0000_01b3
    }

    /// Hash of a sequence of UTF-16 units.
    package static func of<S: Sequence>(_ units: S) -> UInt64 where S.Element == UInt16 {
        var hash = seed
        for unit in units { hash = add(hash, unit) }
        return finish(hash)
    }

    /// Hash of a string's UTF-16 units (no normalization: callers pass canonical text).
    package static func of(_ text: String) -> UInt64 { of(text.utf16) }

    /// Final avalanche so that nearby inputs spread over all 64 bits (splitmix64 finalizer).
    @inline(__always)
    package static func finish(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// Combines two hashes in an order-dependent way (used for bigrams and tagged spaces).
    @inline(__always)
    package static func combine(_ a: UInt64, _ b: UInt64) -> UInt64 {
        finish(a &* 0x9e37_79b9_7f4a_7c15 ^ (b << 17 | b >> 47))
    }

    /// Moves a hash into a separate key space (exact vs folded, unigram vs bigram, …).
    @inline(__always)
    package static func tagged(_ hash: UInt64, _ tag: UInt64) -> UInt64 {
        finish(hash ^ (tag &* 0xd6e8_feb8_6659_fd93))
    }
}
