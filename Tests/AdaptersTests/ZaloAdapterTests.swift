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

    /// What the fake OAuth server was asked: the refresh tokens it was given.
    final class Renewals: Sendable {
        let refreshTokens = Mutex<[String]>([])
    }

    /// Runs daemon, fake OA API (messages and token renewal), adapter and its webhook for
    /// `body`. The OA API takes `token-1`, and `token-2` once renewed with `refresh-1`.
    func withAdapter(window: TimeInterval = 48 * 3600, clock: TestClock = TestClock(),
                     expiresIn: TimeInterval = 20 * 3600, refreshEvery: Double? = nil,
                     _ body: @Sendable @escaping (_ webhook: Int, _ sent: Sent, _ port: Int, _ attt: String,
                                                  _ renewals: Renewals, _ tokenState: String) async throws -> Void)
        async throws
    {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let (_, gatewayToken) = try await daemon.addGateway(channel: "zalo")
        let sent = Sent()
        let renewals = Renewals()
        let api = try await HTTPReceiver(host: "127.0.0.1", port: 0) { request in
            if request.path == "/v4/oa/access_token" {
                let form = String(decoding: request.body, as: UTF8.self)
                guard request.headers.first(name: "secret_key") == "app-secret",
                    form.contains("grant_type=refresh_token"), form.contains("app_id=\(Self.appID)")
                else { return (.ok, #"{"error":-14002,"error_description":"invalid app"}"#) }
                let refresh = form.split(separator: "&").first { $0.hasPrefix("refresh_token=") }.map { String($0.dropFirst(14)) } ?? ""
                renewals.refreshTokens.withLock { $0.append(refresh) }
                guard refresh == "refresh-1" else { return (.ok, #"{"error":-14014,"error_description":"refresh token used"}"#) }
                return (.ok, #"{"access_token":"token-2","refresh_token":"refresh-2","expires_in":"90000"}"#)
            }
            let token = request.headers.first(name: "access_token")
            // Once renewed, the old access token no longer works.
            let renewed = renewals.refreshTokens.withLock { $0.contains("refresh-1") }
            guard request.path == "/v3.0/oa/message/cs", token == "token-2" || (token == "token-1" && !renewed),
                let body = try? JSONValue.parse(String(decoding: request.body, as: UTF8.self)),
                let user = body["recipient"]?["user_id"]?.string, let text = body["message"]?["text"]?.string
            else { return (.ok, #"{"error":-216,"message":"Access token is invalid"}"#) }
            sent.messages.withLock { $0.append((user, text)) }
            return (.ok, #"{"error":0,"message":"Success"}"#)
        }
        let tokenState = daemon.directory + "/zalo-tokens.json"
        try await daemon.run { port in
            var settings = ZaloAdapter.Settings(appID: Self.appID, secret: Self.secret, stateFile: daemon.directory + "/zalo.json")
            settings.apiBase = "http://127.0.0.1:\(api.port)"
            settings.window = window
            let tokens = ZaloTokens(initial: .init(accessToken: "token-1", refreshToken: "refresh-1",
                                                   expiresAt: clock.now.addingTimeInterval(expiresIn)),
                                    stateFile: tokenState, appID: Self.appID, secretKey: "app-secret",
                                    oauthBase: "http://127.0.0.1:\(api.port)", clock: clock, logger: Logger(label: "test"))
            let adapter = ZaloAdapter(settings: settings, link: DeskDaemon.link(port: port, token: gatewayToken), tokens: tokens,
                                      clock: clock, logger: Logger(label: "test"))
            await adapter.start()
            let refresher = refreshEvery.map { every in Task { await tokens.keepFresh(every: every) } }
            let webhook = try await HTTPReceiver(host: "127.0.0.1", port: 0) { await adapter.handle($0) }
            try await body(webhook.port, sent, port, attt, renewals, tokenState)
            refresher?.cancel()
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
        try await withAdapter { webhook, sent, _, _, _, _ in
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

    /// A unit's reply that comes after the user's window is not sent: the ticket shows it
    /// undelivered and why, and it goes out when the user writes again (then acknowledged).
    @Test func replyOutsideTheWindowHeldUntilTheUserWrites() async throws {
        let clock = TestClock()
        try await withAdapter(clock: clock) { webhook, sent, port, attt, _, _ in
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
            var shown = try await handler.ask(["type": "show", "ticket": .int(number)])
            for _ in 0..<50 where shown["ticket"]?["undelivered"] != true {
                try await Task.sleep(for: .milliseconds(50))
                shown = try await handler.ask(["type": "show", "ticket": .int(number)])
            }
            #expect(shown["ticket"]?["undelivered"] == true)
            #expect(shown["deliveries"]?.array?.first?["reason"]?.string?.hasPrefix("outside-window") == true)

            _ = try await Self.post(webhook, user: "u9", text: "xin chào", id: "q2")
            try await sent.wait { $0.filter { $0.user == "u9" }.count >= 3 }
            #expect(sent.texts(to: "u9").dropFirst().contains { $0.contains(reply) })
            var after = try await handler.ask(["type": "show", "ticket": .int(number)])
            for _ in 0..<50 where after["ticket"]?["undelivered"] != false {
                try await Task.sleep(for: .milliseconds(50))
                after = try await handler.ask(["type": "show", "ticket": .int(number)])
            }
            #expect(after["ticket"]?["undelivered"] == false)
            #expect(after["deliveries"]?.array?.first?["state"] == "delivered")
            await handler.close()
        }
    }

    /// The access token is renewed with the refresh token before it expires (the OA token
    /// endpoint's shape), the new pair saved owner-only, and the messages go out with the new one.
    @Test func accessTokenRenewedBeforeItExpires() async throws {
        try await withAdapter(expiresIn: 30 * 60, refreshEvery: 0.05) { webhook, sent, _, _, renewals, tokenState in
            // Renewed and saved (the pair is written once the endpoint answered).
            for _ in 0..<200 where (try? String(contentsOfFile: tokenState, encoding: .utf8))?.contains("token-2") != true {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(renewals.refreshTokens.withLock { $0 } == ["refresh-1"], "renewed once, with the refresh token")
            let saved = try String(contentsOfFile: tokenState, encoding: .utf8)
            #expect(saved.contains("token-2") && saved.contains("refresh-2"))
            let mode = try FileManager.default.attributesOfItem(atPath: tokenState)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            _ = try await Self.post(webhook, user: "u3", text: "Hệ thống thông tin có mấy cấp độ an toàn?", id: "t1")
            try await sent.wait { $0.contains { $0.user == "u3" } }
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
