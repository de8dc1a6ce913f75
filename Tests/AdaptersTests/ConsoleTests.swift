import Dialogue
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import Logging
import NIOCore
import Synchronization
import Testing

@testable import Server
@testable import Web
@testable import Wire

/// The console's browser session over HTTP (sign in with a token, an HttpOnly cookie, the
/// socket `/ws?console=1` signed in by it, signing out and expiry ending its pages) and the
/// requests the console and the dashboard make (search, presence, a unit's report, a draft from
/// a group, the CSV download), on a live server in process.
@Suite(.serialized) struct ConsoleTests {
    func withServer(_ body: @Sendable (any TestClientProtocol, DeskDaemon, WebServer, String) async throws -> Void) async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        var configuration = WebServer.Configuration()
        configuration.port = 0
        let server = WebServer(configuration: configuration, service: try await daemon.service(), logger: Logger(label: "test"))
        try await server.application().test(.live) { client in try await body(client, daemon, server, attt) }
    }

    /// Signs in; returns the cookie header a browser would send back and the `Set-Cookie` given.
    static func signIn(_ client: some TestClientProtocol, token: String, origin: String? = nil) async throws
        -> (status: HTTPResponse.Status, cookie: String?, setCookie: String?, body: JSONValue)
    {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let origin { headers[.origin] = origin }
        return try await client.execute(uri: "/console/session", method: .post, headers: headers,
                                        body: ByteBuffer(string: JSONValue.object(["token": .string(token)]).encoded())) { response in
            let setCookie = response.headers[.setCookie]
            let cookie = setCookie?.split(separator: ";").first.map(String.init)
            return (response.status, cookie, setCookie, (try? JSONValue.parse(String(buffer: response.body))) ?? .null)
        }
    }

    /// A wrong token is refused (and no cookie given); a good one gives an HttpOnly,
    /// SameSite=Strict cookie that expires, and `GET` says who it signs in; another site's page
    /// cannot sign in.
    @Test func signInGivesAStrictExpiringCookie() async throws {
        try await withServer { client, _, _, attt in
            let wrong = try await Self.signIn(client, token: "mch1.abc.def")
            #expect(wrong.status == .unauthorized && wrong.setCookie == nil && wrong.body["error"] == "bad-token")
            let foreign = try await Self.signIn(client, token: attt, origin: "https://evil.example")
            #expect(foreign.status == .forbidden && foreign.setCookie == nil)

            let good = try await Self.signIn(client, token: attt)
            #expect(good.status == .ok && good.body["unit"] == "ATTT" && good.body["name"] == "Cán bộ An toàn")
            let attributes = try #require(good.setCookie)
            #expect(attributes.contains("HttpOnly") && attributes.contains("SameSite=Strict") && attributes.contains("Path=/"))
            let maxAge = attributes.split(separator: ";").compactMap { part -> Int? in
                let pair = part.split(separator: "=")
                return pair.first?.trimmingCharacters(in: .whitespaces) == "Max-Age" ? Int(pair[1]) : nil
            }.first
            #expect(maxAge.map { $0 > 0 && $0 <= 8 * 3600 } == true)
            // The cookie holds no token.
            #expect(!attributes.contains(attt))
            let cookie = try #require(good.cookie)
            let who = try await client.execute(uri: "/console/session", method: .get, headers: [.cookie: cookie]) { $0 }
            #expect(who.status == .ok)
            let nobody = try await client.execute(uri: "/console/session", method: .get) { $0 }
            #expect(nobody.status == .unauthorized)
        }
    }

    /// The console socket is a handler's session signed in by the cookie: `welcome` first, the
    /// handler's requests work; without a live cookie it is refused; a plain `/ws` in the same
    /// browser stays an asker's.
    @Test func consoleSocketIsSignedInByTheCookie() async throws {
        try await withServer { client, _, _, attt in
            let cookie = try #require(try await Self.signIn(client, token: attt).cookie)
            let frames = try await WebSocketTests.talk(client, path: "/ws?console=1", headers: [.cookie: cookie],
                                                       lines: [#"{"type":"queue","id":1}"#]) { $0.count >= 2 }
            #expect(frames[0]["type"] == "welcome" && frames[0]["role"] == "handler" && frames[0]["unit"] == "ATTT")
            #expect(frames[1]["type"] == "queue" && frames[1]["re"] == 1)

            let asker = try await WebSocketTests.talk(client, headers: [.cookie: cookie],
                                                      lines: [#"{"type":"whoami","id":1}"#]) { $0.count >= 1 }
            #expect(asker[0]["role"] == "asker")

            await #expect(throws: (any Error).self) {
                _ = try await WebSocketTests.talk(client, path: "/ws?console=1", headers: [.cookie: "motcua_console=forged"],
                                                  lines: []) { $0.count >= 1 }
            }
        }
    }

    /// A session past its time signs nothing in, and its open pages are still told when the
    /// sessions are swept (a look-up in between does not lose them).
    @Test func expiredSessionStillTellsItsPages() throws {
        let clock = ManualClock()
        let sessions = ConsoleSessions(clock: clock)
        let (id, _) = sessions.start(for: Handler(id: "h1", unit: "ATTT", name: "Cán bộ"))
        let told = Mutex<[ConsoleSessions.SignedOutWhy]>([])
        _ = try #require(sessions.attach(id) { why in told.withLock { $0.append(why) } })
        clock.advance(days: 1)
        #expect(sessions.handler(for: id) == nil)
        sessions.expire()
        #expect(told.withLock { $0 } == [.expired])
        #expect(sessions.count == 0)
    }

    /// A cookie of the same name set before ours (by a sibling site's page) does not hide the
    /// live session.
    @Test func forgedCookieInFrontDoesNotHideTheSession() async throws {
        try await withServer { client, _, _, attt in
            let cookie = try #require(try await Self.signIn(client, token: attt).cookie)
            let header = "motcua_console=forged; " + cookie
            let who = try await client.execute(uri: "/console/session", method: .get, headers: [.cookie: header]) { $0.status }
            #expect(who == .ok)
            let frames = try await WebSocketTests.talk(client, path: "/ws?console=1", headers: [.cookie: header],
                                                       lines: []) { $0.count >= 1 }
            #expect(frames[0]["role"] == "handler")
        }
    }

    /// Signing out ends the session: the open page is told `signed-out` and let go, the cookie
    /// signs in nothing any more; a session past its time ends its pages the same way.
    @Test func signingOutAndExpiryEndThePages() async throws {
        try await withServer { client, daemon, server, attt in
            let cookie = try #require(try await Self.signIn(client, token: attt).cookie)
            let frames = try await WebSocketTests.talk(client, path: "/ws?console=1", headers: [.cookie: cookie],
                                                       lines: [#"{"type":"whoami","id":1}"#]) { frames in
                if frames.count == 2 {
                    Task {
                        _ = try await client.execute(uri: "/console/session", method: .delete, headers: [.cookie: cookie]) { $0 }
                    }
                }
                return frames.contains { $0["type"] == "signed-out" }
            }
            #expect(frames.last?["reason"] == "signed-out")
            let after = try await client.execute(uri: "/console/session", method: .get, headers: [.cookie: cookie]) { $0.status }
            #expect(after == .unauthorized)

            let second = try #require(try await Self.signIn(client, token: attt).cookie)
            let expired = try await WebSocketTests.talk(client, path: "/ws?console=1", headers: [.cookie: second],
                                                        lines: [#"{"type":"whoami","id":1}"#]) { frames in
                if frames.count == 2 {
                    daemon.clock.advance(days: 0.5)
                    server.consoleSessions.expire()
                }
                return frames.contains { $0["type"] == "signed-out" }
            }
            #expect(expired.last?["reason"] == "expired")
        }
    }

    /// A handler's token revoked after signing in: the cookie opens no console any more.
    @Test func revokedTokenEndsTheBrowserSession() async throws {
        try await withServer { client, daemon, _, _ in
            let (id, token) = try await daemon.addHandler(unit: "ATTT", name: "Cán bộ tạm")
            let cookie = try #require(try await Self.signIn(client, token: token).cookie)
            try await daemon.revoke(id)
            let frames = try await WebSocketTests.talk(client, path: "/ws?console=1", headers: [.cookie: cookie],
                                                       lines: []) { $0.count >= 1 }
            #expect(frames[0]["type"] == "signed-out" && frames[0]["reason"] == "revoked")
            let who = try await client.execute(uri: "/console/session", method: .get, headers: [.cookie: cookie]) { $0.status }
            #expect(who == .unauthorized)
        }
    }

    /// The dashboard's CSV is the report's, for what the session may read; without a session
    /// there is none.
    @Test func csvDownloadNeedsTheSession() async throws {
        try await withServer { client, _, _, attt in
            let denied = try await client.execute(uri: "/console/report.csv", method: .get) { $0.status }
            #expect(denied == .unauthorized)
            let cookie = try #require(try await Self.signIn(client, token: attt).cookie)
            let csv = try await client.execute(uri: "/console/report.csv?since=2026-01-01", method: .get,
                                               headers: [.cookie: cookie]) { $0 }
            #expect(csv.status == .ok && csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(String(buffer: csv.body).hasPrefix("section,key,count,previous,value"))
            #expect(csv.headers[.contentDisposition]?.contains("attachment") == true)
            let other = try await client.execute(uri: "/console/report.csv?unit=CDS", method: .get, headers: [.cookie: cookie]) { $0.status }
            #expect(other == .forbidden)
            let broken = try await client.execute(uri: "/console/report.csv?since=h%C3%B4m-qua", method: .get, headers: [.cookie: cookie]) { $0.status }
            #expect(broken == .badRequest)
        }
    }
}
