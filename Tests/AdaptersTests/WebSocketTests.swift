import Dialogue
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import Logging
import Synchronization
import Testing

@testable import Server
@testable import Web
@testable import Wire

/// The WebSocket at `/ws`, in process on a live Hummingbird server: the JSON protocol over text
/// frames (the same session as TCP), a frame over the line limit refused like a long line, a
/// page of another site refused, pushes arriving as frames.
@Suite(.serialized) struct WebSocketTests {
    /// Frames a client received, and a way to wait for them.
    final class Received: Sendable {
        let frames = Mutex<[JSONValue]>([])

        func add(_ text: String) { frames.withLock { $0.append((try? JSONValue.parse(text)) ?? .null) } }

        func wait(_ seconds: Double = 10, until condition: @escaping @Sendable ([JSONValue]) -> Bool) async throws {
            let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
            while ContinuousClock.now < deadline {
                if frames.withLock({ condition($0) }) { return }
                try await Task.sleep(for: .milliseconds(10))
            }
            throw ClientTimeout()
        }
    }

    /// Runs a WebSocket client against the server: sends `lines` (one frame each), keeps every
    /// frame received, and stays until `until` holds.
    static func talk(_ client: some TestClientProtocol, path: String = "/ws", headers: HTTPFields = [:], lines: [String],
                     until: @escaping @Sendable ([JSONValue]) -> Bool) async throws -> [JSONValue]
    {
        let received = Received()
        var configuration = WebSocketClientConfiguration()
        configuration.additionalHeaders = headers
        configuration.maxFrameSize = 1 << 20
        try await client.ws(path, configuration: configuration) { inbound, outbound, _ in
            let reader = Task {
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    if case .text(let text) = message { received.add(text) }
                }
            }
            for line in lines { try await outbound.write(.text(line)) }
            try await received.wait(until: until)
            reader.cancel()
        }
        return received.frames.withLock { $0 }
    }

    func withServer(limits: SessionLimits = SessionLimits(),
                    _ body: @Sendable (any TestClientProtocol, DeskDaemon, String) async throws -> Void) async throws
    {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        var configuration = WebServer.Configuration()
        configuration.port = 0
        configuration.limits = limits
        let logger = Logger(label: "test")
        let server = WebServer(configuration: configuration, service: try await daemon.service(), logger: logger)
        try await server.application().test(.live) { client in try await body(client, daemon, attt) }
    }

    /// The protocol over frames: an answer with its `re`; a frame over the line limit is
    /// `line-too-long` and the connection goes on; a frame that is not JSON is `bad-json`.
    @Test func protocolOverFrames() async throws {
        try await withServer { client, _, _ in
            let long = JSONValue.object(["type": "say", "text": .string(String(repeating: "a", count: 20_000)), "id": 2]).encoded()
            let frames = try await Self.talk(client, lines: [
                #"{"type":"say","text":"Hệ thống thông tin có mấy cấp độ an toàn?","id":1}"#, long, "câu hỏi không phải JSON",
                #"{"type":"whoami","id":3}"#,
            ]) { $0.count >= 4 }
            #expect(frames[0]["type"] == "answer" && frames[0]["re"] == 1 && frames[0]["text"]?.string?.contains("5 cấp độ") == true)
            #expect(frames[1]["code"] == "line-too-long")
            #expect(frames[2]["code"] == "bad-json")
            #expect(frames[3]["type"] == "whoami" && frames[3]["re"] == 3, "the connection went on")
        }
    }

    /// A page of another site may not open the WebSocket; the configured site may.
    @Test func originChecked() async throws {
        try await withServer { client, _, _ in
            await #expect(throws: (any Error).self) {
                _ = try await Self.talk(client, headers: [.origin: "http://evil.example"], lines: [#"{"type":"help","id":1}"#]) {
                    !$0.isEmpty
                }
            }
            let port = try #require(client.port)
            let own = try await Self.talk(client, headers: [.origin: "http://localhost:\(port)"], lines: [#"{"type":"help","id":1}"#]) {
                !$0.isEmpty
            }
            #expect(own.first?["type"] == "chat")
        }
    }

    /// A connection that makes no request for the idle timeout is closed, as on TCP.
    @Test func idleConnectionClosed() async throws {
        var limits = SessionLimits()
        limits.idleTimeout = 0.5
        try await withServer(limits: limits) { client, _, _ in
            let started = ContinuousClock.now
            try await client.ws("/ws") { inbound, outbound, _ in
                try await outbound.write(.text(#"{"type":"help","id":1}"#))
                for try await _ in inbound.messages(maxSize: 1 << 20) {}
            }
            let lasted = ContinuousClock.now - started
            #expect(lasted >= .milliseconds(400) && lasted < .seconds(5), "\(lasted)")
        }
    }

    /// Past the connection limit a WebSocket is refused; one that closed frees its place.
    @Test func connectionLimit() async throws {
        var limits = SessionLimits()
        limits.maximumConnections = 1
        try await withServer(limits: limits) { client, _, _ in
            let holding = Received()
            let held = Task {
                try await client.ws("/ws") { inbound, outbound, _ in
                    try await outbound.write(.text(#"{"type":"help","id":1}"#))
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        if case .text(let text) = message { holding.add(text) }
                        if holding.frames.withLock({ $0.count }) >= 1 { try await Task.sleep(for: .milliseconds(600)); return }
                    }
                }
            }
            try await holding.wait { !$0.isEmpty }
            await #expect(throws: (any Error).self) {
                _ = try await Self.talk(client, lines: [#"{"type":"help","id":1}"#]) { !$0.isEmpty }
            }
            _ = try await held.value
            try await Task.sleep(for: .milliseconds(100))
            let after = try await Self.talk(client, lines: [#"{"type":"help","id":1}"#]) { !$0.isEmpty }
            #expect(after.first?["type"] == "chat", "the place was freed")
        }
    }

    /// The pages come from the binary with a strict policy: only the configured sites may frame
    /// the chat (the portal snippet), nobody may frame the rest.
    @Test func pagesAndTheirPolicy() async throws {
        let (daemon, _, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        var configuration = WebServer.Configuration()
        configuration.port = 0
        configuration.origins = ["https://portal.example.gov.vn"]
        let server = WebServer(configuration: configuration, service: try await daemon.service(), logger: Logger(label: "test"))
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/chat", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#"data-testid="message-input""#))
                let policy = response.headers[.init("Content-Security-Policy")!] ?? ""
                #expect(policy.contains("frame-ancestors 'self' https://portal.example.gov.vn"), "\(policy)")
                #expect(policy.contains("default-src 'self'"))
            }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.headers[.init("Content-Security-Policy")!]?.contains("frame-ancestors 'none'") == true)
            }
            try await client.execute(uri: "/embed.js", method: .get) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/javascript") == true)
                #expect(String(buffer: response.body).contains("/chat"))
            }
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(String(buffer: response.body) == "ok")
            }
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .ok && String(buffer: response.body) == "ready")
            }
        }
    }

    @Test func originRules() {
        let check = OriginCheck(configured: [], host: "127.0.0.1", port: { 8080 })
        #expect(check.allows(nil) && check.allows("ws://localhost"), "not a browser's page")
        #expect(check.allows("http://localhost:8080") && check.allows("http://127.0.0.1:8080/"))
        #expect(!check.allows("http://localhost:8081") && !check.allows("https://evil.example") && !check.allows("null"))
        #expect(!check.allows("ws://localhost, http://evil.example"), "every origin named must pass")
        let site = OriginCheck(configured: ["https://motcua.gov.vn"], host: "0.0.0.0", port: { 8080 })
        #expect(site.allows("https://MOTCUA.gov.vn") && !site.allows("http://0.0.0.0:8080"))
    }

    /// A unit's reply reaches the asker's open WebSocket as a frame, without asking again.
    @Test func replyPushedAsAFrame() async throws {
        try await withServer { client, _, attt in
            let received = Received()
            try await client.ws("/ws") { inbound, outbound, _ in
                let reader = Task {
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        if case .text(let text) = message { received.add(text) }
                    }
                }
                try await outbound.write(.text(JSONValue.object(["type": "escalate", "text": .string(DeskTests.unanswerable), "id": 1]).encoded()))
                try await received.wait { $0.contains { $0["type"] == "escalated" } }
                let number = try #require(received.frames.withLock { $0 }.first { $0["type"] == "escalated" }?["ticket"]?.int)
                _ = try await Self.talk(client, lines: [
                    JSONValue.object(["type": "login", "token": .string(attt), "id": 1]).encoded(),
                    JSONValue.object(["type": "reply", "ticket": .int(number), "text": "Đã có hướng dẫn.", "id": 2]).encoded(),
                ]) { $0.contains { $0["re"] == 2 } }
                try await received.wait { $0.contains { $0["type"] == "reply" && $0["text"] == "Đã có hướng dẫn." } }
                reader.cancel()
            }
        }
    }
}
