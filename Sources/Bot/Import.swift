import ArgumentParser
import CommandOptions
import Dialogue
import Foundation
import Storage

/// `motcua import`: brings corpus changes into the store without losing what the daemon
/// learned; with `--csv`, an agency's existing FAQ kept as a spreadsheet.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Nhập corpus (hoặc bộ hỏi đáp sẵn có từ tệp CSV) vào kho dữ liệu, giữ nguyên những gì máy chủ đã học.")

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: "Tệp CSV của bộ hỏi đáp (UTF-8, có hoặc không BOM; phân cách bằng dấu phẩy hoặc chấm phẩy).")
    var csv: String?
    @Option(name: .long, help: "Cột câu hỏi: tên cột hoặc số thứ tự (mặc định: tìm theo tên \"Câu hỏi\", \"question\").")
    var questionColumn: String?
    @Option(name: .long, help: "Cột câu trả lời (mặc định: \"Trả lời\", \"answer\").")
    var answerColumn: String?
    @Option(name: .long, help: "Cột chủ đề: mã hoặc tên chủ đề của corpus (mặc định: \"Chủ đề\", \"topic\").")
    var topicColumn: String?
    @Option(name: .long, help: "Cột mã đơn vị trả lời (mặc định: \"Đơn vị\", \"unit\").")
    var unitColumn: String?
    @Option(name: .long, help: "Cột các cách hỏi khác, ngăn bằng | (mặc định: \"Cách hỏi khác\", \"variants\").")
    var variantsColumn: String?

    func run() async throws {
        let corpus = try store.loadCorpus()
        let database = try await store.location.open()
        guard let csv else {
            let summary = try await database.importCorpus(corpus.entries)
            try await database.saveUnits(corpus.unitRecords)
            print("Đã nhập \(corpus.entries.count) mục: \(summary.added) mới, \(summary.updated) cập nhật, "
                + "\(summary.unchanged) không đổi; \(summary.kept) mục đã học được giữ nguyên.")
            return
        }
        guard let data = FileManager.default.contents(atPath: csv) else { throw ValidationError("Không đọc được tệp \(csv).") }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ValidationError("Tệp \(csv) không phải UTF-8 (khi lưu từ bảng tính, chọn \"CSV UTF-8\").")
        }
        let table: CSVTable
        do { table = try CSVTable.parse(text) } catch { throw ValidationError(error.description) }
        // A new data directory gets the bundled corpus first, as the daemon's first start would
        // (which imports it only into a store without entries): the FAQ comes beside it.
        if try await database.knowledgeEntries().isEmpty {
            _ = try await database.importCorpus(corpus.entries)
            if try await database.units().isEmpty { try await database.saveUnits(corpus.unitRecords) }
        }
        let units = Set(try await database.units().map(\.id)).union(corpus.unitRecords.map(\.id))
        let mapping = FAQImport.Mapping(question: questionColumn, answer: answerColumn, topic: topicColumn, unit: unitColumn,
                                        variants: variantsColumn)
        let (entries, rejected) = try FAQImport(topics: corpus.topics, units: units).entries(from: table, mapping: mapping)
        for entry in entries { try await database.saveEntry(entry, source: "csv") }
        for row in rejected { print("Dòng \(row.line): bỏ qua — \(row.reason).") }
        // A shared store's daemons follow its change log; a daemon on the SQLite file reads it at start.
        let when = store.location.isSQLite ? "khi khởi động lại" : "trong vòng một giây (mọi máy chủ dùng chung kho này)"
        print("Đã nhập \(entries.count) mục từ \(csv); \(rejected.count) dòng bỏ qua. Máy chủ dùng các mục mới \(when).")
    }
}

/// `motcua export --csv`: the knowledge base as a spreadsheet opens it (the columns `import
/// --csv` reads back).
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Xuất cơ sở tri thức ra tệp CSV (mở được bằng bảng tính).")

    @OptionGroup var location: StoreLocation
    @Flag(name: .long, help: "Dạng CSV (dạng duy nhất hiện có).")
    var csv = false
    @Option(name: .long, help: "Tệp sẽ ghi (mặc định: in ra màn hình).")
    var out: String?

    func run() async throws {
        let entries = try await location.open().knowledgeEntries()
        let text = FAQImport.csv(entries)
        if let out {
            try PrivateFiles.write(text, to: out)
            print("Đã xuất \(entries.count) mục vào \(out).")
        } else {
            print(text, terminator: "")
        }
    }
}
