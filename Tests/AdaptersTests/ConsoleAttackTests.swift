import Dialogue
import Foundation
import Synchronization
import Testing

@testable import Server
@testable import Web
@testable import Wire

/// What a careless handler or a hostile client could do to the console's sessions and requests.
@Suite struct ConsoleAttackTests {
    typealias Page = ConsoleRequestTests.Page

    /// One handler signing in over and over (a script in a loop) fills the table with their own
    /// sessions only: nobody else's browser is signed out to make room.
    @Test func oneHandlerSigningInInALoopSignsNobodyElseOut() {
        let sessions = ConsoleSessions()
        let colleague = Handler(id: "h-colleague", unit: "ATTT", name: "Cán bộ trực")
        let looping = Handler(id: "h-loop", unit: "ATTT", name: "Cán bộ vội")
        let kept = sessions.start(for: colleague).id
        for _ in 0..<(ConsoleSessions.capacity + 10) { _ = sessions.start(for: looping) }
        #expect(sessions.handler(for: kept)?.id == "h-colleague")
        #expect(sessions.count <= ConsoleSessions.capacity)
    }

    /// A session pushed out to make room ends like one that expired: its pages are told and let
    /// go, rather than staying signed in with no session behind them.
    @Test func aSessionPushedOutEndsItsPages() {
        let sessions = ConsoleSessions()
        let first = sessions.start(for: Handler(id: "h-first", unit: "ATTT", name: "Cán bộ sớm")).id
        let told = Told()
        _ = sessions.attach(first) { why in told.add(why.rawValue) }
        for index in 0..<ConsoleSessions.capacity {
            _ = sessions.start(for: Handler(id: "h-\(index)", unit: "ATTT", name: "Cán bộ \(index)"))
        }
        #expect(sessions.handler(for: first) == nil)
        #expect(told.all == ["expired"])
    }

    /// Only a parameter `console=1` asks for the console's socket: `/ws?noconsole=1` or
    /// `/ws?console=10` in the same browser stays an asker's page, signed in as nobody.
    @Test func onlyConsoleEqualsOneSignsTheSocketIn() async throws {
        try await ConsoleTests().withServer { client, _, _, attt in
            let cookie = try #require(try await ConsoleTests.signIn(client, token: attt).cookie)
            for path in ["/ws?noconsole=1", "/ws?console=10", "/ws?xconsole=1&y=2"] {
                let frames = try await WebSocketTests.talk(client, path: path, headers: [.cookie: cookie],
                                                           lines: [#"{"type":"whoami","id":1}"#]) { $0.count >= 1 }
                #expect(frames[0]["role"] == "asker", "\(path)")
            }
            let signedIn = try await WebSocketTests.talk(client, path: "/ws?lang=vi&console=1", headers: [.cookie: cookie],
                                                         lines: []) { $0.count >= 1 }
            #expect(signedIn[0]["type"] == "welcome" && signedIn[0]["role"] == "handler")
        }
    }

    final class Told: Sendable {
        private let reasons = Mutex<[String]>([])
        func add(_ reason: String) { reasons.withLock { $0.append(reason) } }
        var all: [String] { reasons.withLock { $0 } }
    }
}
