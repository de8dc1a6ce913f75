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

    /// A console page's socket: signed in by its browser session, and let go when it ends.
    struct Console: Sendable {
        let sessions: ConsoleSessions
        let id: String
        let handler: Handler
    }

    /// - Parameter eventLoop: the connection's loop: the session's task prefers it, as a TCP
    ///   connection's does, so a line and its answer do not hop between threads.
    static func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, service: DialogueService,
                      limits: SessionLimits, source: String, eventLoop: any EventLoop, console: Console? = nil) async throws
    {
        let (lines, continuation) = AsyncStream.makeStream(of: Outgoing.self, bufferingPolicy: .bufferingOldest(outboxLimit))
        let outbox = Outbox(continuation: continuation)
        let activity = Activity()
        try await withThrowingTaskGroup(of: Void.self) { group in
            // The one writer: answers and pushes in the order they were queued.
            group.addTask {
                defer { outbox.writerEnded.store(true, ordering: .relaxed) }
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
                        // A writer stuck on a client that reads nothing is not waited for long.
                        try await Task.sleep(for: .seconds(5))
                        outbox.writerEnded.store(true, ordering: .relaxed)
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
                if let console {
                    guard let page = await signIn(session, service: service, console: console, outbox: outbox) else {
                        outbox.send(.close)
                        return
                    }
                    activity.touch()
                    defer { console.sessions.detach(console.id, page: page) }
                    try await read(inbound, into: session, limits: limits, outbox: outbox, activity: activity)
                    return
                }
                try await read(inbound, into: session, limits: limits, outbox: outbox, activity: activity)
            }
            // The connection ends with its writer: when the client left (the session finished the
            // outbox), went idle or was closed (a close queued behind the last lines), the
            // writer sends what is queued first, so that a `bye` or `signed-out` is not lost.
            while try await group.next() != nil {
                if outbox.writerEnded.load(ordering: .relaxed) { break }
            }
            group.cancelAll()
        }
    }

    /// Signs a console page's session in as its handler (if the token still works): the page
    /// is told `welcome` as after a `login`, and `signed-out` when the browser session ends.
    /// - Returns: the page's key in the sessions (nil: not signed in; told why).
    static func signIn(_ session: ChatSession, service: DialogueService, console: Console, outbox: Outbox) async -> Int? {
        let ended: @Sendable (String) -> Void = { reason in
            outbox.send(.line(JSONValue.object(["type": "signed-out", "reason": .string(reason)]).encoded()))
        }
        guard let desk = service.escalation, let current = try? await desk.stillActive(console.handler) else {
            ended("revoked")
            return nil
        }
        guard let page = console.sessions.attach(console.id, end: { why in
            ended(why.rawValue)
            outbox.send(.close)
        }) else {
            ended("expired")
            return nil
        }
        for line in session.adopt(current).lines { outbox.send(.line(line)) }
        return page
    }

    /// Hands each text frame to the session as a line and queues what it answers.
    static func read(_ inbound: WebSocketInboundStream, into session: ChatSession, limits: SessionLimits, outbox: Outbox,
                     activity: Activity) async throws
    {
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

    /// Where lines wait for the writer; past its bound the client is a slow reader.
    final class Outbox: Sendable {
        let continuation: AsyncStream<Outgoing>.Continuation
        private let dropped = Atomic<Bool>(false)
        /// The writer stopped: the connection ends.
        let writerEnded = Atomic<Bool>(false)

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
