import Foundation
import GRDB
import Testing

@testable import Dialogue
@testable import Storage

/// `motcua backup` and `motcua restore`: a consistent copy taken while tickets are being
/// written, put back into a new data directory; a file that is not a backup is refused and
/// touches nothing.
@Suite struct BackupTests {
    func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("motcua-backup-\(UUID().uuidString)").path
    }

    @Test func backupWhileWritingThenRestore() async throws {
        let data = directory(), restored = directory()
        let file = data + ".backup"
        defer { for path in [data, restored, file] { try? FileManager.default.removeItem(atPath: path) } }
        let store = try SQLiteStore.open(directory: data)
        try await store.saveUnits([UnitRecord(id: "ATTT", name: "Cục An toàn thông tin")])
        let (conversation, _) = try await store.open(ConversationIdentity())
        func raise(_ number: Int) async throws {
            _ = try await store.createTicket(TicketDraft(conversation: conversation.id, kind: .question, topic: "an-toan",
                                                         unit: "ATTT", question: "Câu hỏi số \(number) về chữ ký số", context: [],
                                                         due: Date()))
        }
        for number in 0..<50 { try await raise(number) }
        // Tickets keep coming while the copy is taken.
        let writing = Task { for number in 50..<400 { try await raise(number) } }
        let copied = try SQLiteStore.backup(directory: data, to: file)
        try await writing.value
        #expect(copied.tickets >= 50 && copied.tickets <= 400)
        #expect(copied.conversations == 1)
        #expect(!FileManager.default.fileExists(atPath: file + ".partial"))
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode.map { $0 & 0o077 } == 0, "the copy holds people's data: owner only")

        let back = try SQLiteStore.restore(directory: restored, from: file)
        #expect(back.tickets == copied.tickets)
        let reopened = try SQLiteStore.open(directory: restored)
        let found = try await reopened.searchTickets(unit: "ATTT", words: ["chu", "ky", "so"], limit: 1_000)
        #expect(found.count == copied.tickets)
        #expect(try await reopened.conversation(conversation.id) != nil)
    }

    @Test func notABackupIsRefusedAndTouchesNothing() async throws {
        let data = directory()
        let file = data + ".junk"
        defer { for path in [data, file] { try? FileManager.default.removeItem(atPath: path) } }
        let store = try SQLiteStore.open(directory: data)
        try await store.saveUnits([UnitRecord(id: "ATTT", name: "Cục An toàn thông tin")])
        try Data("đây không phải cơ sở dữ liệu".utf8).write(to: URL(fileURLWithPath: file))
        #expect(throws: SQLiteStore.NotABackup.self) { try SQLiteStore.restore(directory: data, from: file) }
        #expect(throws: SQLiteStore.NotABackup.self) { try SQLiteStore.restore(directory: data, from: file + ".missing") }
        // An SQLite file of something else is not a backup either.
        let other = try DatabaseQueue(path: file + ".db")
        try await other.write { db in try db.execute(sql: "CREATE TABLE t (x)") }
        try other.close()
        defer { try? FileManager.default.removeItem(atPath: file + ".db") }
        #expect(throws: SQLiteStore.NotABackup.self) { try SQLiteStore.restore(directory: data, from: file + ".db") }
        #expect(try await store.units().map(\.id) == ["ATTT"])
        #expect(throws: SQLiteStore.NotABackup.self) { try SQLiteStore.backup(directory: data + "-none", to: file + ".out") }
    }
}
