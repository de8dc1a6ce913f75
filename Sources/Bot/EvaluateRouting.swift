import Dialogue
import Foundation
import Retrieval

/// `motcua eval --routing FILE`: how often new questions reach the unit that owns them, by the
/// topic model and by the old rule (the nearest answers only), in the same run.
extension Evaluate {
    /// Runs the routing evaluation and prints it (JSON with `--json`; per-question records to `--out`).
    func runRouting(_ file: String) throws {
        let evaluation = try routingEvaluation(file)
        if let out {
            try JSONLines.encode(evaluation.records).write(to: URL(fileURLWithPath: out))
        }
        if json {
            var summary = evaluation
            summary.records = []
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
            return
        }
        print(Self.routingText(evaluation), terminator: "")
    }

    /// The evaluation over the corpus (or `--kb`), its topics and units.
    func routingEvaluation(_ file: String) throws -> RoutingEvaluation {
        let (corpus, configuration) = try options.load()
        let queries = try JSONLines.read(RoutingQuery.self, from: file)
        var index = corpus.emptyIndex(configuration: configuration)
        index.load(try options.entries(corpus))
        let analyzer = index.analyzer
        let engine = SearchEngine(index)
        engine.trainTopics(.desk(topics: corpus.topics, units: corpus.unitRecords, documents: corpus.documents,
                                 analyzer: analyzer))
        return RoutingEvaluation.run(queries, engine: engine, topics: corpus.topics,
                                     fallbackUnit: corpus.desk.fallbackUnit, stripDiacritics: stripDiacritics)
    }

    /// The figures as a table: overall, by half, by unit; the model beside the old rule.
    static func routingText(_ evaluation: RoutingEvaluation) -> String {
        let model = evaluation.model
        let old = evaluation.nearestOnly
        var lines = ["Định tuyến câu hỏi mới: \(model.overall.total) câu hỏi"
            + (evaluation.strippedDiacritics ? " (đã bỏ dấu)" : ""),
                     pad("", 18) + pad("mô hình", 10) + "chỉ gần nhất"]
        func row(_ name: String, _ a: RoutingEvaluation.Tally, _ b: RoutingEvaluation.Tally) {
            lines.append(pad("\(name) (\(a.total))", 18) + pad(String(format: "%.3f", a.accuracy), 10)
                + String(format: "%.3f", b.accuracy))
        }
        row("tất cả", model.overall, old.overall)
        for split in model.bySplit.keys.sorted() {
            row("phần \(split)", model.bySplit[split] ?? .init(), old.bySplit[split] ?? .init())
        }
        for unit in model.byUnit.keys.sorted() {
            row(unit, model.byUnit[unit] ?? .init(), old.byUnit[unit] ?? .init())
        }
        if model.topic.total > 0 { row("đúng chủ đề", model.topic, old.topic) }
        lines.append(String(format: "thời gian của mô hình: %.1f µs một câu hỏi (không kể tìm kiếm)",
                            evaluation.modelMicroseconds))
        return lines.joined(separator: "\n") + "\n"
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(1, width - text.count))
    }
}
