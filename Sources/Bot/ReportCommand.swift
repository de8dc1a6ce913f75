import ArgumentParser
import CommandOptions
import Dialogue
import Foundation
import ReportFormats
import Storage

/// `motcua report`: questions per topic and period, auto-resolution, satisfaction, answering
/// times, backlog and the questions that keep being escalated, as text, CSV, JSON or one
/// self-contained HTML page.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Báo cáo: chủ đề nóng, tỷ lệ bot tự trả lời, mức hài lòng, thời gian trả lời.")

    @OptionGroup var store: StoreOptions
    @Option(name: .long, help: "Từ ngày (YYYY-MM-DD, năm 2000–2100; mặc định: 30 ngày trước).")
    var since: ReportDay?
    @Option(name: .long, help: "Đến ngày (YYYY-MM-DD, không tính ngày này, năm 2000–2100; mặc định: bây giờ).")
    var until: ReportDay?
    @Option(name: .long, help: "Chỉ một đơn vị.")
    var unit: String?
    @Option(name: .long, help: "Định dạng: text, csv, json, html.")
    var format = ReportFormat.text
    @Option(name: .long, help: "Ghi ra tệp (mặc định: màn hình).")
    var out: String?

    func validate() throws {
        if let since, let until, since.date >= until.date { throw ValidationError("--since phải trước --until") }
    }

    func run() async throws {
        let period: ReportPeriod
        do {
            let end = until?.date ?? Date()
            period = try ReportPeriod(since: since?.date ?? max(end - ReportPeriod.defaultLength, ReportPeriod.earliest),
                                      until: end)
        } catch {
            throw ValidationError(error.description)
        }
        let corpus = try store.loadCorpus()
        let database = try await store.location.open()
        if let unit {
            let units = try await database.units().map(\.id) + corpus.unitRecords.map(\.id)
            guard units.contains(unit) else { throw ValidationError("không có đơn vị \(unit) (xem: motcua units list)") }
        }
        let report = try await ReportBuilder(store: database, topics: corpus.topics, provinces: corpus.provinces)
            .build(since: period.since, until: period.until, unit: unit, now: Date())
        let text = format.render(report)
        if let out {
            // A report names units, topics and escalated questions: owner-only, like the data.
            try PrivateFiles.write(text, to: out)
        } else {
            print(text, terminator: "")
        }
    }
}

extension ReportFormat: ExpressibleByArgument {}
