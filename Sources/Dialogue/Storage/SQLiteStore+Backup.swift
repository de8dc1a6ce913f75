import Dialogue
import Foundation
import GRDB

/// A consistent copy of a data directory's database, taken while the daemon writes, and the
/// way back (`motcua backup`, `motcua restore`).
extension SQLiteStore {
    /// What a backup or a restore copied.
    package struct Copied: Sendable, Hashable {
        /// Bytes of the database copied.
        package var bytes: Int
        /// Tickets in it (to tell the operator what the copy holds).
        package var tickets: Int
        /// Conversations in it.
        package var conversations: Int
    }

    /// Why a file cannot be restored.
    package struct NotABackup: Error, CustomStringConvertible {
        package var description: String
    }

    /// Copies the database of `directory` into `file` (created owner-only; an existing file is
    /// replaced only once the copy is whole). SQLite's online backup reads one snapshot: the copy
    /// is consistent while a daemon keeps writing, and holds every exchange committed before it
    /// began.
    package static func backup(directory: String, to file: String) throws -> Copied {
        let source = "\(directory)/motcua.sqlite"
        guard FileManager.default.fileExists(atPath: source) else {
            throw NotABackup(description: "Không có cơ sở dữ liệu trong \(directory).")
        }
        let partial = file + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        try PrivateFiles.prepareDatabase(partial)
        do {
            let reader = try DatabaseQueue(path: source, configuration: configuration())
            let copy = try DatabaseQueue(path: partial)
            try reader.backup(to: copy)
            // The copy stands alone: no WAL beside it.
            try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            let copied = try summary(of: copy, path: partial)
            try copy.close()
            try reader.close()
            if FileManager.default.fileExists(atPath: file) { try FileManager.default.removeItem(atPath: file) }
            try FileManager.default.moveItem(atPath: partial, toPath: file)
            return copied
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    /// Puts a backup back as the database of `directory` (the daemon stopped first: a running
    /// one keeps what it had in memory). The file is checked before anything is touched —
    /// SQLite's integrity check, and the store's own tables — and migrated to this version after.
    package static func restore(directory: String, from file: String) throws -> Copied {
        guard FileManager.default.fileExists(atPath: file) else { throw NotABackup(description: "Không có tệp \(file).") }
        var readOnly = Configuration()
        readOnly.readonly = true
        let backup: DatabaseQueue
        do {
            backup = try DatabaseQueue(path: file, configuration: readOnly)
            let verdict = try backup.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
            guard verdict == "ok", try backup.read({ db in try db.tableExists("grdb_migrations") && db.tableExists("ticket") }) else {
                throw NotABackup(description: "Tệp \(file) không phải bản sao lưu của motcua (hoặc đã hỏng).")
            }
        } catch let error as NotABackup {
            throw error
        } catch {
            throw NotABackup(description: "Tệp \(file) không phải bản sao lưu của motcua (hoặc đã hỏng).")
        }
        try PrivateFiles.prepareDirectory(directory)
        let path = "\(directory)/motcua.sqlite"
        try PrivateFiles.prepareDatabase(path)
        let target = try DatabaseQueue(path: path, configuration: configuration())
        try backup.backup(to: target)
        try Migrations.migrator.migrate(target)
        let copied = try summary(of: target, path: path)
        try target.close()
        try backup.close()
        return copied
    }

    private static func summary(of database: DatabaseQueue, path: String) throws -> Copied {
        try database.read { db in
            Copied(bytes: (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0,
                   tickets: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ticket") ?? 0,
                   conversations: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conversation") ?? 0)
        }
    }
}
