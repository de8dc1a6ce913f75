import Foundation
import GRDB
import Testing

@testable import Dialogue
@testable import Storage

/// The report's pass over a period's messages counts by dense ids of the rows' bytes: equal
/// values share an id, different ones never do, however many there are.
@Suite struct ReportRowsTests {
    func id(_ interner: inout ByteInterner, _ text: String) -> Int {
        var text = text
        return text.withUTF8 { interner.id(of: UnsafeRawBufferPointer($0)) }
    }

    @Test func equalBytesShareAnIdAndEveryValueComesBack() {
        var interner = ByteInterner()
        // Enough values to grow the table several times, conversation ids among them (longer
        // than the eight bytes hashed at a time), and the empty text.
        let values = [""] + (0..<5_000).map { "conv-\($0)-\(String(repeating: "x", count: $0 % 40))" } + ["khac", "answer"]
        let ids = values.map { id(&interner, $0) }
        #expect(ids == Array(0..<values.count))
        #expect(values.map { id(&interner, $0) } == ids)
        #expect(interner.count == values.count)
        #expect(ids.map { interner.string($0) } == values)
        // A prefix, or the same bytes one longer, is another value.
        #expect(id(&interner, "kha") == values.count)
        #expect(id(&interner, "khacc") == values.count + 1)
    }

    /// Feedback is read as helpful without regard to case, as `LOWER` read it.
    @Test func feedbackSignIgnoresCase() async throws {
        let store = try SQLiteStore(DatabaseQueue())
        let conversation = try await store.open(ConversationIdentity()).conversation.id
        let start = ISO8601DateFormatter().date(from: "2026-11-02T08:00:00Z")!
        let texts = ["HELPFUL", "/Yes", "helpful", "not helpful", "Hữu ích"]
        try await store.record(texts.enumerated().map { index, text in
            StoredMessage(direction: .incoming, kind: "feedback", text: text, date: start.addingTimeInterval(Double(index) * 60))
        }, state: ConversationState(), of: conversation)
        let report = try await ReportBuilder(store: store, topics: []).build(
            since: start.addingTimeInterval(-86_400), until: start.addingTimeInterval(86_400), now: start)
        #expect(report.helpful == 3 && report.notHelpful == 2)
    }
}
