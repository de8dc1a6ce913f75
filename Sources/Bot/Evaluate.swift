import ArgumentParser
import Dialogue
import Foundation
import Retrieval

/// `motcua eval`: quality figures of retrieval over development queries.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Đo chất lượng truy hồi trên tập câu hỏi phát triển.")

    @OptionGroup var options: CorpusOptions

    @Option(name: .long, help: "Tệp JSONL câu hỏi (mặc định: corpus/eval/queries.jsonl).")
    var queries: String?

    @Option(name: .long, help: "Ghi kết quả từng câu hỏi (JSONL) vào tệp này.")
    var out: String?

    @Flag(name: .long, help: "Bỏ hết dấu của câu hỏi trước khi tìm.")
    var stripDiacritics = false

    @Flag(name: .long, help: "In kết quả dạng JSON.")
    var json = false

    func run() throws {
        let (corpus, configuration) = try options.load()
        let queryPath = queries ?? "\(corpus.directory)/eval/queries.jsonl"
        let queryList = try JSONLines.read(EvaluationQuery.self, from: queryPath)
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
    }
}
