import ArgumentParser
import Foundation
import Storage

/// `motcua backup`: a consistent copy of the data directory's database, taken while the daemon
/// runs (SQLite's online backup).
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Sao lưu cơ sở dữ liệu (được cả khi máy chủ đang chạy).")

    @Option(name: .long, help: "Thư mục dữ liệu (SQLite).")
    var data = "./motcua-data"
    @Option(name: .long, help: "Tệp sao lưu sẽ ghi.")
    var out: String

    func run() async throws {
        let copied = try SQLiteStore.backup(directory: data, to: out)
        print("Đã sao lưu \(data) vào \(out): \(copied.bytes) byte, \(copied.conversations) cuộc trò chuyện, \(copied.tickets) phiếu.")
    }
}

/// `motcua restore`: puts a backup back (the daemon stopped first).
struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Khôi phục cơ sở dữ liệu từ bản sao lưu (dừng máy chủ trước).")

    @Option(name: .long, help: "Thư mục dữ liệu (SQLite).")
    var data = "./motcua-data"
    @Option(name: .long, help: "Tệp sao lưu.")
    var from: String

    func run() async throws {
        let copied = try SQLiteStore.restore(directory: data, from: from)
        print("Đã khôi phục \(data) từ \(from): \(copied.conversations) cuộc trò chuyện, \(copied.tickets) phiếu.")
    }
}
