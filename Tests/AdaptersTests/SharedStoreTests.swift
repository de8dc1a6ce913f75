import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

@testable import Dialogue
@testable import PostgresStorage
@testable import Wire

/// Two daemons on one PostgreSQL database, each with its own connections, index and live
/// sessions, over real sockets: what one does, the other's users see.
@Suite struct SharedStoreTests {
    static let enabled = PostgresScratch.base != nil || PostgresScratch.required
    static let reason: Comment = "PostgreSQL is needed for the two-daemon tests: set MOTCUA_TEST_POSTGRES (see .ci/run)"

    /// An asker on A escalates; the unit's handler on B is told at once and replies; the asker
    /// on A gets the reply live; the entry approved on B answers the next asker on A within a
    /// second.
    @Test(.enabled(if: enabled, reason)) func escalateOnAAnswerOnB() async throws {
        let (daemon, attt, cds, _) = try await DeskDaemon.make(postgres: true)
        defer { daemon.remove() }
        try await daemon.run { a in
            try await daemon.run { b in
                let asker = try await JSONClient(port: a)
                let handler = try await JSONClient(port: b)
                let other = try await JSONClient(port: a)
                #expect(try await handler.ask(["type": "login", "token": .string(attt)])["unit"] == "ATTT")
                #expect(try await other.ask(["type": "login", "token": .string(cds)])["unit"] == "CDS")
                _ = try await asker.ask(["type": "hello", "channel": "zalo", "user": "84900000001"])

                let escalated = try await asker.ask(["type": "say", "text": .string(DeskTests.unanswerable)])
                let number = try #require(escalated["ticket"]?.int)
                let pushed = try await handler.next(within: 2)
                #expect(pushed["type"] == "ticket" && pushed["ticket"]?.int == number, "the handler on B hears of it")
                #expect(try await other.isQuiet(for: 0.5), "another unit's handler on A does not")

                let answer = "Theo định mức chi phí đánh giá an toàn hệ thống thông tin, tính theo ngày công chuyên gia."
                let replied = try await handler.ask(["type": "reply", "ticket": .int(number), "text": .string(answer)])
                #expect(replied["type"] == "ok")
                let live = try await asker.next(within: 2)
                #expect(live["type"] == "reply" && live["ticket"]?.int == number && live["text"]?.string == answer,
                        "the asker on A gets B's reply live")
                let delivery = try #require(live["delivery"]?.int)
                #expect(try await asker.ask(["type": "ack", "delivery": .int(delivery)])["type"] == "ok")
                #expect(try await asker.isQuiet(for: 0.5), "once")

                let draft = try await handler.next(within: 2)
                #expect(draft["type"] == "draft")
                let approval: JSONValue = ["type": "review", "action": "approve", "kb": .string(EscalationService.entryID(number))]
                #expect(try await handler.ask(approval)["type"] == "ok")
                try await Task.sleep(for: .seconds(1))
                let next = try await JSONClient(port: a)
                let answered = try await next.ask(["type": "say", "text": .string(DeskTests.unanswerable)])
                #expect(answered["type"] == "answer" && answered["kb"]?.string == EscalationService.entryID(number),
                        "A's index has B's entry within a second")

                // A retirement on A reaches B's index too.
                let admin = try await daemon.addHandler(unit: "ATTT", name: "Quản trị", admin: true)
                let adminOnA = try await JSONClient(port: a)
                _ = try await adminOnA.ask(["type": "login", "token": .string(admin.token)])
                let retire: JSONValue = ["type": "kb", "action": "retire", "kb": .string(EscalationService.entryID(number))]
                #expect(try await adminOnA.ask(retire)["type"] == "ok")
                try await Task.sleep(for: .seconds(1))
                let onB = try await JSONClient(port: b)
                #expect(try await onB.ask(["type": "say", "text": .string(DeskTests.unanswerable)])["type"] == "escalated")
                for client in [asker, handler, other, next, adminOnA, onB] { await client.close() }
            }
        }
    }

    /// A handler signed in to the console through daemon A is signed in on daemon B with the
    /// same cookie (a load balancer may send the browser to either); signing out on A ends the
    /// session on B within a second or two.
    @Test(.enabled(if: enabled, reason)) func consoleSessionOnEitherDaemon() async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make(postgres: true)
        defer { daemon.remove() }
        @Sendable func send(_ method: HTTPMethod, _ url: String, cookie: String? = nil, body: String? = nil) async throws
            -> HTTPClientResponse
        {
            var request = HTTPClientRequest(url: url)
            request.method = method
            request.headers.add(name: "Connection", value: "close")
            if let cookie { request.headers.add(name: "Cookie", value: cookie) }
            if let body {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: body))
            }
            return try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        }
        try await OperationsDaemon.run(try await daemon.service()) { a in
            try await OperationsDaemon.run(try await daemon.service()) { b in
                let signedIn = try await send(.POST, "http://127.0.0.1:\(a.http)/console/session", body: #"{"token": "\#(attt)"}"#)
                #expect(signedIn.status == .ok)
                let cookie = try #require(signedIn.headers["Set-Cookie"].first?.split(separator: ";").first.map(String.init))
                let onB = try await send(.GET, "http://127.0.0.1:\(b.http)/console/session", cookie: cookie)
                #expect(onB.status == .ok, "B accepts the session A started")
                let who = try JSONValue.parse(String(buffer: try await onB.body.collect(upTo: 4096)))
                #expect(who["unit"] == "ATTT")
                #expect(try await send(.GET, "http://127.0.0.1:\(b.http)/console/session", cookie: "motcua_console=forged").status
                    == .unauthorized)
                #expect(try await send(.DELETE, "http://127.0.0.1:\(a.http)/console/session", cookie: cookie).status.code < 300)
                let deadline = ContinuousClock.now + .seconds(5)
                var status = HTTPResponseStatus.ok
                while status == .ok, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(200))
                    status = try await send(.GET, "http://127.0.0.1:\(b.http)/console/session", cookie: cookie).status
                }
                #expect(status == .unauthorized, "signed out on A, the session ends on B")
            }
        }
    }

    /// The same conversation's messages sent to both daemons at once are handled one at a
    /// time: every exchange is stored whole, in and out in turn, none lost.
    @Test(.enabled(if: enabled, reason)) func oneConversationOnTwoDaemons() async throws {
        let (daemon, _, _, _) = try await DeskDaemon.make(postgres: true)
        defer { daemon.remove() }
        try await daemon.run { a in
            try await daemon.run { b in
                let first = try await JSONClient(port: a)
                let welcome = try await first.ask(["type": "hello"])
                let conversation = try #require(welcome["conversation"]?.string)
                let second = try await JSONClient(port: b)
                _ = try await second.ask(["type": "hello", "conversation": .string(conversation)])
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for client in [first, second] {
                        group.addTask {
                            for turn in 0..<15 {
                                let reply = try await client.ask(["type": "say", "text": "Nền tảng LGSP của tỉnh dùng để làm gì?"])
                                #expect(reply["type"] != "error", "\(reply)")
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                let store = try await daemon.openStore()
                let messages = try await store.messages(of: conversation, last: 1000)
                #expect(messages.count == 60)
                #expect(messages.enumerated().allSatisfy { ($0.offset % 2 == 0) == ($0.element.direction == .incoming) },
                        "no exchange interleaved with another")
                await first.close()
                await second.close()
            }
        }
    }

    /// An answer waited for up to three times as long as a client waits (the daemon, a debug
    /// build, shares two cores with the whole suite); a second ask of the same is what a
    /// client does after a timeout (`hello` resumes, `ack` is idempotent).
    static func patiently(_ ask: () async throws -> JSONValue) async throws -> JSONValue {
        for _ in 0..<2 {
            do { return try await ask() } catch is ClientTimeout { continue }
        }
        return try await ask()
    }

    /// Two `motcua serve` processes on one database; A is killed with SIGKILL while askers
    /// raise tickets and a handler answers them on it; everyone moves to B. No ticket whose
    /// receipt was sent and no reply whose `ok` was sent is lost, and no reply acknowledged is
    /// delivered again.
    @Test(.enabled(if: enabled, reason)) func killedDaemonLosesNothing() async throws {
        let address = try PostgresScratch.address()
        let url = "\(PostgresScratch.base!)\(PostgresScratch.base!.contains("?") ? "&" : "?")schema=\(address.schema)"
        let options = ["--store", url, "--tickets-per-conversation", "0", "--tickets-per-address", "0"]
        let a = try DaemonProcess(arguments: options)
        let portA = try a.port()
        let b = try DaemonProcess(arguments: options)
        defer { b.stop() }
        let portB = try b.port()
        let store = try await PostgresStore.open(address, connections: 4, logger: Logger(label: "test"))
        let (id, token, hash) = HandlerTokens.make()
        try await store.addHandler(Handler(id: id, unit: "ATTT", name: "Quản trị", admin: true), secretHash: hash)

        let tally = Tally()
        let (receipts, replied, conversations) = (tally.receipts, tally.replied, tally.conversations)
        let askers = 12
        try await withThrowingTaskGroup(of: Void.self) { group in
            for asker in 0..<askers {
                group.addTask {
                    let client = try await JSONClient(port: portA)
                    defer { Task { await client.close() } }
                    // A daemon slow to answer under the whole suite's load only makes fewer askers.
                    guard let conversation = (try? await client.ask(["type": "hello"]))?["conversation"]?.string else { return }
                    conversations.withLock { $0.append(conversation) }
                    for turn in 0..<1000 {
                        let text = "Hồ sơ số \(asker)-\(turn) về định mức chi phí thuê chuyên gia đánh giá an toàn được tính thế nào?"
                        guard let receipt = try? await client.ask(["type": "escalate", "text": .string(text)]) else { return }
                        if let number = receipt["ticket"]?.int { receipts.withLock { $0[conversation, default: []].append(number) } }
                        try? await Task.sleep(for: .milliseconds(50))
                    }
                }
            }
            group.addTask {
                let handler = try await JSONClient(port: portA)
                defer { Task { await handler.close() } }
                _ = try await handler.ask(["type": "login", "token": .string(token)])
                while true {
                    guard let push = try? await handler.next(within: 5) else { return }
                    guard push["type"] == "ticket", let number = push["ticket"]?.int else { continue }
                    guard let response = try? await handler.ask(["type": "reply", "ticket": .int(number), "text": "Đã có hướng dẫn."])
                    else { return }
                    if response["type"] == "ok" { replied.withLock { $0.append(number) } }
                }
            }
            // Killed in the middle of the load, once it has done enough to count.
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline,
                receipts.withLock({ $0.values.map(\.count).reduce(0, +) }) < 20 || replied.withLock({ $0.count }) < 3
            {
                try await Task.sleep(for: .milliseconds(100))
            }
            kill(a.process.processIdentifier, SIGKILL)
            a.process.waitUntilExit()
            try await group.waitForAll()
        }
        let raised = receipts.withLock { $0.values.flatMap { $0 } }
        let answered = replied.withLock { $0 }
        #expect(raised.count >= 20 && answered.count >= 3, "the load ran: \(raised.count) tickets, \(answered.count) replies")

        // Every receipt's ticket is in the store, once; the handler on B sees the rest in its queue.
        for number in raised { #expect(try await store.ticket(number) != nil, "ticket \(number) was receipted") }
        #expect(Set(raised).count == raised.count)

        // The askers resume on B: each reply that got its `ok` arrives, and is acknowledged.
        let delivered = Tally.Box<[Int: Int]>([:])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for conversation in conversations.withLock({ $0 }) {
                group.addTask {
                    let client = try await JSONClient(port: portB)
                    _ = try await Self.patiently { try await client.ask(["type": "hello", "conversation": .string(conversation)]) }
                    while let push = try? await client.next(within: 1) {
                        guard push["type"] == "reply", let ticket = push["ticket"]?.int, let delivery = push["delivery"]?.int
                        else { continue }
                        delivered.withLock { $0[ticket, default: 0] += 1 }
                        let acknowledged = try await Self.patiently { try await client.ask(["type": "ack", "delivery": .int(delivery)]) }
                        #expect(acknowledged["type"] == "ok")
                    }
                    await client.close()
                }
            }
            try await group.waitForAll()
        }
        let counts = delivered.withLock { $0 }
        for number in answered { #expect(counts[number] == 1, "the reply to \(number) reached its asker once") }
        // Resumed again: nothing acknowledged comes back.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for conversation in conversations.withLock({ $0 }) {
                group.addTask {
                    let client = try await JSONClient(port: portB)
                    _ = try await Self.patiently { try await client.ask(["type": "hello", "conversation": .string(conversation)]) }
                    #expect(try await client.isQuiet(for: 0.5), "an acknowledged reply is never sent again")
                    await client.close()
                }
            }
            try await group.waitForAll()
        }
        store.close()
    }
}

/// What the crash test's clients saw, gathered from their tasks.
final class Tally: Sendable {
    /// Tickets whose receipt came, by conversation.
    let receipts = Box<[String: [Int]]>([:])
    /// Tickets whose reply got its `ok`.
    let replied = Box<[Int]>([])
    /// The askers' conversations.
    let conversations = Box<[String]>([])

    /// A value behind a lock, shared by reference.
    final class Box<Value: Sendable>: Sendable {
        private let value: Mutex<Value>
        init(_ value: Value) { self.value = Mutex(value) }
        func withLock<T: Sendable>(_ body: (inout sending Value) -> sending T) -> T { value.withLock(body) }
    }
}
