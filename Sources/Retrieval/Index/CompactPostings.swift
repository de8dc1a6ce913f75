/// Posting lists frozen into one arena: every term's postings one after another, in blocks of
/// 128 bit-packed at the width the block needs; lists of at most eight postings as they are.
///
/// A block stores each document as its distance from a straight line through the block's first
/// and last documents (the residuals of random document numbers stay within about √128 gaps of
/// the line, three bits fewer than distances from the first document), and each 8-bit weight as
/// its distance from the block's smallest. Document and weight share one field of
/// `documentBits + weightBits` bits, so any posting of a block is read with one unaligned load:
/// the galloping probe binary-searches blocks and then postings as it did over an array.
/// Nothing is lost: every posting reads back exactly as it was written (`PostingStoreTests`).
///
/// Most terms of a large knowledge base are rare word pairs with a posting or two: a block's
/// parameters and first document (24 bytes) would cost more than the postings themselves, so
/// short lists are kept as plain 4-byte postings (about 2 MB fewer at 100,000 entries by the
/// footprint estimate, BENCHMARKS.md).
struct CompactPostings: Sendable {
    /// Postings a block holds (the last block of a term may hold fewer).
    static let blockSize = 128
    /// The longest list kept as plain postings rather than in a block.
    static let plainLimit = 8

    /// One block's decoding parameters.
    struct Block: Sendable {
        /// The block's first document (also in `firsts`, which the probe gallops over).
        var first: UInt32
        /// The line's slope: documents a posting, in 1/256ths.
        var slope: UInt32
        /// Byte offset of the block's packed fields in `bytes`.
        var offset: UInt32
        /// The smallest residual from the line (the packed residuals are above it).
        var residualBase: Int32
        /// Bits of each posting's residual.
        var documentBits: UInt8
        /// Bits of each posting's weight above `weightBase`.
        var weightBits: UInt8
        /// The block's smallest weight.
        var weightBase: UInt8
    }

    /// Term `t`'s postings are numbers `postingStart[t]..<postingStart[t + 1]`.
    private(set) var postingStart: [UInt32] = [0]
    /// Term `t`'s first block, or for a list of at most `plainLimit` postings its first posting
    /// in `plain`.
    private(set) var location: [UInt32] = []
    /// The postings of the short lists, as they are.
    private(set) var plain: [PostingIndex.Posting] = []
    private(set) var blocks: [Block] = []
    /// Each block's first document.
    private(set) var firsts: [UInt32] = []
    /// The packed fields, with 8 bytes of padding so that every field is read by one 64-bit load.
    private(set) var bytes: [UInt8] = Array(repeating: 0, count: 8)

    /// The number of terms.
    var termCount: Int { postingStart.count - 1 }
    /// The number of postings.
    var postingCount: Int { Int(postingStart[postingStart.count - 1]) }
    /// The number of postings of a term (0 for a term past the store's).
    @inline(__always)
    func count(_ term: Int) -> Int {
        guard term < termCount else { return 0 }
        return Int(postingStart[term + 1] &- postingStart[term])
    }

    /// Appends the next term's postings (documents in increasing order).
    mutating func append(_ postings: UnsafeBufferPointer<PostingIndex.Posting>) {
        postingStart.append(postingStart[postingStart.count - 1] + UInt32(postings.count))
        if postings.count <= Self.plainLimit {
            location.append(UInt32(plain.count))
            plain.append(contentsOf: postings)
            return
        }
        location.append(UInt32(blocks.count))
        var start = 0
        while start < postings.count {
            let end = min(start + Self.blockSize, postings.count)
            appendBlock(UnsafeBufferPointer(rebasing: postings[start..<end]))
            start = end
        }
    }

    /// Reserves room for about this many more terms, blocks and packed bytes.
    mutating func reserve(terms: Int, blocks blockCount: Int, bytes byteCount: Int) {
        postingStart.reserveCapacity(postingStart.count + terms)
        location.reserveCapacity(location.count + terms)
        blocks.reserveCapacity(blocks.count + blockCount)
        firsts.reserveCapacity(firsts.count + blockCount)
        bytes.reserveCapacity(bytes.count + byteCount)
    }

    private mutating func appendBlock(_ postings: UnsafeBufferPointer<PostingIndex.Posting>) {
        let n = postings.count
        let first = postings[0].document
        let span = UInt64(postings[n - 1].document - first)
        let slope = n > 1 ? UInt32((span << 8) / UInt64(n - 1)) : 0
        var lowResidual = Int32.max
        var highResidual = Int32.min
        var lowWeight = UInt8.max
        var highWeight = UInt8.min
        for (i, posting) in postings.enumerated() {
            let residual = Self.residual(posting.document, index: i, first: first, slope: slope)
            lowResidual = min(lowResidual, residual)
            highResidual = max(highResidual, residual)
            lowWeight = min(lowWeight, posting.quantisedWeight)
            highWeight = max(highWeight, posting.quantisedWeight)
        }
        let documentBits = Self.bits(UInt32(highResidual - lowResidual))
        let weightBits = Self.bits(UInt32(highWeight - lowWeight))
        let width = Int(documentBits + weightBits)
        // The padding at the end becomes this block's start; new padding follows it.
        let offset = bytes.count - 8
        bytes.append(contentsOf: repeatElement(0, count: (n * width + 7) / 8))
        bytes.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress! + offset
            for (i, posting) in postings.enumerated() {
                let residual = UInt64(UInt32(Self.residual(posting.document, index: i, first: first, slope: slope)
                    - lowResidual))
                let field = residual << UInt64(weightBits) | UInt64(posting.quantisedWeight - lowWeight)
                let bit = i * width
                var word = UnsafeRawPointer(base + bit >> 3).loadUnaligned(as: UInt64.self)
                word |= field << UInt64(bit & 7)
                UnsafeMutableRawPointer(base + bit >> 3).storeBytes(of: word, as: UInt64.self)
            }
        }
        firsts.append(first)
        blocks.append(Block(first: first, slope: slope, offset: UInt32(offset), residualBase: lowResidual,
                            documentBits: documentBits, weightBits: weightBits, weightBase: lowWeight))
    }

    /// A document's distance from the block's line.
    @inline(__always)
    private static func residual(_ document: UInt32, index: Int, first: UInt32, slope: UInt32) -> Int32 {
        Int32(Int64(document - first) - Int64((UInt64(index) &* UInt64(slope)) >> 8))
    }

    /// Bits needed to hold a value.
    private static func bits(_ value: UInt32) -> UInt8 {
        UInt8(32 - value.leadingZeroBitCount)
    }

    /// One block's parameters in registers, for reading its postings.
    struct BlockView {
        let base: UnsafePointer<UInt8>
        let first: Int64
        let slope: UInt64
        let residualBase: Int64
        let width: Int
        let weightBits: UInt64
        let fieldMask: UInt64
        let weightMask: UInt64
        let weightBase: UInt32

        @inline(__always)
        init(_ header: Block, _ bytes: UnsafePointer<UInt8>) {
            base = bytes + Int(header.offset)
            first = Int64(header.first)
            slope = UInt64(header.slope)
            residualBase = Int64(header.residualBase)
            width = Int(header.documentBits) + Int(header.weightBits)
            weightBits = UInt64(header.weightBits)
            fieldMask = (1 << UInt64(width)) &- 1
            weightMask = (1 << weightBits) &- 1
            weightBase = UInt32(header.weightBase)
        }

        @inline(__always)
        func field(_ i: Int) -> UInt64 {
            let bit = i * width
            return UnsafeRawPointer(base + bit >> 3).loadUnaligned(as: UInt64.self) >> UInt64(bit & 7) & fieldMask
        }

        /// The document of posting `i`.
        @inline(__always)
        func document(_ i: Int) -> UInt32 {
            let line = Int64((UInt64(i) &* slope) >> 8)
            return UInt32(truncatingIfNeeded: first + line + residualBase + Int64(field(i) >> weightBits))
        }

        /// The quantised weight of posting `i`.
        @inline(__always)
        func weight(_ i: Int) -> UInt32 {
            UInt32(truncatingIfNeeded: field(i) & weightMask) + weightBase
        }
    }

    /// Reads the postings of one term's blocks.
    struct Reader {
        let blocks: UnsafePointer<Block>
        let firsts: UnsafePointer<UInt32>
        let bytes: UnsafePointer<UInt8>
        let count: Int
        /// A short list's postings (nil: the list is in blocks).
        let plain: UnsafePointer<PostingIndex.Posting>?

        /// The number of blocks.
        @inline(__always) var blockCount: Int { (count + CompactPostings.blockSize - 1) / CompactPostings.blockSize }

        /// The number of postings in a block (of this term's, counted from 0).
        @inline(__always)
        func postings(inBlock block: Int) -> Int {
            min(CompactPostings.blockSize, count - block * CompactPostings.blockSize)
        }

        /// The first document of a block.
        @inline(__always) func first(ofBlock block: Int) -> UInt32 { firsts[block] }

        /// A block's postings.
        @inline(__always) func view(_ block: Int) -> BlockView { BlockView(blocks[block], bytes) }

        /// Calls `body(document, quantisedWeight)` for every posting, in order.
        @inline(__always)
        func forEach(_ body: (UInt32, UInt32) -> Void) {
            if let plain {
                for i in 0..<count { body(plain[i].document, UInt32(plain[i].quantisedWeight)) }
                return
            }
            var remaining = count
            var block = 0
            while remaining > 0 {
                let view = view(block)
                let n = min(CompactPostings.blockSize, remaining)
                for i in 0..<n {
                    let field = view.field(i)
                    let line = Int64((UInt64(i) &* view.slope) >> 8)
                    let document = UInt32(truncatingIfNeeded: view.first + line + view.residualBase
                        + Int64(field >> view.weightBits))
                    body(document, UInt32(truncatingIfNeeded: field & view.weightMask) + view.weightBase)
                }
                remaining -= n
                block += 1
            }
        }
    }

    /// Bytes held by the arena's arrays (`Footprint`), by part.
    var footprint: [(part: String, bytes: Int)] {
        [("arena, per term", Footprint.bytes(postingStart) + Footprint.bytes(location)),
         ("arena, short lists", Footprint.bytes(plain)),
         ("arena, block parameters", Footprint.bytes(blocks) + Footprint.bytes(firsts)),
         ("arena, packed postings", Footprint.bytes(bytes))]
    }

    /// Runs `body` with a reader of a term's postings (none for a term past the store's).
    @inline(__always)
    func withReader<R>(_ term: Int, _ body: (Reader) -> R) -> R {
        let count = self.count(term)
        let start = term < termCount ? Int(location[term]) : 0
        if count <= Self.plainLimit {
            return plain.withUnsafeBufferPointer { plain in
                // An empty list never reads through its pointer.
                body(Reader(blocks: Self.unread(), firsts: Self.unread(), bytes: Self.unread(), count: count,
                            plain: (plain.baseAddress ?? Self.unread()) + start))
            }
        }
        return blocks.withUnsafeBufferPointer { blocks in
            firsts.withUnsafeBufferPointer { firsts in
                bytes.withUnsafeBufferPointer { bytes in
                    body(Reader(blocks: blocks.baseAddress! + start, firsts: firsts.baseAddress! + start,
                                bytes: bytes.baseAddress!, count: count, plain: nil))
                }
            }
        }
    }

    /// An aligned pointer that is never read through.
    private static func unread<T>() -> UnsafePointer<T> {
        UnsafePointer(bitPattern: MemoryLayout<T>.alignment)!
    }
}
