import Dialogue
import Foundation
import Synchronization
import Testing

@testable import Server
@testable import Wire

/// The requests the console and the dashboard make beyond a terminal's: search over all of a
/// unit's tickets, who is on a ticket (pushed to the unit), the report of one unit, and a
/// knowledge-base draft proposed from a group of questions.
@Suite struct ConsoleRequestTests {
    /// One session with the lines pushed to it.
    final class Page {
        /// What was pushed to the page.
        final class Inbox: Sendable {
            private let lines = Mutex<[JSONValue]>([])
            func withLock<T>(_ body: (inout [JSONValue]) -> T) -> T { lines.withLock { body(&$0) } }
        }

        let session: ChatSession
        let pushed = Inbox()

        init(_ service: DialogueService) {
            let pushed = self.pushed
            session = ChatSession(service: service, mode: .json, push: { lines, _ in
                pushed.withLock { $0 += lines.compactMap { try? JSONValue.parse($0) } }
            })
        }

        /// Sends one request; returns the lines answered.
        @discardableResult
        func send(_ object: JSONValue) async throws -> [JSONValue] {
            try await session.handle(.text(object.encoded())).lines.map { try JSONValue.parse($0) }
        }

        func waitForPush(_ seconds: Double = 5, _ condition: @Sendable (JSONValue) -> Bool) async throws -> JSONValue {
            let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
            while ContinuousClock.now < deadline {
                if let found = pushed.withLock({ $0.last(where: condition) }) { return found }
                try await Task.sleep(for: .milliseconds(10))
            }
            throw ClientTimeout()
        }
    }

    /// A daemon with two tickets of ATTT (one answered) and one of CDS; the sessions of the ATTT
    /// handler and an ATTT colleague and the CDS handler, signed in.
    func withDesk(_ body: (DialogueService, DeskDaemon, [Int], Page, Page, Page) async throws -> Void) async throws {
        let (daemon, attt, cds, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let service = try await daemon.service()
        var numbers: [Int] = []
        for question in [DeskTests.unanswerable, "Giám sát an toàn cho máy chủ gửi văn bản điện tử qua trục liên thông cần đăng ký ở đâu?"] {
            let asker = Page(service)
            let lines = try await asker.send(["type": "escalate", "text": .string(question)])
            numbers.append(try #require(lines.last?["ticket"]?.int))
        }
        let first = Page(service), second = Page(service), other = Page(service)
        try await first.send(["type": "login", "token": .string(attt)])
        let (_, colleague) = try await daemon.addHandler(unit: "ATTT", name: "Cán bộ trực")
        try await second.send(["type": "login", "token": .string(colleague)])
        try await other.send(["type": "login", "token": .string(cds)])
        try await body(service, daemon, numbers, first, second, other)
    }

    /// Search finds the unit's tickets by words typed without diacritics or by number, of any
    /// status, and never another unit's.
    @Test func searchFindsTheUnitsTicketsWithoutDiacritics() async throws {
        try await withDesk { _, _, numbers, attt, _, cds in
            let found = try await attt.send(["type": "search", "query": "chuyen gia DANH GIA", "id": 1])[0]
            #expect(found["type"] == "search" && found["re"] == 1)
            #expect(found["tickets"]?.array?.compactMap { $0["ticket"]?.int } == [numbers[0]])
            let byNumber = try await attt.send(["type": "search", "query": .string("#\(numbers[0])")])[0]
            #expect(byNumber["tickets"]?.array?.count == 1)
            // Closed tickets are found too.
            try await attt.send(["type": "close", "ticket": .int(numbers[0])])
            let closed = try await attt.send(["type": "search", "query": "định mức"])[0]
            #expect(closed["tickets"]?.array?.first?["status"] == "closed")
            // Another unit's handler finds nothing of ATTT's, even by number.
            let foreign = try await cds.send(["type": "search", "query": .string("\(numbers[0])")])[0]
            #expect(foreign["tickets"]?.array?.isEmpty == true)
            let empty = try await attt.send(["type": "search", "query": "  "])[0]
            #expect(empty["type"] == "error" && empty["code"] == "bad-request")
            // A word with SQL's wildcards is looked for as it is.
            let wildcard = try await attt.send(["type": "search", "query": "%"])[0]
            #expect(wildcard["tickets"]?.array?.isEmpty == true)
        }
    }

    /// A handler who opens a ticket is seen by the unit's colleague (pushed), typing shows, and
    /// leaving — or closing the page — takes them off; another unit hears nothing of it.
    @Test func colleaguesSeeWhoIsOnATicket() async throws {
        try await withDesk { _, _, numbers, first, second, other in
            let ticket = numbers[0]
            let viewing = try await first.send(["type": "presence", "ticket": .int(ticket), "state": "viewing", "id": 5])[0]
            #expect(viewing["type"] == "presence" && viewing["re"] == 5 && viewing["viewers"]?.array?.count == 1)
            let seen = try await second.waitForPush { $0["type"] == "presence" && $0["ticket"]?.int == ticket }
            #expect(seen["viewers"]?.array?.first?["name"] == "Cán bộ An toàn" && seen["viewers"]?.array?.first?["typing"] == false)

            try await first.send(["type": "presence", "ticket": .int(ticket), "state": "typing"])
            _ = try await second.waitForPush { $0["type"] == "presence" && $0["viewers"]?.array?.first?["typing"] == true }

            // The colleague opens it too: both are listed.
            let both = try await second.send(["type": "presence", "ticket": .int(ticket)])[0]
            #expect(both["viewers"]?.array?.count == 2)

            // The first page closes: the colleague sees them gone.
            first.session.close()
            _ = try await second.waitForPush { push in
                push["type"] == "presence" && push["viewers"]?.array?.map { $0["name"]?.string } == ["Cán bộ trực"]
            }
            #expect(other.pushed.withLock { $0.contains { $0["type"] == "presence" } } == false)
            // Another unit's ticket, and a state that does not exist, are refused.
            let foreign = try await other.send(["type": "presence", "ticket": .int(ticket)])[0]
            #expect(foreign["code"] == "unknown-ticket")
            let odd = try await second.send(["type": "presence", "ticket": .int(ticket), "state": "dancing"])[0]
            #expect(odd["code"] == "bad-request")
        }
    }

    /// An admin reads any unit's report (or all); a handler only their own unit's.
    @Test func statsForANamedUnit() async throws {
        try await withDesk { _, daemon, _, attt, _, _ in
            let own = try await attt.send(["type": "stats", "unit": "ATTT"])[0]
            #expect(own["report"]?["unit"] == "ATTT" && own["report"]?["tickets"] == 2)
            let other = try await attt.send(["type": "stats", "unit": "CDS"])[0]
            #expect(other["code"] == "not-allowed")
            let (_, token) = try await daemon.addHandler(unit: "CDS", name: "Quản trị", admin: true)
            let admin = Page(try await daemon.service())
            try await admin.send(["type": "login", "token": .string(token)])
            let attts = try await admin.send(["type": "stats", "unit": "ATTT"])[0]
            #expect(attts["report"]?["unit"] == "ATTT" && attts["report"]?["tickets"] == 2)
            let all = try await admin.send(["type": "stats"])[0]
            #expect(all["report"]?["unit"] == nil)
        }
    }

    /// A group of questions becomes a draft entry for the unit's reviewers (masked), one click
    /// away in the dashboard; another unit's ticket cannot name it.
    @Test func draftProposedFromAGroup() async throws {
        try await withDesk { _, _, numbers, attt, _, cds in
            let proposed = try await attt.send(["type": "kb", "action": "draft", "ticket": .int(numbers[0]),
                                                "question": "Chi phí thuê chuyên gia đánh giá an toàn tính thế nào?",
                                                "answer": "Anh Nguyễn Văn An gọi 0912 345 678: tính theo định mức ngày công."])[0]
            #expect(proposed["type"] == "ok" && proposed["kb"] == .string("nhom-\(numbers[0])"))
            let review = try await attt.send(["type": "review"])[0]
            let draft = try #require(review["drafts"]?.array?.first { $0["kb"] == .string("nhom-\(numbers[0])") })
            #expect(draft["answer"]?.string?.contains("0912") == false)
            let foreign = try await cds.send(["type": "kb", "action": "draft", "ticket": .int(numbers[0]), "question": "a", "answer": "b"])[0]
            #expect(foreign["code"] == "unknown-ticket")
            let empty = try await attt.send(["type": "kb", "action": "draft", "ticket": .int(numbers[0]), "question": " ", "answer": "b"])[0]
            #expect(empty["code"] == "bad-request")
        }
    }
}
