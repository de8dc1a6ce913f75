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

    /// A ticket whose asker gave their name and wrote their home landline, and the ATTT
    /// reviewer's session (the daemon's own assembly over a fresh store).
    func withAskersTicket(_ body: (EscalationService, Int, Page) async throws -> Void) async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let service = try await daemon.service()
        let asker = Page(service)
        try await asker.send(["type": "hello", "name": "Nguyễn Thị Lan"])
        let raised = try await asker.send(["type": "escalate", "text": .string(DeskTests.unanswerable + " Máy nhà tôi: 024 3943 1234.")])
        let ticket = try #require(raised.last?["ticket"]?.int)
        let reviewer = Page(service)
        try await reviewer.send(["type": "login", "token": .string(attt)])
        try await body(try #require(service.escalation), ticket, reviewer)
    }

    /// A draft proposed from a group (its question shown masked on the dashboard) keeps the
    /// asker's own landline masked in the answer, as a reply's draft does.
    @Test func proposedDraftMasksTheAskersOwnLandline() async throws {
        try await withAskersTicket { _, ticket, reviewer in
            let proposed = try await reviewer.send(["type": "kb", "action": "draft", "ticket": .int(ticket),
                                                    "question": "Chi phí thuê chuyên gia đánh giá tính thế nào? Máy nhà tôi: [số điện thoại].",
                                                    "answer": "Chúng tôi đã gọi lại số 024 3943 1234; chi phí tính theo định mức."])[0]
            #expect(proposed["type"] == "ok")
            let review = try await reviewer.send(["type": "review"])[0]
            let draft = try #require(review["drafts"]?.array?.first { $0["kb"] == .string("nhom-\(ticket)") })
            #expect(draft["answer"]?.string?.contains("3943") == false)
        }
    }

    /// A reviewer's edit of a draft proposed from a group is masked with that ticket's asker in
    /// mind (their name, their numbers), as an edit of a reply's draft is.
    @Test func editOfAProposedDraftMasksTheAsker() async throws {
        try await withAskersTicket { desk, ticket, reviewer in
            _ = try await reviewer.send(["type": "kb", "action": "draft", "ticket": .int(ticket),
                                         "question": "Chi phí thuê chuyên gia đánh giá tính thế nào?", "answer": "Theo định mức."])
            let approved = try await reviewer.send(["type": "review", "action": "approve", "kb": .string("nhom-\(ticket)"),
                                                    "answer": "Thị Lan gọi lại 024 3943 1234; chi phí tính theo định mức."])[0]
            #expect(approved["type"] == "ok")
            let learned = try #require(try await desk.store.entry("nhom-\(ticket)"))
            #expect(!learned.answer.contains("Lan") && !learned.answer.contains("3943"))
            let edited = try await reviewer.send(["type": "kb", "action": "edit", "kb": .string("nhom-\(ticket)"),
                                                  "answer": "Thị Lan hỏi lại: chi phí tính theo định mức ngày công."])[0]
            #expect(edited["type"] == "ok")
            let entry = try #require(try await desk.store.entry("nhom-\(ticket)"))
            #expect(!entry.answer.contains("Lan"))
        }
    }

    final class Told: Sendable {
        private let reasons = Mutex<[String]>([])
        func add(_ reason: String) { reasons.withLock { $0.append(reason) } }
        var all: [String] { reasons.withLock { $0 } }
    }
}
