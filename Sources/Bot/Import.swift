import ArgumentParser
import CommandOptions
import Dialogue
import Storage

/// `motcua import`: brings corpus changes into the store without losing what the daemon learned.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Nhập corpus vào kho dữ liệu, giữ nguyên những gì máy chủ đã học.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let corpus = try store.loadCorpus()
        let database = try SQLiteStore.open(directory: store.data)
        let summary = try await database.importCorpus(corpus.entries)
        try await database.saveUnits(corpus.unitRecords)
        print("Đã nhập \(corpus.entries.count) mục: \(summary.added) mới, \(summary.updated) cập nhật, "
            + "\(summary.unchanged) không đổi; \(summary.kept) mục đã học được giữ nguyên.")
    }
}
