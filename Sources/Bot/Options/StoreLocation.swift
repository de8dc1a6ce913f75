import ArgumentParser
import Daemon
import Dialogue
import Foundation
import Logging
import PostgresStorage
import Storage

/// Which store a command works on: the embedded SQLite file in `--data` (the default), or a
/// PostgreSQL database several daemons share (`--store postgres://…`).
package struct StoreLocation: ParsableArguments {
    @Option(name: .long, help: "Thư mục dữ liệu (SQLite).")
    package var data = "./motcua-data"

    @Option(name: .customLong("store"),
            help: "Kho PostgreSQL dùng chung cho nhiều máy chủ: postgres://user@host:port/db (mật khẩu trong PGPASSWORD).")
    package var address: String?

    package init() {}

    package func validate() throws {
        if let address {
            do { _ = try PostgresAddress(address) } catch { throw ValidationError("--store: \(error)") }
        }
    }

    /// Whether the store is the SQLite file (for what only it has: backup, the file's presence).
    package var isSQLite: Bool { address == nil }

    /// Opens the store (created and migrated if new).
    package func open(logger: Logger = Logger(label: "motcua")) async throws -> any DaemonAssembly.Store {
        guard let address else { return try SQLiteStore.open(directory: data) }
        return try await PostgresStore.open(try PostgresAddress(address), logger: logger)
    }

    /// Names the store in messages (never a password).
    package var name: String {
        guard let address, let parsed = try? PostgresAddress(address) else { return "--data \(data)" }
        return "--store \(parsed)"
    }
}
