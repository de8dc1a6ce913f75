import Adapters
import ArgumentParser
import Dialogue
import Foundation

/// `motcua report`: questions per topic and period, auto-resolution, satisfaction, answering
/// times, backlog and the questions that keep being escalated, as text, CSV, JSON or one
/// self-contained HTML page.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Báo cáo: chủ đề nóng, tỷ lệ bot tự trả lời, mức hài lòng, thời gian trả lời.")

    @OptionGroup var store: StoreOptions
    @Option(name: .long, help: "Từ ngày (YYYY-MM-DD; mặc định: 30 ngày trước).")
    var since: String?
    @Option(name: .long, help: "Đến ngày (YYYY-MM-DD, không tính ngày này; mặc định: bây giờ).")
    var until: String?
    @Option(name: .long, help: "Chỉ một đơn vị.")
    var unit: String?
    @Option(name: .long, help: "Định dạng: text, csv, json, html.")
    var format = "text"
    @Option(name: .long, help: "Ghi ra tệp (mặc định: màn hình).")
    var out: String?

    func run() async throws {
        guard let format = ReportFormat(rawValue: format) else { throw ValidationError("định dạng không hợp lệ: \(format)") }
        let end = try until.map { try Self.date($0) } ?? Date()
        let start = try since.map { try Self.date($0) } ?? end.addingTimeInterval(-30 * 86_400)
        let corpus = try store.loadCorpus()
        let report = try await ReportBuilder(store: try SQLiteStore.open(directory: store.data), topics: corpus.topics)
            .build(since: start, until: end, unit: unit)
        let text = format.render(report)
        if let out {
            try text.write(toFile: out, atomically: true, encoding: .utf8)
        } else {
            print(text, terminator: "")
        }
    }

    static func date(_ text: String) throws -> Date {
        guard let date = ReportDates.parse(text) else { throw ValidationError("ngày không hợp lệ: \(text)") }
        return date
    }
}
