import ArgumentParser
import CommandOptions
import Dialogue
import Foundation
import Retrieval

/// `motcua calibrate`: fits the confidence model and thresholds on the development queries and
/// writes the ranking configuration.
struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Hiệu chỉnh độ tin cậy và ngưỡng quyết định trên tập câu hỏi phát triển.")

    @OptionGroup var options: CorpusOptions

    @OptionGroup var queryOptions: QueryOptions

    @Option(name: .long, help: "Tệp cấu hình ghi ra (mặc định: corpus/ranking.json).")
    var out: String?

    @Option(name: .long, help: "Số kết quả đầu của mỗi câu hỏi dùng để khớp mô hình.")
    var depth = 5

    @Option(name: .long, help: "Trọng số của câu hỏi ngoài phạm vi khi khớp mô hình.")
    var outOfScopeWeight = 4.0

    @Flag(name: .long, help: "Quyết định trả lời bằng chính mô hình độ tin cậy (không khớp mô hình riêng cho kết quả đầu).")
    var noAnswerModel = false

    func run() throws {
        let (corpus, configuration) = try options.load()
        let queryList = try queryOptions.load(corpus)
        var index = corpus.makeIndex(entries: try options.entries(corpus), configuration: configuration)
        var targets = Calibrator.Targets()
        targets.depth = depth
        targets.outOfScopeWeight = outOfScopeWeight
        targets.separateAnswerModel = !noAnswerModel
        let tuned = Calibrator.calibrate(configuration, queries: queryList, index: &index, targets: targets)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let path = out ?? "\(corpus.directory)/ranking.json"
        try (encoder.encode(tuned) + Data("\n".utf8)).write(to: URL(fileURLWithPath: path))
        print("Đã ghi \(path): ngưỡng trả lời \(tuned.answerThreshold), ngưỡng gợi ý \(tuned.suggestThreshold)")
        print("Hệ số: \(tuned.confidence.weights)")
    }
}
