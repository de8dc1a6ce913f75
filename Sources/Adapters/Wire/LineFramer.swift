/// One line of input as the framing delivered it.
package enum InputLine: Sendable, Hashable {
    /// A complete line (without its newline), valid UTF-8.
    case text(String)
    /// A line over the limit; its bytes were skipped up to the next newline.
    case tooLong
    /// A line that is not valid UTF-8.
    case badUTF8
}

/// Cuts a byte stream into lines: LF ends a line (a CR before it is dropped), a line longer
/// than the limit is reported once and skipped up to its newline, and invalid UTF-8 is
/// reported rather than repaired. Pure and incremental: feed any chunks, in any sizes — a
/// Vietnamese character split across two chunks is put back together. Used by the TCP
/// decoder and by stdio.
package struct LineFramer: Sendable {
    /// Longest line accepted, in bytes.
    package let maximumLineBytes: Int
    private var pending: [UInt8] = []
    private var skipping = false

    /// Creates a framer.
    package init(maximumLineBytes: Int) {
        self.maximumLineBytes = maximumLineBytes
    }

    /// Feeds bytes; returns the lines they complete.
    package mutating func feed<Bytes: Collection>(_ bytes: Bytes) -> [InputLine] where Bytes.Element == UInt8 {
        var lines: [InputLine] = []
        for byte in bytes {
            if byte == 0x0a {
                if skipping {
                    skipping = false
                } else if pending.count - (pending.last == 0x0d ? 1 : 0) > maximumLineBytes {
                    // Exactly one byte over (the room kept for a CR that did not come).
                    lines.append(.tooLong)
                } else {
                    lines.append(Self.line(pending))
                }
                pending.removeAll(keepingCapacity: true)
                continue
            }
            if skipping { continue }
            pending.append(byte)
            // The limit counts the line without its CR LF: keep room for one CR, no more.
            if pending.count > maximumLineBytes + 1 || (pending.count == maximumLineBytes + 1 && byte != 0x0d) {
                lines.append(.tooLong)
                pending.removeAll(keepingCapacity: false)
                skipping = true
            }
        }
        return lines
    }

    /// Ends the stream: a last line without a newline still counts.
    package mutating func finish() -> [InputLine] {
        defer {
            pending.removeAll()
            skipping = false
        }
        guard !skipping, !pending.isEmpty else { return [] }
        guard pending.count - (pending.last == 0x0d ? 1 : 0) <= maximumLineBytes else { return [.tooLong] }
        return [Self.line(pending)]
    }

    static func line(_ bytes: [UInt8]) -> InputLine {
        var bytes = bytes[...]
        if bytes.last == 0x0d { bytes = bytes.dropLast() }
        guard let text = String(validating: bytes, as: UTF8.self) else { return .badUTF8 }
        return .text(text)
    }
}
