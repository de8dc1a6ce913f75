import ArgumentParser
import CommandOptions
import Daemon
import Dialogue
import Foundation
import Storage

/// `motcua privacy export|erase`: a person's rights over their data (Law 91/2025/QH15 on
/// personal data protection, Decree 13/2023/NĐ-CP) — everything stored about their
/// conversation handed over as JSON, or forgotten. The person is named by their conversation
/// id, or by their gateway channel and user id. Runs beside the daemon (SQLite's own locking);
/// a daemon that still holds the conversation in memory finds it gone at its next message.
struct PrivacyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy", abstract: "Dữ liệu cá nhân: xuất hoặc xoá mọi thứ đã lưu về một cuộc trò chuyện.",
        subcommands: [Export.self, Erase.self])

    /// Whose data, and where it is: exactly one of `--conversation`, or `--channel` with `--user`.
    struct Subject: ParsableArguments {
        @Option(name: .long, help: "Mã cuộc trò chuyện (32 chữ số hex).")
        var conversation: String?
        @Option(name: .long, help: "Kênh của cổng (telegram, zalo, …); đi cùng --user.")
        var channel: String?
        @Option(name: .long, help: "Mã người dùng trên kênh đó; đi cùng --channel.")
        var user: String?
        @OptionGroup var location: StoreLocation

        func validate() throws {
            switch (conversation, channel, user) {
            case (.some, nil, nil), (nil, .some, .some):
                return
            case (nil, nil, nil):
                throw ValidationError("Cần cho biết cuộc trò chuyện: --conversation ID, hoặc --channel KÊNH --user NGƯỜI_DÙNG.")
            case (.some, _, _):
                throw ValidationError("Chỉ dùng một cách: --conversation, hoặc --channel với --user (không cả hai).")
            default:
                throw ValidationError("--channel và --user phải đi cùng nhau.")
            }
        }

        /// The reference the options name.
        var reference: ConversationReference {
            if let conversation { return .id(conversation) }
            return .gatewayUser(channel: channel ?? "", user: user ?? "")
        }

        /// The store of `--data` (an existing one: a mistyped directory is not created empty)
        /// or `--store`, and the conversation the options name.
        /// - Throws: `Failure` when there is no store there, or no such conversation in it.
        func open() async throws -> (any DaemonAssembly.Store, ConversationRecord) {
            if location.isSQLite {
                guard FileManager.default.fileExists(atPath: "\(location.data)/motcua.sqlite") else {
                    throw Failure(description: "Không có cơ sở dữ liệu trong \(location.data).")
                }
            }
            let store = try await location.open()
            guard let record = try await store.findConversation(reference) else {
                let named = switch reference {
                case .id(let id): "mã \(id)"
                case .gatewayUser(let channel, let user): "người dùng \(user) trên kênh \(channel)"
                }
                throw Failure(description: "Không có cuộc trò chuyện nào với \(named) trong \(location.name).")
            }
            return (store, record)
        }
    }

    /// Why a privacy command stopped (the process exits non-zero).
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// `motcua privacy export`: everything about one conversation as JSON (UTF-8, indented).
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Xuất mọi dữ liệu về một cuộc trò chuyện ra JSON: thông tin, tin nhắn, phiếu (lịch sử, tin gửi, đánh giá).")

        @OptionGroup var subject: Subject
        @Option(name: .long, help: "Tệp sẽ ghi, chỉ chủ sở hữu đọc được (mặc định: in ra màn hình).")
        var out: String?

        /// The export as its JSON text.
        func json() async throws -> (text: String, export: PersonalDataExport) {
            let (store, record) = try await subject.open()
            guard let export = try await store.export(conversation: record.id) else {
                throw Failure(description: "Cuộc trò chuyện vừa bị xoá.")
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            return (String(decoding: try encoder.encode(export), as: UTF8.self) + "\n", export)
        }

        func run() async throws {
            let (text, export) = try await json()
            if let out {
                try PrivateFiles.write(text, to: out)
                print("Đã xuất vào \(out): \(export.messages.count) tin nhắn, \(export.tickets.count) phiếu.")
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }
    }

    /// `motcua privacy erase`: forgets one conversation; prints what went, in counts.
    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Xoá một cuộc trò chuyện và tin nhắn của nó; phiếu được giữ ẩn danh cho thống kê.")

        @OptionGroup var subject: Subject

        /// Erases the conversation; the lines to print (counts only, never a text).
        func erase() async throws -> String {
            let (store, record) = try await subject.open()
            guard let summary = try await store.erase(conversation: record.id, at: Date()) else {
                throw Failure(description: "Cuộc trò chuyện vừa bị xoá.")
            }
            return Self.lines(summary, of: record.id)
        }

        /// What an erasure removed, as the operator reads it.
        static func lines(_ summary: ErasureSummary, of id: String) -> String {
            var lines = ["Đã xoá cuộc trò chuyện \(id.prefix(8))…: \(summary.messages) tin nhắn, "
                + "\(summary.deliveries) tin đơn vị gửi người hỏi, \(summary.drafts) bản nháp tri thức."]
            if summary.tickets > 0 {
                lines.append("Giữ \(summary.tickets) phiếu ẩn danh cho thống kê (\(summary.closedTickets) phiếu đang mở đã đóng); "
                    + "đã xoá nội dung \(summary.events) dòng lịch sử phiếu và \(summary.ratingComments) nhận xét đánh giá.")
            }
            lines.append("Tri thức học từ các phiếu (đã ẩn dữ liệu cá nhân khi học) được giữ nguyên.")
            return lines.joined(separator: "\n")
        }

        func run() async throws {
            print(try await erase())
        }
    }
}
