import Foundation
import NIOCore
import NIOPosix

/// `motcua chat`: a terminal client of the text protocol. Shows a prompt, prints each reply up
/// to its closing dot line, and remembers the conversation id in a file so that the next run
/// resumes it.
package struct TerminalChat {
    let host: String
    let port: Int
    let stateFile: String

    /// Creates the client.
    /// - Parameter stateFile: where the conversation id is kept between runs.
    package init(host: String, port: Int, stateFile: String) {
        self.host = host
        self.port = port
        self.stateFile = stateFile
    }

    /// Runs until `/quit`, the end of input or the server closing.
    package func run() async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: 1 << 20)))
                    return try NIOAsyncChannel<InputLine, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            var replies = inbound.makeAsyncIterator()
            if let saved = try? String(contentsOfFile: stateFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
                !saved.isEmpty
            {
                try await send("/resume \(saved)", outbound)
                let lines = try await readReply(&replies)
                if lines.first?.hasPrefix("Lỗi") == true { try? FileManager.default.removeItem(atPath: stateFile) }
                show(lines)
            } else {
                show(["Chào anh/chị! Gõ câu hỏi, hoặc /help để xem hướng dẫn, /quit để thoát."])
            }
            while true {
                // The prompt goes straight to the descriptor: `print` would buffer it until a newline.
                try? FileHandle.standardOutput.write(contentsOf: Data("> ".utf8))
                guard let line = readLine() else { break }
                if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                try await send(line, outbound)
                let reply = try await readReply(&replies)
                for text in reply {
                    if let range = text.range(of: "Mã cuộc trò chuyện: ") {
                        let id = text[range.upperBound...].prefix(32)
                        try? String(id).write(toFile: stateFile, atomically: true, encoding: .utf8)
                    }
                }
                show(reply)
                if line.trimmingCharacters(in: .whitespaces) == "/quit" { break }
            }
        }
    }

    /// Writes lines to the terminal (straight to the descriptor, like the prompt, so the two
    /// never come out of order).
    func show(_ lines: [String]) {
        // A closed terminal or pipe ends the output, not the process.
        try? FileHandle.standardOutput.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    func send(_ line: String, _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        try await outbound.write(ByteBuffer(string: line + "\n"))
    }

    /// One reply: the lines up to the closing dot line, dot-stuffing undone.
    @concurrent func readReply(_ replies: inout NIOAsyncChannelInboundStream<InputLine>.AsyncIterator) async throws
        -> [String]
    {
        var lines: [String] = []
        while let line = try await replies.next() {
            guard case .text(let text) = line else { continue }
            if text == "." { break }
            lines.append(text.hasPrefix("..") ? String(text.dropFirst()) : text)
        }
        return lines
    }
}
