import Dialogue
import Foundation
import HummingbirdWebSocket
import NIOCore
import Server
import Synchronization
import Wire

/// One WebSocket connection as a protocol session: each text frame is one JSON line handed to
/// the same `ChatSession` a TCP connection has (a frame over the line limit is a line too long:
/// answered `line-too-long`, the connection kept; a binary frame is not a line of the
/// protocol), and every answer and push goes out as a text frame, in order, through one writer.
/// A connection that makes no request for the idle timeout is closed, as on TCP; a gateway's
/// link is not (the WebSocket's own pings find a dead peer).
enum WebSocketSession {
    /// Lines waiting to go out at most (a client that does not read is let go beyond).
    static let outboxLimit = 4_096

    /// - Parameter eventLoop: the connection's loop: the session's task prefers it, as a TCP
    ///   connection's does, so a line and its answer do not hop between threads.
    static func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, service: DialogueService,
                      limits: SessionLimits, source: String, eventLoop: any EventLoop) async throws
    {
        let (lines, continuation) = AsyncStream.makeStream(of: Outgoing.self, bufferingPolicy: .bufferingOldest(outboxLimit))
        let outbox = Outbox(continuation: continuation)
        let activity = Activity()
        try await withThrowingTaskGroup(of: Void.self) { group in
            // The one writer: answers and pushes in the order they were queued.
            group.addTask {
                for await item in lines {
                    switch item {
                    case .line(let text): try await outbound.write(.text(text))
                    case .written(let done): done()
                    case .close: try await outbound.close(.normalClosure, reason: nil); return
                    }
                    if outbox.overflowed {
                        try await outbound.close(.policyViolation, reason: "slow reader")
                        return
                    }
                }
            }
            // Idle connections go, as on TCP.
            group.addTask {
                let idle = Duration.milliseconds(Int(limits.idleTimeout * 1000))
                while true {
                    try await Task.sleep(for: min(idle, .seconds(1)))
                    if activity.keptAlive.load(ordering: .relaxed) { continue }
                    if ContinuousClock.now - activity.last > idle {
                        outbox.send(.close)
                        return
                    }
                }
            }
            group.addTask(executorPreference: EventLoopTaskExecutor(eventLoop)) {
                let session = ChatSession(
                    service: service, limits: limits, mode: .json, source: source,
                    push: { pushed, written in
                        for line in pushed { outbox.send(.line(line)) }
                        if let written { outbox.send(.written(written)) }
                    },
                    end: { outbox.send(.close) })
                defer {
                    session.close()
                    outbox.finish()
                }
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    let line: InputLine
                    switch message {
                    case .text(let text):
                        line = text.utf8.count > limits.maximumLineBytes ? .tooLong : .text(text)
                    case .binary:
                        outbox.send(.line(ProtocolError.badRequest("Chỉ nhận khung văn bản (JSON).").json(re: nil)))
                        continue
                    }
                    let output = await session.handle(line)
                    if output.gatewayLink { activity.keptAlive.store(true, ordering: .relaxed) }
                    if output.alive || !output.lines.isEmpty { activity.touch() }
                    for text in output.lines { outbox.send(.line(text)) }
                    if output.close {
                        outbox.send(.close)
                        return
                    }
                }
            }
            // The first task to end (the client left, idle, closed) ends the connection.
            try await group.next()
            group.cancelAll()
        }
    }

    /// Where lines wait for the writer; past its bound the client is a slow reader.
    final class Outbox: Sendable {
        let continuation: AsyncStream<Outgoing>.Continuation
        private let dropped = Atomic<Bool>(false)

        init(continuation: AsyncStream<Outgoing>.Continuation) { self.continuation = continuation }

        var overflowed: Bool { dropped.load(ordering: .relaxed) }

        func send(_ item: Outgoing) {
            if case .dropped = continuation.yield(item) { dropped.store(true, ordering: .relaxed) }
        }

        func finish() { continuation.finish() }
    }

    /// What the writer sends.
    enum Outgoing: Sendable {
        case line(String)
        /// Pushed lines before it are out.
        case written(@Sendable () -> Void)
        case close
    }

    /// When the connection last made a request.
    final class Activity: Sendable {
        private let nanoseconds = Atomic<Int64>(0)
        private let start = ContinuousClock.now
        /// A gateway's link: never closed for idleness.
        let keptAlive = Atomic<Bool>(false)

        var last: ContinuousClock.Instant { start + .nanoseconds(nanoseconds.load(ordering: .relaxed)) }

        func touch() {
            let elapsed = ContinuousClock.now - start
            nanoseconds.store(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000,
                              ordering: .relaxed)
        }
    }
}
