import Dialogue
import Foundation
import NIOCore
import NIOPosix
import Retrieval
import Wire

/// `motcua chat` and `motcua tickets`: a terminal client of the text protocol. Lines typed are
/// sent as they come; everything the server sends — replies, and the replies and tickets it
/// pushes on its own — is printed as it arrives, one framed block at a time. `chat` remembers
/// the conversation id in a file so that the next run resumes it (and gets the replies that came
/// meanwhile); `tickets` logs in as a handler first.
package struct TerminalChat {
    let host: String
    let port: Int
    let stateFile: String?
    let login: String?
    let tls: DaemonConnection.TLS?

    /// Creates the client.
    /// - Parameters:
    ///   - stateFile: where the conversation id is kept between runs (nil: not kept).
    ///   - login: a handler token to log in with first.
    ///   - tls: TLS to the daemon (nil: plain TCP).
    package init(host: String, port: Int, stateFile: String?, login: String? = nil, tls: DaemonConnection.TLS? = nil) {
        self.host = host
        self.port = port
        self.stateFile = stateFile
        self.login = login
        self.tls = tls
    }

    /// Runs until `/quit`, the end of input or the server closing.
    package func run() async throws {
        let channel = try await DaemonConnection.connect(host: host, port: port, tls: tls)
        let stateFile = self.stateFile
        try await channel.executeThenClose { inbound, outbound in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await Self.printBlocks(inbound, stateFile: stateFile) }
                if let login {
                    try await send("/login \(login)", outbound)
                } else if let stateFile, let saved = try? String(contentsOfFile: stateFile, encoding: .utf8).trimmedWhitespace,
                    !saved.isEmpty
                {
                    try await send("/resume \(saved)", outbound)
                } else {
                    show(["Chào anh/chị! Gõ câu hỏi, hoặc /help để xem hướng dẫn, /quit để thoát."])
                }
                while let line = await Self.readLine() {
                    if line.isBlank { continue }
                    try await send(line, outbound)
                    if line.trimmedWhitespace == "/quit" { break }
                }
                // Give the last reply a moment to arrive, then end.
                try? await Task.sleep(for: .milliseconds(500))
                group.cancelAll()
            }
        }
    }

    /// Prints each reply block as it arrives; remembers a new conversation id.
    static func printBlocks(_ inbound: NIOAsyncChannelInboundStream<InputLine>, stateFile: String?) async throws {
        var block: [String] = []
        for try await line in inbound {
            guard case .text(let text) = line else { continue }
            guard text != "." else {
                if let stateFile {
                    for line in block {
                        if let range = line.range(of: "Mã cuộc trò chuyện: ") {
                            // The id works like a password for the conversation: owner-only.
                            try? PrivateFiles.write(String(line[range.upperBound...].prefix(32)), to: stateFile)
                        }
                        if line.hasPrefix("Lỗi (unknown-conversation)") { try? FileManager.default.removeItem(atPath: stateFile) }
                    }
                }
                show(block)
                block = []
                continue
            }
            block.append(text.hasPrefix("..") ? String(text.dropFirst()) : text)
        }
    }

    /// One line of standard input, read off the cooperative pool.
    static func readLine() async -> String? {
        try? await NIOThreadPool.singleton.runIfActive { Swift.readLine() }
    }

    /// Writes lines to the terminal (straight to the descriptor, so output is never held back).
    static func show(_ lines: [String]) {
        // A closed terminal or pipe ends the output, not the process.
        try? FileHandle.standardOutput.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    func show(_ lines: [String]) { Self.show(lines) }

    func send(_ line: String, _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        try await outbound.write(ByteBuffer(string: line + "\n"))
    }
}
