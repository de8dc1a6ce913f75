import ArgumentParser
import CommandOptions
import Dialogue
import Foundation
import Retrieval
import Storage

/// `motcua eval`: quality figures of retrieval over development queries.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Đo chất lượng truy hồi trên tập câu hỏi phát triển.")

    @OptionGroup var options: CorpusOptions

    @OptionGroup var queryOptions: QueryOptions

    @Option(name: .long, help: "Ghi kết quả từng câu hỏi (JSONL) vào tệp này.")
    var out: String?

    @Flag(name: .long, help: "Bỏ hết dấu của câu hỏi trước khi tìm.")
    var stripDiacritics = false

    @Flag(name: .long, help: "In kết quả dạng JSON.")
    var json = false

    @Flag(name: .long, help: "Xếp hạng bằng SQLite FTS5 (đường cơ sở để so sánh) thay cho motcua.")
    var fts5 = false

    @Flag(name: .long, help: "Với --fts5: chỉ tìm trong cột câu hỏi.")
    var fts5QuestionsOnly = false

    @Flag(name: .long, help: "Xếp hạng bằng BM25 thuần trên câu hỏi (như tantivy, bm25s) thay cho motcua.")
    var bm25 = false

    @Flag(name: .long, help: "Đo việc học từ người dùng: dùng một nửa tập câu hỏi như người hỏi xác nhận, đo nửa kia trước và sau.")
    var replay = false

    @Option(name: .long, help: "Đo độ chính xác định tuyến trên tệp JSONL câu hỏi mới có nhãn đơn vị.")
    var routing: String?

    func run() throws {
        if let routing {
            try runRouting(routing)
            return
        }
        let (corpus, configuration) = try options.load()
        let queryList = try queryOptions.load(corpus)
        if replay {
            try UseReplay.printAll(entries: try options.entries(corpus), queries: queryList, corpus: corpus,
                                   ranking: configuration)
            return
        }
        if fts5 || bm25 {
            try runBaseline(entries: try options.entries(corpus), queries: queryList)
            return
        }
        let clock = ContinuousClock()
        var index = corpus.emptyIndex(configuration: configuration)
        let entries = try options.entries(corpus)
        let buildTime = clock.measure { index.load(entries) }
        let run = Evaluator.run(queryList, on: &index, stripDiacritics: stripDiacritics)
        if let out {
            try JSONLines.encode(run.records).write(to: URL(fileURLWithPath: out))
        }
        let m = run.metrics
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(m), as: UTF8.self))
            return
        }
        print("Cơ sở tri thức: \(entries.count) mục, lập chỉ mục trong \(buildTime)")
        print("Câu hỏi: \(m.inScope) trong phạm vi, \(m.outOfScope) ngoài phạm vi"
            + (stripDiacritics ? " (đã bỏ dấu)" : ""))
        print(String(format: "hit@1 %.3f  hit@5 %.3f  hit@10 %.3f  MRR@10 %.3f", m.hitAt1, m.hitAt5, m.hitAt10, m.mrrAt10))
        print(String(format: "ngoài phạm vi được chuyển cán bộ: %.3f", m.outOfScopeEscalated))
        print(String(format: "độ chính xác khi trả lời: %.3f  độ phủ trả lời đúng: %.3f", m.answerPrecision,
                     m.answerCoverage))
        let shares = ["answer", "suggest", "escalate"].map { String(format: "%@ %.3f", $0, m.decisions[$0] ?? 0) }
        print("quyết định: " + shares.joined(separator: "  "))
        print(String(format: "sai số hiệu chỉnh (ECE): %.3f", run.calibrationError))
        print(String(format: "tốc độ: %.0f câu hỏi/giây", run.queriesPerSecond))
        for style in m.hitAt1ByStyle.keys.sorted() {
            print(String(format: "kiểu gõ %@: hit@1 %.3f (%d câu)", style, m.hitAt1ByStyle[style] ?? 0,
                         m.inScopeByStyle[style] ?? 0))
        }
    }

    /// The same figures for SQLite FTS5 or plain BM25 (ranking only: it makes no decision, so every query
    /// counts as `suggest`).
    func runBaseline(entries: [KnowledgeEntry], queries: [EvaluationQuery]) throws {
        let fts = bm25 ? nil : try FTS5Baseline(entries: entries)
        let plain = bm25 ? PlainBM25(texts: entries.map(\.question)) : nil
        var outcomes: [EvaluationMetrics.Outcome] = []
        for query in queries {
            let text = stripDiacritics ? Diacritics.strip(query.query) : query.query
            let rows = try fts?.search(text, questionsOnly: fts5QuestionsOnly).map { Int($0) }
                ?? plain?.search(text) ?? []
            outcomes.append(.init(ranked: rows.map { entries[$0].id }, relevant: Set(query.relevant),
                                  decision: .suggest))
        }
        let m = EvaluationMetrics(outcomes)
        print(String(format: (bm25 ? "BM25" : "FTS5") + ": hit@1 %.3f  hit@5 %.3f  hit@10 %.3f  MRR@10 %.3f", m.hitAt1, m.hitAt5, m.hitAt10,
                     m.mrrAt10))
    }
}
