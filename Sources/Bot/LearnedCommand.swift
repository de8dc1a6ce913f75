import ArgumentParser
import CommandOptions
import Daemon
import Dialogue
import Foundation

/// `motcua learned list|remove`: the reviewer's view of what the desk learned from use — each
/// question that different conversations confirmed for an entry, now a phrasing of it — and
/// its removal (the phrasing leaves the entry and is never learned again). On a shared
/// PostgreSQL store a removal reaches every daemon's index within a second; a daemon on SQLite
/// reads it at its next start (remove it from the console to take it out of a running one).
struct LearnedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learned", abstract: "Các cách hỏi bot học được từ người dùng: xem và gỡ bỏ.",
        subcommands: [List.self, Remove.self])

    /// Why a command stopped (the process exits non-zero).
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The store of `--data` (an existing one: a mistyped directory is not created empty) or `--store`.
    static func open(_ location: StoreLocation) async throws -> any DaemonAssembly.Store {
        if location.isSQLite, !FileManager.default.fileExists(atPath: "\(location.data)/motcua.sqlite") {
            throw Failure(description: "Không có cơ sở dữ liệu trong \(location.data).")
        }
        return try await location.open()
    }

    /// `motcua learned list`: the learned phrasings, newest first, with their entry and how
    /// many conversations confirmed them.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Liệt kê các cách hỏi đã học, kèm mục tri thức và số cuộc trò chuyện xác nhận.")

        @OptionGroup var location: StoreLocation
        @Flag(name: .long, help: "Cả những cách hỏi đã bị gỡ.")
        var all = false
        @Flag(name: .long, help: "In dạng JSON.")
        var json = false

        func run() async throws {
            let store = try await LearnedCommand.open(location)
            let phrasings = try await store.learnedPhrasings(includingRemoved: all)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                encoder.dateEncodingStrategy = .iso8601
                print(String(decoding: try encoder.encode(phrasings), as: UTF8.self))
                return
            }
            guard !phrasings.isEmpty else {
                print("Chưa học được cách hỏi nào từ người dùng.")
                return
            }
            for phrasing in phrasings {
                let entry = try await store.entry(phrasing.entry)
                var line = "#\(phrasing.id)  \(phrasing.entry)  \(phrasing.conversations) cuộc trò chuyện xác nhận"
                if let removedBy = phrasing.removedBy { line += "  (đã gỡ bởi \(removedBy))" }
                print(line)
                print("    cách hỏi: \(phrasing.question)")
                if let entry { print("    mục:      \(entry.question)") }
            }
        }
    }

    /// `motcua learned remove ID`: a reviewer takes a learned phrasing out for good.
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Gỡ một cách hỏi đã học; nó không được học lại nữa.")

        @Argument(help: "Số của cách hỏi (cột # của `learned list`).")
        var id: Int
        @Option(name: .long, help: "Người gỡ (ghi lại cùng việc gỡ).")
        var by = "cli"
        @OptionGroup var location: StoreLocation

        func run() async throws {
            let store = try await LearnedCommand.open(location)
            guard let removed = try await store.removeLearnedPhrasing(id, by: by) else {
                throw Failure(description: "Không có cách hỏi đã học nào số \(id) (hoặc đã gỡ rồi).")
            }
            print("Đã gỡ cách hỏi #\(removed.id) khỏi mục \(removed.entry); cách hỏi này sẽ không được học lại."
                + (location.isSQLite ? " Bot đang chạy trên thư mục dữ liệu này sẽ bỏ nó khi khởi động lại." : ""))
        }
    }
}
