import ArgumentParser
import Dialogue
import Foundation
import GRDB
import ReportFormats
import Retrieval
import Storage

/// `motcua-bench report`: the report over a store seeded with a year of synthetic traffic
/// (1,000,000 messages and 100,000 tickets by default, askers of many agencies), beside a plain
/// scan of the same rows in the same run (the floor any report over them pays), and the
/// console's ticket search over the same tickets.
struct BenchReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Đo thời gian lập báo cáo trên kho dữ liệu lớn (dữ liệu tổng hợp).")

    @Option(name: .long, help: "Số tin nhắn.")
    var messages = 1_000_000
    @Option(name: .long, help: "Số phiếu.")
    var tickets = 100_000
    @Option(name: .long, help: "Thư mục tạm cho kho dữ liệu (mặc định: một thư mục mới trong /tmp).")
    var data: String?

    func run() async throws {
        let directory = data ?? FileManager.default.temporaryDirectory.appendingPathComponent("motcua-bench-report-\(UUID().uuidString)").path
        defer { if data == nil { try? FileManager.default.removeItem(atPath: directory) } }
        let corpus = try Corpus.load(from: Corpus.defaultDirectory())
        let store = try SQLiteStore.open(directory: directory)
        let seeding = ContinuousClock.now
        // Askers' agencies: most a province's department (by its name, an old merged name or
        // no diacritics), some a ministry's (no province).
        let agencies = corpus.provinces.provinces.flatMap { province in
            ["Sở Thông tin và Truyền thông \(province.kind) \(province.name)",
             "UBND \(province.kind) " + (province.merged.first ?? province.name)]
        } + ["Bộ Nội vụ", "Cục Chuyển đổi số quốc gia", "So Noi vu tinh Nghe An"]
        try await Self.seed(store, messages: messages, tickets: tickets, topics: corpus.topics, agencies: agencies)
        // As the daemon's upkeep would have: the WAL copied into the database (a report right
        // after seeding would otherwise look every page up in a WAL of the whole year).
        _ = try await store.writer.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        print("# motcua-bench report — \(Machine.describe())")
        print("seeded \(messages) messages, \(tickets) tickets in \(ContinuousClock.now - seeding)")

        let until = Date()
        let since = until.addingTimeInterval(-365 * 86_400)
        let scanStart = ContinuousClock.now
        let scanned = try await store.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT (SELECT COUNT(*) FROM message WHERE length(text) >= 0) + (SELECT COUNT(*) FROM ticket WHERE length(question) >= 0)") ?? 0
        }
        let scan = ContinuousClock.now - scanStart
        let builder = ReportBuilder(store: store, topics: corpus.topics, provinces: corpus.provinces)
        var report: Report?
        let buildStart = ContinuousClock.now
        report = try await builder.build(since: since, until: until, now: Date())
        let build = ContinuousClock.now - buildStart
        print("plain scan of \(scanned) rows: \(scan)")
        print("report over a year (all units): \(build) — \(String(format: "%.1f", build / scan))× the scan; \(report!.questions) questions, \(report!.tickets) tickets")
        for format in ReportFormat.allCases {
            let start = ContinuousClock.now
            let text = format.render(report!)
            print("  \(format.rawValue): \(ContinuousClock.now - start), \(text.utf8.count) bytes")
        }
        let unitStart = ContinuousClock.now
        _ = try await builder.build(since: since, until: until, unit: corpus.topics.first?.unit, now: Date())
        print("report for one unit: \(ContinuousClock.now - unitStart)")
        // The console's search over every ticket (words without diacritics), common and rare.
        for words in [["ket", "noi"], ["so", "499"]] {
            let start = ContinuousClock.now
            let found = try await store.searchTickets(unit: nil, words: words, limit: 100)
            let unitStart = ContinuousClock.now
            _ = try await store.searchTickets(unit: corpus.topics.first?.unit, words: words, limit: 100)
            print("ticket search \(words.joined(separator: " ")): \(unitStart - start) all units (\(found.count) shown), "
                + "\(ContinuousClock.now - unitStart) one unit")
        }
    }

    /// A year of synthetic traffic: replies to questions over the topics (70 % answers, 10 %
    /// suggestions, 10 % tickets, 10 % small talk), feedback, tickets with answers, closings and
    /// ratings. Deterministic (a fixed generator), written in large transactions.
    static func seed(_ store: SQLiteStore, messages: Int, tickets: Int, topics: [Topic], agencies: [String] = []) async throws {
        var generator = SplitMix64(seed: 20_261_129)
        let now = Date().timeIntervalSince1970
        let conversations = 5_000
        var ids: [String] = []
        for index in 0..<conversations {
            // Four askers in five name their agency.
            let agency = agencies.isEmpty || index % 5 == 4 ? nil : agencies[Int(generator.next() % UInt64(agencies.count))]
            ids.append(try await store.open(ConversationIdentity(agency: agency)).conversation.id)
        }
        let batch = 100_000
        var written = 0
        while written < messages {
            let count = min(batch, messages - written)
            var rows: [(String, String, String, String?, String)] = []
            for _ in 0..<count {
                let roll = generator.next() % 100
                let date = StoredDate.text(Date(timeIntervalSince1970: now - Double(generator.next() % (365 * 86_400))))
                let topic = topics[Int(generator.next() % UInt64(topics.count))].id
                let conversation = ids[Int(generator.next() % UInt64(conversations))]
                switch roll {
                case ..<60: rows.append((conversation, "out", "answer", topic, date))
                case ..<68: rows.append((conversation, "out", "suggest", topic, date))
                case ..<76: rows.append((conversation, "out", "escalated", topic, date))
                case ..<84: rows.append((conversation, "out", "chat", nil, date))
                case ..<88: rows.append((conversation, "in", "feedback", roll % 2 == 0 ? "helpful" : "not helpful", date))
                default: rows.append((conversation, "in", "say", nil, date))
                }
            }
            let prepared = rows
            try await store.writer.write { db in
                let insert = try db.makeStatement(
                    sql: "INSERT INTO message (conversationId, direction, kind, text, topic, date) VALUES (?, ?, ?, ?, ?, ?)")
                for (conversation, direction, kind, extra, date) in prepared {
                    let text = kind == "feedback" ? extra ?? "" : "tin nhắn thử"
                    try insert.execute(arguments: [conversation, direction, kind, text, kind == "feedback" ? nil : extra, date])
                }
            }
            written += count
        }
        var made = 0
        let questions = (0..<500).map { "Câu hỏi thử số \($0) về thủ tục kết nối và chia sẻ dữ liệu" }
        let folded = Dictionary(uniqueKeysWithValues: questions.map { ($0, Diacritics.foldedKey($0)) })
        while made < tickets {
            let count = min(20_000, tickets - made)
            var rows: [(String, Topic, String, String, Double, Double?, Bool, Int?)] = []
            for _ in 0..<count {
                let created = now - Double(generator.next() % (365 * 86_400))
                let topic = topics[Int(generator.next() % UInt64(topics.count))]
                let roll = generator.next() % 100
                let status = roll < 10 ? "new" : roll < 20 ? "assigned" : roll < 60 ? "answered" : "closed"
                let answered = status == "answered" || status == "closed" ? created + Double(generator.next() % (96 * 3600)) : nil
                let score = status == "closed" && roll % 3 == 0 ? Int(generator.next() % 5) + 1 : nil
                rows.append((ids[Int(generator.next() % UInt64(conversations))], topic,
                             questions[Int(generator.next() % UInt64(questions.count))], status, created, answered,
                             status == "closed", score))
            }
            let prepared = rows
            try await store.writer.write { db in
                let insert = try db.makeStatement(sql: """
                    INSERT INTO ticket (conversationId, kind, topic, unit, question, context, status, due, createdAt, updatedAt, answeredAt,
                                        questionFolded, updateDue)
                    VALUES (?, 'cau-hoi', ?, ?, ?, '[]', ?, ?, ?, ?, ?, ?, ?6)
                    """)
                let event = try db.makeStatement(
                    sql: "INSERT INTO ticketEvent (ticket, actor, action, detail, date) VALUES (?, 'h', 'closed', '', ?)")
                let rating = try db.makeStatement(sql: "INSERT INTO rating (ticket, score, date) VALUES (?, ?, ?)")
                for (conversation, topic, question, status, created, answered, closed, score) in prepared {
                    let createdText = StoredDate.text(Date(timeIntervalSince1970: created))
                    try insert.execute(arguments: [
                        conversation, topic.id, topic.unit, question, status,
                        StoredDate.text(Date(timeIntervalSince1970: created + 72 * 3600)), createdText, createdText,
                        answered.map { StoredDate.text(Date(timeIntervalSince1970: $0)) }, folded[question],
                    ])
                    let number = db.lastInsertedRowID
                    if closed, let answered {
                        try event.execute(arguments: [number, StoredDate.text(Date(timeIntervalSince1970: answered + 3600))])
                    }
                    if let score {
                        try rating.execute(arguments: [number, score, StoredDate.text(Date(timeIntervalSince1970: created + 86_400))])
                    }
                }
            }
            made += count
        }
    }
}

