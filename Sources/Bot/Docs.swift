import ArgumentParser
import CommandOptions
import Dialogue
import Foundation
import Storage

/// `motcua docs search|add`: the catalogue of policy and technical documents.
struct Docs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Danh mục văn bản chính sách, kỹ thuật.", subcommands: [Search.self, Add.self], defaultSubcommand: Search.self)

    /// Searches the catalogue (the corpus's documents and those added to the store).
    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Tìm văn bản theo số hiệu hoặc từ trong tên, trích yếu.")
        @OptionGroup var store: StoreOptions
        @Option(name: .long, help: "Loại văn bản (vd: nghị định, thông tư).")
        var kind: String?
        @Option(name: .long, help: "Cơ quan ban hành (một phần tên).")
        var issuer: String?
        @Option(name: .long, help: "Mã chủ đề.")
        var topic: String?
        @Option(name: .long, help: "Năm ban hành.")
        var year: Int?
        @Option(name: .long, help: "Số kết quả tối đa.")
        var limit = 10
        @Argument(parsing: .remaining, help: "Số hiệu hoặc từ cần tìm (bỏ trống: mọi văn bản theo bộ lọc).")
        var query: [String] = []

        func validate() throws {
            if let year { try check(year, 1900...2100, "year") }
            try check(limit, 1...1000, "limit")
        }

        func run() async throws {
            let corpus = try store.loadCorpus()
            // Searching needs no data directory: one that does not exist yet is not created.
            let added = !store.location.isSQLite || FileManager.default.fileExists(atPath: "\(store.data)/motcua.sqlite")
                ? try await store.location.open().addedDocuments() : []
            let catalogue = DocumentCatalogue(corpus.documents + added, lexicon: corpus.lexicon)
            let results = catalogue.search(
                query.joined(separator: " "), filter: .init(kind: kind, issuer: issuer, topic: topic, year: year),
                limit: limit)
            if results.isEmpty { print("Không tìm thấy văn bản nào.") }
            for document in results {
                print("\(document.number)\t\(document.kind)\t\(document.issuer)\t\(document.date ?? "")\t\(document.title)")
            }
        }
    }

    /// Adds documents (a JSON Lines file in the format of `corpus/docs.jsonl`) to the store.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Thêm văn bản (tệp JSON Lines như corpus/docs.jsonl).")
        @OptionGroup var location: StoreLocation
        @Argument(help: "Tệp JSON Lines.")
        var file: String

        func run() async throws {
            let documents = try JSONLines.read(CatalogueDocument.self, from: file)
            try await location.open().saveDocuments(documents)
            print("Đã thêm \(documents.count) văn bản; máy chủ tìm thấy chúng từ lần khởi động sau.")
        }
    }
}
