import Dialogue
import Foundation
import GRDB

/// `ConsoleSessionStore` on SQLite (one daemon: the console keeps its sessions in memory and
/// does not ask; the table makes the two stores alike).
extension SQLiteStore: ConsoleSessionStore {
    package func saveConsoleSession(hash: Data, handler: String, expiresAt: Date) async throws {
        try await writer.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO consoleSession (hash, handler, expiresAt) VALUES (?, ?, ?)",
                           arguments: [hash, handler, StoredDate.text(expiresAt)])
        }
    }

    package func consoleSession(hash: Data, at now: Date) async throws -> (handler: String, expiresAt: Date)? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT handler, expiresAt FROM consoleSession WHERE hash = ? AND expiresAt > ?",
                             arguments: [hash, StoredDate.text(now)])
                .map { ($0["handler"], $0["expiresAt"]) }
        }
    }

    package func endConsoleSession(hash: Data) async throws {
        try await writer.write { db in try db.execute(sql: "DELETE FROM consoleSession WHERE hash = ?", arguments: [hash]) }
    }

    package func liveConsoleSessions(_ hashes: [Data], at now: Date) async throws -> Set<Data> {
        let nowText = StoredDate.text(now)
        return try await writer.write { db in
            try db.execute(sql: "DELETE FROM consoleSession WHERE expiresAt <= ?", arguments: [nowText])
            var live: Set<Data> = []
            for start in stride(from: 0, to: hashes.count, by: 500) {
                let chunk = Array(hashes[start..<min(start + 500, hashes.count)])
                live.formUnion(try Data.fetchAll(
                    db, sql: "SELECT hash FROM consoleSession WHERE hash IN (\(databaseQuestionMarks(count: chunk.count)))",
                    arguments: StatementArguments(chunk)))
            }
            return live
        }
    }
}
