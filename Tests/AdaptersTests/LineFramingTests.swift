import NIOCore
import NIOEmbedded
import Testing

@testable import Adapters

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
