import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

@testable import Dialogue
@testable import Gateways
@testable import Wire

/// The Zalo OA adapter between a fake OA API and a real daemon (with the desk), on loopback.
@Suite(.serialized) struct ZaloAdapterTests {
    static let appID = "app-123"
    static let secret = "oa-secret"

    /// What the fake OA API was asked to send.
    final class Sent: Sendable {
        let messages = Mutex<[(user: String, text: String)]>([])

        func texts(to user: String) -> [String] { messages.withLock { $0.filter { $0.user == user }.map(\.text) } }

        func wait(_ seconds: Double = 10, until condition: @escaping @Sendable ([(user: String, text: String)]) -> Bool)
            async throws
        {
            let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
            while ContinuousClock.now < deadline {
                if messages.withLock({ condition($0) }) { return }
                try await Task.sleep(for: .milliseconds(20))
            }
            throw ClientTimeout()
        }
    }

    /// Runs daemon, fake OA API, adapter and its webhook for `body`.
    func withAdapter(window: TimeInterval = 48 * 3600, clock: TestClock = TestClock(),
                     _ body: @Sendable @escaping (_ webhook: Int, _ sent: Sent, _ port: Int, _ attt: String) async throws -> Void)
        async throws
    {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let sent = Sent()
        let api = try await HTTPReceiver(host: "127.0.0.1", port: 0) { request in
            guard request.path == "/v3.0/oa/message/cs", request.headers.first(name: "access_token") == "token-1",
                let body = try? JSONValue.parse(String(decoding: request.body, as: UTF8.self)),
                let user = body["recipient"]?["user_id"]?.string, let text = body["message"]?["text"]?.string
            else { return (.ok, #"{"error":-201,"message":"invalid"}"#) }
            sent.messages.withLock { $0.append((user, text)) }
            return (.ok, #"{"error":0,"message":"Success"}"#)
        }
        try await daemon.run { port in
            var settings = ZaloAdapter.Settings(appID: Self.appID, secret: Self.secret, accessToken: "token-1",
                                                daemonHost: "127.0.0.1", daemonPort: port,
                                                stateFile: daemon.directory + "/zalo.json")
            settings.apiBase = "http://127.0.0.1:\(api.port)"
            settings.window = window
            let adapter = ZaloAdapter(settings: settings, clock: clock, logger: Logger(label: "test"))
            let webhook = try await HTTPReceiver(host: "127.0.0.1", port: 0) { await adapter.handle($0) }
            try await body(webhook.port, sent, port, attt)
            await adapter.close()
            await webhook.stop()
        }
        await api.stop()
    }

    /// Posts an event to the webhook, signed (or not); returns the HTTP status.
    static func post(_ port: Int, user: String, text: String?, id: String, event: String = "user_send_text",
                     signature: String? = nil) async throws -> Int
    {
        var message: [String: JSONValue] = ["msg_id": .string(id)]
        if let text { message["text"] = .string(text) }
        let timestamp = "\(Int(Date().timeIntervalSince1970 * 1000))"
        let body = JSONValue.object([
            "app_id": .string(appID), "event_name": .string(event), "timestamp": .string(timestamp),
            "sender": ["id": .string(user)], "recipient": ["id": "oa-1"], "message": .object(message),
        ]).encoded()
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/zalo/webhook")
        request.method = .POST
        request.headers.add(name: "X-ZEvent-Signature", value: signature
            ?? "mac=" + ZaloSignature.digest(appID: appID, body: Array(body.utf8), timestamp: timestamp, secret: secret))
        request.body = .bytes(ByteBuffer(string: body))
        return Int(try await HTTPClient.shared.execute(request, timeout: .seconds(10)).status.code)
    }

    /// A signed question is answered on Zalo; a repeat of the same message id is dropped; a
    /// forged or missing signature gets 401 and changes nothing.
    @Test func answeredDeduplicatedAndForgeryRefused() async throws {
        try await withAdapter { webhook, sent, _, _ in
            #expect(try await Self.post(webhook, user: "u1", text: "Hệ thống thông tin có mấy cấp độ an toàn?", id: "m1") == 200)
            #expect(try await Self.post(webhook, user: "u1", text: "Hệ thống thông tin có mấy cấp độ an toàn?", id: "m1") == 200)
            try await sent.wait { $0.count >= 1 }
            try await Task.sleep(for: .milliseconds(400))
            #expect(sent.texts(to: "u1").count == 1)
            #expect(sent.texts(to: "u1").first?.contains("Có 5 cấp độ") == true)

            #expect(try await Self.post(webhook, user: "u2", text: "xin chào", id: "m2", signature: "mac=" + String(repeating: "0", count: 64)) == 401)
            #expect(try await Self.post(webhook, user: "u2", text: "xin chào", id: "m3", signature: "") == 401)
            try await Task.sleep(for: .milliseconds(300))
            #expect(sent.texts(to: "u2").isEmpty)
        }
    }

    /// A unit's reply that comes after the user's window is held, the ticket shows it could not
    /// be delivered, and it goes out first when the user writes again (then acknowledged).
    @Test func replyOutsideTheWindowHeldUntilTheUserWrites() async throws {
        let clock = TestClock()
        try await withAdapter(clock: clock) { webhook, sent, port, attt in
            _ = try await Self.post(webhook, user: "u9", text: DeskTests.unanswerable, id: "q1")
            try await sent.wait { $0.contains { $0.text.contains("phiếu số") } }
            let number = try await JSONClient.newestTicket(port: port, token: attt)
            #expect(sent.texts(to: "u9").first?.contains("phiếu số \(number)") == true)
            clock.advance(days: 2.01)  // Zalo's 48 hours pass

            let handler = try await JSONClient(port: port)
            _ = try await handler.ask(["type": "login", "token": .string(attt)])
            let reply = "Chi phí tính theo định mức ngày công chuyên gia."
            #expect(try await handler.ask(["type": "reply", "ticket": .int(number), "text": .string(reply)])["type"] == "ok")
            try await Task.sleep(for: .milliseconds(600))
            #expect(!sent.texts(to: "u9").contains { $0.hasSuffix(reply) })
            #expect(try await handler.ask(["type": "show", "ticket": .int(number)])["ticket"]?["undelivered"] == true)

            _ = try await Self.post(webhook, user: "u9", text: "xin chào", id: "q2")
            try await sent.wait { $0.filter { $0.user == "u9" }.count >= 3 }
            let after = Array(sent.texts(to: "u9").dropFirst())
            #expect(after.first?.hasSuffix(reply) == true)  // the held reply first, then the greeting's answer
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await handler.ask(["type": "show", "ticket": .int(number)])["ticket"]?["undelivered"] == false)
            await handler.close()
        }
    }

    @Test func signatureFormula() {
        let body = Array(#"{"a":1}"#.utf8)
        let digest = ZaloSignature.digest(appID: "A", body: body, timestamp: "1", secret: "S")
        #expect(digest.count == 64)
        #expect(ZaloSignature.verify(header: "mac=\(digest)", appID: "A", body: body, timestamp: "1", secret: "S"))
        #expect(ZaloSignature.verify(header: digest.uppercased(), appID: "A", body: body, timestamp: "1", secret: "S"))
        #expect(!ZaloSignature.verify(header: "mac=\(digest)", appID: "A", body: body, timestamp: "2", secret: "S"))
        #expect(!ZaloSignature.verify(header: nil, appID: "A", body: body, timestamp: "1", secret: "S"))
    }
}
