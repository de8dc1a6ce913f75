import Clients
import Foundation
import Logging
import NIOCore
import NIOPosix
import Wire

/// One external user's line to the daemon (JSON Lines): `hello` with the gateway's channel and
/// the user's id (the daemon keeps the conversation, so an adapter keeps no state of its own),
/// then `say`; everything the daemon sends goes to `onEvent`. A lost connection is opened again
/// with backoff and the `hello` repeated — the daemon then sends again every reply not yet
/// acknowledged, so nothing is lost across a daemon restart.
package actor DaemonLink {
    let host: String
    let port: Int
    let channel: String
    let user: String
    let logger: Logger
    let onEvent: @Sendable (JSONValue) async -> Void
    private var connection: NIOAsyncChannel<InputLine, ByteBuffer>?
    private var reader: Task<Void, Never>?
    private var waiting: [Int: CheckedContinuation<JSONValue, any Error>] = [:]
    private var nextID = 0
    /// Events wait here for `onEvent`, handled one at a time by their own task: the reader never
    /// waits for an event's handling (which may itself send a request, like an `ack`).
    private let events: AsyncStream<JSONValue>.Continuation
    private let dispatcher: Task<Void, Never>

    /// Creates a link; it connects on first use.
    package init(host: String, port: Int, channel: String, user: String, logger: Logger,
                 onEvent: @escaping @Sendable (JSONValue) async -> Void)
    {
        self.host = host
        self.port = port
        self.channel = channel
        self.user = user
        self.logger = logger
        self.onEvent = onEvent
        let (stream, continuation) = AsyncStream.makeStream(of: JSONValue.self)
        events = continuation
        dispatcher = Task {
            for await event in stream { await onEvent(event) }
        }
    }

    deinit {
        events.finish()
        reader?.cancel()
        connection?.outbound.finish()
        connection?.channel.close(promise: nil)
    }

    /// Sends a request and returns the daemon's response to it (events in between go to
    /// `onEvent`). Retries on a new connection until the daemon answers.
    package func request(_ object: [String: JSONValue]) async throws -> JSONValue {
        var delay = 0.2
        while true {
            try Task.checkCancellation()
            do {
                let connection = try await connected()
                nextID += 1
                let id = nextID
                var object = object
                object["id"] = .int(id)
                let line = JSONValue.object(object).encoded()
                return try await withCheckedThrowingContinuation { continuation in
                    waiting[id] = continuation
                    Task { try? await connection.outbound.write(ByteBuffer(string: line + "\n")) }
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                logger.info("daemon unreachable, retrying", metadata: ["gateway.user": "\(LogPrivacy.pseudonym(user))", "error": "\(error)"])
                drop()
                try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
                delay = min(delay * 2, 5)
            }
        }
    }

    /// The reply with this delivery id reached the user: the daemon does not send it again.
    package func acknowledge(_ delivery: Int) async {
        _ = try? await request(["type": "ack", "delivery": .int(delivery)])
    }

    /// Closes the connection.
    package func close() {
        events.finish()
        drop()
    }

    private func connected() async throws -> NIOAsyncChannel<InputLine, ByteBuffer> {
        if let connection { return connection }
        let connection = try await DaemonConnection.connect(host: host, port: port)
        self.connection = connection
        let inbound = connection.inbound
        reader = Task { [weak self] in
            do {
                for try await line in inbound {
                    guard case .text(let text) = line, let value = try? JSONValue.parse(text) else { continue }
                    await self?.received(value)
                }
            } catch {}
            await self?.lost()
        }
        let welcome = try await handshake(connection)
        logger.info("linked to the daemon", metadata: [
            "gateway.user": "\(LogPrivacy.pseudonym(user))",
            "conversation": "\(welcome["conversation"]?.string.map(LogPrivacy.pseudonym) ?? "-")",
            "resumed": "\(welcome["resumed"]?.bool ?? false)",
        ])
        return connection
    }

    private func handshake(_ connection: NIOAsyncChannel<InputLine, ByteBuffer>) async throws -> JSONValue {
        nextID += 1
        let id = nextID
        let line = JSONValue.object(["type": "hello", "channel": .string(channel), "user": .string(user), "id": .int(id)])
            .encoded()
        return try await withCheckedThrowingContinuation { continuation in
            waiting[id] = continuation
            Task { try? await connection.outbound.write(ByteBuffer(string: line + "\n")) }
        }
    }

    private func received(_ value: JSONValue) {
        if let id = value["re"]?.int, let continuation = waiting.removeValue(forKey: id) {
            continuation.resume(returning: value)
        } else {
            events.yield(value)
        }
    }

    private func lost() {
        // NIO requires the writer finished before the channel object goes away.
        connection?.outbound.finish()
        connection = nil
        for continuation in waiting.values { continuation.resume(throwing: ChannelError.ioOnClosedChannel) }
        waiting.removeAll()
    }

    private func drop() {
        reader?.cancel()
        reader = nil
        if let connection {
            connection.outbound.finish()
            connection.channel.close(promise: nil)
        }
        lost()
    }
}
