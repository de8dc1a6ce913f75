import Foundation
import GRDB
import Testing

@testable import Dialogue
@testable import Storage

/// A report reads a long period's rows in one pass over the table and a short one's through
/// the date index; the figures are the same either way.
@Suite struct ReportScanTests {
    /// 400 days of traffic, one answer a day on a topic of three, a feedback every fifth day.
    func seeded() async throws -> (SQLiteStore, start: Date) {
        let store = try SQLiteStore(DatabaseQueue())
        let conversation = try await store.open(ConversationIdentity()).conversation.id
        let start = ISO8601DateFormatter().date(from: "2025-10-01T08:00:00Z")!
        for day in 0..<400 {
            var messages = [StoredMessage(direction: .outgoing, kind: "answer", text: "a", topic: ["an-toan", "nen-tang", "ky-so"][day % 3],
                                          date: start.addingTimeInterval(Double(day) * 86_400))]
            if day % 5 == 0 {
                messages.append(StoredMessage(direction: .incoming, kind: "feedback", text: day % 10 == 0 ? "helpful" : "no",
                                              date: start.addingTimeInterval(Double(day) * 86_400 + 60)))
            }
            try await store.record(messages, state: ConversationState(), of: conversation)
        }
        return (store, start)
    }

    /// Questions by topic and helpful feedback counted by the report, for `days` days from day `first`.
    func counted(_ store: SQLiteStore, start: Date, first: Int, days: Int) async throws -> (topics: [String: Int], helpful: Int) {
        let since = start.addingTimeInterval(Double(first) * 86_400 - 3600)
        let counts = try await store.reportCounts(ReportQuery(
            since: since, until: since.addingTimeInterval(Double(days) * 86_400), unit: nil, topics: nil, now: since))
        var topics: [String: Int] = [:]
        var helpful = 0
        for group in counts.messages {
            if group.kind == "feedback" {
                if group.helpful { helpful += group.count }
            } else {
                topics[group.topic, default: 0] += group.count
            }
        }
        return (topics, helpful)
    }

    @Test func aLongPeriodIsScannedAndAShortOneReadThroughTheIndex() async throws {
        let (store, start) = try await seeded()
        @Sendable func day(_ number: Double) -> String { StoredDate.text(start.addingTimeInterval(number * 86_400)) }
        let chosen = try await store.writer.read { db in
            [try ReportScan.messages(db, from: day(30), to: day(395)),
             try ReportScan.messages(db, from: day(30), to: day(35)),
             // A period after the last message covers none of the table.
             try ReportScan.messages(db, from: day(500), to: day(900))]
        }
        #expect(chosen == ["message NOT INDEXED", "message", "message"])
    }

    @Test func bothPathsCountTheSame() async throws {
        let (store, start) = try await seeded()
        // 300 days (scanned): 100 a topic, helpful on days 0, 10, … 290 → 30.
        let long = try await counted(store, start: start, first: 0, days: 300)
        #expect(long.topics == ["an-toan": 100, "nen-tang": 100, "ky-so": 100])
        #expect(long.helpful == 30)
        // 30 of those days, through the index: the same counts as the long period's days 0–29.
        let short = try await counted(store, start: start, first: 0, days: 30)
        #expect(short.topics == ["an-toan": 10, "nen-tang": 10, "ky-so": 10])
        #expect(short.helpful == 3)
    }
}
