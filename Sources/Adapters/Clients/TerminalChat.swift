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
///
/// Given several daemons on one store (`--daemon h1:p1,h2:p2`), a connection lost — not ended
/// by `/quit` or the end of input — is followed by the next daemon of the list (round-robin,
/// a short backoff, for at most `patience` without any daemon reachable), where `chat` resumes
/// its conversation and `tickets` logs in again. One reader of the input feeds whichever
/// connection is current; what is typed while none is goes out once the next one is up.
package struct TerminalChat: Sendable {
    let endpoints: [DaemonEndpoint]
    let stateFile: String?
    let login: String?
    let tls: DaemonConnection.TLS?
    let input: AsyncStream<String>?
    let output: @Sendable ([String]) -> Void
    /// How long the client keeps trying after a connection is lost while no daemon answers.
    package var patience: Duration = .seconds(30)

    /// No daemon of the list could be reached (at the start, or for `patience` after a loss).
    package struct Unreachable: Error, CustomStringConvertible {
        package var description: String
    }

    /// Creates the client of one daemon.
    /// - Parameters:
    ///   - stateFile: where the conversation id is kept between runs (nil: not kept).
    ///   - login: a handler token to log in with first.
    ///   - tls: TLS to the daemon (nil: plain TCP).
    package init(host: String, port: Int, stateFile: String?, login: String? = nil, tls: DaemonConnection.TLS? = nil) {
        self.init(endpoints: [DaemonEndpoint(host: host, port: port)], stateFile: stateFile, login: login, tls: tls)
    }

    /// Creates the client of the daemons of `endpoints` (at least one, tried in this order).
    /// - Parameters:
    ///   - stateFile: where the conversation id is kept between runs (nil: kept for this run only).
    ///   - login: a handler token to log in with first (and again on every new connection).
    ///   - tls: TLS to every daemon (nil: plain TCP).
    ///   - input: the lines typed (nil: standard input).
    ///   - output: where the lines to show go (by default the terminal).
    package init(
        endpoints: [DaemonEndpoint], stateFile: String?, login: String? = nil, tls: DaemonConnection.TLS? = nil,
        input: AsyncStream<String>? = nil, output: @escaping @Sendable ([String]) -> Void = { TerminalChat.show($0) }
    ) {
        precondition(!endpoints.isEmpty, "a terminal client needs a daemon")
        self.endpoints = endpoints
        self.stateFile = stateFile
        self.login = login
        self.tls = tls
        self.input = input
        self.output = output
    }

    /// Runs until `/quit` or the end of input (or no daemon reachable).
    /// - Throws: `Unreachable` when no daemon could be reached.
    package func run() async throws {
        let lines = input ?? Self.standardInput()
        let saved = stateFile.flatMap { try? String(contentsOfFile: $0, encoding: .utf8).trimmedWhitespace }
        let session = Session(conversation: saved.flatMap { $0.isEmpty ? nil : $0 })
        try await withThrowingTaskGroup(of: Void.self) { group in
            // The one reader of the input, across connections.
            group.addTask {
                for await line in lines {
                    if line.isBlank { continue }
                    await session.send(line)
                    if line.trimmedWhitespace == "/quit" { break }
                }
                await session.finish()
                // Give the last reply a moment to arrive, then end.
                try? await Task.sleep(for: .milliseconds(500))
                await session.closeConnection()
            }
            defer { group.cancelAll() }
            try await connections(session)
        }
    }

    // MARK: - Connections

    /// Connects, serves the connection until it ends, and again on the next daemon while the
    /// input goes on.
    private func connections(_ session: Session) async throws {
        var current = 0
        var first = true
        while true {
            let reached: (NIOAsyncChannel<InputLine, ByteBuffer>, Int)?
            if first {
                reached = try await reachAtStart()
            } else {
                reached = try await reachAgain(from: current, session)
            }
            guard let (channel, index) = reached else { return }
            current = index
            let endpoint = endpoints[index]
            let lost = await serve(channel, endpoint, first: first, session)
            first = false
            guard lost else { return }
            output([
                "Mất kết nối tới máy chủ \(endpoint); "
                    + (endpoints.count > 1 ? "đang chuyển sang máy chủ khác…" : "đang kết nối lại…")
            ])
            current = (current + 1) % endpoints.count
        }
    }

    /// The first connection: each daemon of the list once, in order.
    private func reachAtStart() async throws -> (NIOAsyncChannel<InputLine, ByteBuffer>, Int) {
        var failure: (any Error)?
        for index in endpoints.indices {
            do {
                return (try await DaemonConnection.connect(endpoints[index], tls: tls, timeout: .seconds(10)), index)
            } catch {
                failure = error
            }
        }
        throw Unreachable(
            description: "Không kết nối được tới máy chủ motcua \(list)"
                + (failure.map { ": \($0)" } ?? "."))
    }

    /// After a loss: the daemons in turn from `start`, a short backoff between rounds, until
    /// one answers, the input ends (nil) or `patience` ran out.
    private func reachAgain(from start: Int, _ session: Session) async throws
        -> (NIOAsyncChannel<InputLine, ByteBuffer>, Int)?
    {
        let deadline = ContinuousClock.now + patience
        var index = start
        var delay = Duration.milliseconds(200)
        var tried = 0
        while ContinuousClock.now < deadline {
            if await session.finished { return nil }
            let left = deadline - ContinuousClock.now
            let timeout = TimeAmount.milliseconds(max(100, min(5_000, left.milliseconds)))
            if let channel = try? await DaemonConnection.connect(endpoints[index], tls: tls, timeout: timeout) {
                return (channel, index)
            }
            index = (index + 1) % endpoints.count
            tried += 1
            if tried % endpoints.count == 0 {
                try? await Task.sleep(for: min(delay, max(.zero, deadline - ContinuousClock.now)))
                delay = min(delay * 2, .seconds(2))
            }
        }
        throw Unreachable(
            description: "Không kết nối lại được tới máy chủ motcua nào (\(list)) "
                + "trong \(patience.components.seconds) giây; dừng.")
    }

    /// The daemons, as the messages name them.
    private var list: String { endpoints.map(\.description).joined(separator: ", ") }

    /// Resumes (or logs in, or greets) on `channel`, then prints what comes until it ends;
    /// true when it was lost (not ended by `/quit` or the end of input).
    private func serve(
        _ channel: NIOAsyncChannel<InputLine, ByteBuffer>, _ endpoint: DaemonEndpoint, first: Bool,
        _ session: Session
    ) async -> Bool {
        try? await channel.executeThenClose { inbound, outbound in
            if !first { output(["Đã kết nối tới máy chủ \(endpoint)."]) }
            if let login {
                try? await send("/login \(login)", outbound)
            } else if let conversation = await session.conversation {
                try? await send("/resume \(conversation)", outbound)
            } else if first {
                output(["Chào anh/chị! Gõ câu hỏi, hoặc /help để xem hướng dẫn, /quit để thoát."])
            }
            guard await session.attach(outbound, channel.channel) else { return }
            do {
                try await printBlocks(inbound, session)
            } catch {
                // A reset connection ends like a closed one.
            }
            await session.detach()
        }
        return !(await session.finished)
    }

    /// Prints each reply block as it arrives; remembers a new conversation id.
    private func printBlocks(_ inbound: NIOAsyncChannelInboundStream<InputLine>, _ session: Session) async throws {
        var block: [String] = []
        for try await line in inbound {
            guard case .text(let text) = line else { continue }
            guard text != "." else {
                for line in block {
                    if let range = line.range(of: "Mã cuộc trò chuyện: ") {
                        let id = String(line[range.upperBound...].prefix(32))
                        await session.learn(id)
                        // The id works like a password for the conversation: owner-only.
                        if let stateFile { try? PrivateFiles.write(id, to: stateFile) }
                    }
                    if line.hasPrefix("Lỗi (unknown-conversation)") {
                        await session.learn(nil)
                        if let stateFile { try? FileManager.default.removeItem(atPath: stateFile) }
                    }
                }
                output(block)
                block = []
                continue
            }
            block.append(text.hasPrefix("..") ? String(text.dropFirst()) : text)
        }
    }

    // MARK: - The terminal

    /// The lines of standard input, read off the cooperative pool by one task.
    static func standardInput() -> AsyncStream<String> {
        AsyncStream { continuation in
            let reader = Task {
                while let line = await readLine() { continuation.yield(line) }
                continuation.finish()
            }
            continuation.onTermination = { _ in reader.cancel() }
        }
    }

    /// One line of standard input, read off the cooperative pool.
    static func readLine() async -> String? {
        try? await NIOThreadPool.singleton.runIfActive { Swift.readLine() }
    }

    /// Writes lines to the terminal (straight to the descriptor, so output is never held back).
    package static func show(_ lines: [String]) {
        // A closed terminal or pipe ends the output, not the process.
        try? FileHandle.standardOutput.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    func send(_ line: String, _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        try await outbound.write(ByteBuffer(string: line + "\n"))
    }
}

extension TerminalChat {
    /// What a run shares between the reader of the input and the connection of the moment: the
    /// connection's writer (lines typed while there is none wait, in order), whether the input
    /// ended, and the conversation to resume.
    actor Session {
        private var outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>?
        private var channel: (any Channel)?
        private var waiting: [String] = []
        /// `/quit` was typed or the input ended: a connection that ends now is not lost.
        private(set) var finished = false
        /// The conversation this run is in (saved, or learned from the daemon).
        private(set) var conversation: String?

        init(conversation: String?) {
            self.conversation = conversation
        }

        /// Sends a typed line on the current connection, or keeps it for the next one.
        func send(_ line: String) async {
            guard let outbound else {
                waiting.append(line)
                return
            }
            do {
                try await outbound.write(ByteBuffer(string: line + "\n"))
            } catch {
                waiting.append(line)
            }
        }

        /// Makes `outbound` the current connection after sending what waited; false when the
        /// input has ended meanwhile (the connection is then not used).
        func attach(_ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, _ channel: any Channel) async -> Bool {
            guard !finished else { return false }
            self.channel = channel
            // Lines typed during the flush join the end of the queue, so the order holds.
            while !waiting.isEmpty {
                let line = waiting.removeFirst()
                do {
                    try await outbound.write(ByteBuffer(string: line + "\n"))
                } catch {
                    waiting.insert(line, at: 0)
                    return true
                }
            }
            self.outbound = outbound
            return true
        }

        /// The current connection ended.
        func detach() {
            outbound = nil
            channel = nil
        }

        /// The input ended (or `/quit`).
        func finish() { finished = true }

        /// Closes the current connection (after `finish`, so it counts as ended, not lost).
        func closeConnection() { channel?.close(promise: nil) }

        /// The conversation to resume from now on (nil: none, it was unknown to the daemon).
        func learn(_ conversation: String?) { self.conversation = conversation }
    }
}

extension Duration {
    /// Whole milliseconds.
    fileprivate var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
