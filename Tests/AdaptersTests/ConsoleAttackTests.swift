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

    final class Told: Sendable {
        private let reasons = Mutex<[String]>([])
        func add(_ reason: String) { reasons.withLock { $0.append(reason) } }
        var all: [String] { reasons.withLock { $0 } }
    }
}
