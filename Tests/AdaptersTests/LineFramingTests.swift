import NIOCore
import NIOEmbedded
import Testing

@testable import Wire

/// Cutting bytes into lines: chunk boundaries, limits and bad bytes.
@Suite struct LineFramingTests {
    /// Bytes fed one at a time, a Vietnamese character split across chunks, CRLF: whole lines.
    @Test func oneByteAtATime() {
        var framer = LineFramer(maximumLineBytes: 100)
        var lines: [InputLine] = []
        for byte in Array("Chính phủ điện tử\r\nthủ tục\n".utf8) { lines += framer.feed([byte]) }
        #expect(lines == [.text("Chính phủ điện tử"), .text("thủ tục")])
    }

    /// An overlong line is reported once, its rest skipped, and the next line is read normally.
    @Test func overlongLineIsSkipped() {
        var framer = LineFramer(maximumLineBytes: 10)
        let lines = framer.feed(Array((String(repeating: "x", count: 25) + "\nok\n").utf8))
        #expect(lines == [.tooLong, .text("ok")])
        var chunked = LineFramer(maximumLineBytes: 10)
        var pieces: [InputLine] = []
        for chunk in [String(repeating: "y", count: 8), String(repeating: "y", count: 8), "yy\nsau\n"] {
            pieces += chunked.feed(Array(chunk.utf8))
        }
        #expect(pieces == [.tooLong, .text("sau")])
    }

    /// The limit is exact: a line of exactly the limit is read (with or without a CR before its
    /// LF), one byte more is refused — fed whole or a byte at a time, and at the end of input.
    @Test(arguments: [false, true])
    func limitIsExact(byteAtATime: Bool) {
        func frame(_ text: String) -> [InputLine] {
            var framer = LineFramer(maximumLineBytes: 16 * 1024)
            let bytes = Array(text.utf8)
            var lines = byteAtATime ? bytes.flatMap { framer.feed([$0]) } : framer.feed(bytes)
            lines += framer.finish()
            return lines
        }
        let limit = String(repeating: "a", count: 16 * 1024)
        #expect(frame(limit + "\n") == [.text(limit)])
        #expect(frame(limit + "\r\n") == [.text(limit)])
        #expect(frame(limit + "b\nsau\n") == [.tooLong, .text("sau")])
        #expect(frame(limit + "b\r\n") == [.tooLong])
        #expect(frame(limit + "b") == [.tooLong])
        #expect(frame(limit) == [.text(limit)])
    }

    /// Invalid UTF-8 is reported, not repaired, and does not affect the next line.
    @Test func invalidUTF8() {
        var framer = LineFramer(maximumLineBytes: 100)
        #expect(framer.feed([0x61, 0xff, 0xfe, 0x0a] + Array("tiếp\n".utf8)) == [.badUTF8, .text("tiếp")])
    }

    /// A last line without its newline still counts at the end of input.
    @Test func lastLineWithoutNewline() {
        var framer = LineFramer(maximumLineBytes: 100)
        #expect(framer.feed(Array("một\nhai".utf8)) == [.text("một")])
        #expect(framer.finish() == [.text("hai")])
    }

    /// The NIO decoder on an `EmbeddedChannel`: bytes in one at a time, lines out, clean finish.
    @Test func decoderOnEmbeddedChannel() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: 64)))
        for byte in Array("cấp độ 3\nhết".utf8) {
            var buffer = channel.allocator.buffer(capacity: 1)
            buffer.writeInteger(byte)
            try channel.writeInbound(buffer)
        }
        #expect(try channel.readInbound(as: InputLine.self) == .text("cấp độ 3"))
        #expect(try channel.readInbound(as: InputLine.self) == nil)
        _ = try channel.finish()
        #expect(try channel.readInbound(as: InputLine.self) == .text("hết"))
    }
}
