import Dialogue
import Foundation
import Logging
import PostgresNIO
import Retrieval
import Synchronization

/// The store several daemons share: PostgreSQL through PostgresNIO, the same protocols as the
/// embedded `SQLiteStore`. Ticket numbers and delivery ids come from sequences; a
/// conversation's exchange is handled under the conversation's row lock taken in the
/// transaction that stores it (`exclusive`); what one daemon changes that the others must hear
/// of goes to the `change` table in the same transaction, with a NOTIFY (see
/// `PostgresStore+Changes.swift`).
package final class PostgresStore: Sendable {
    /// Where the database is (without its password in `description`).
    package let address: PostgresAddress
    let client: PostgresClient
    let logger: Logger
    /// This store's name in the change log: its own changes are not applied to it again.
    let origin: String
    /// The NOTIFY channel of this schema's change log.
    let channel: String
    private let runner: Task<Void, Never>
    /// Where rows this version cannot read are reported.
    let problems = Mutex<(@Sendable (String) -> Void)?>(nil)
    /// The change log's position when the daemon loaded its index (`markPosition`).
    let followFrom = Mutex<Int?>(nil)

    /// Connects to `address`, creates its schema if needed and runs the migrations it lacks.
    /// - Parameter connections: the pool's size (each daemon's; PostgreSQL's `max_connections`
    ///   bounds the sum).
    /// - Throws: `Unreachable` when the database does not answer within `openTimeout`.
    package static func open(_ address: PostgresAddress, connections: Int = 20, timeout openTimeout: Duration = openTimeout,
                             logger: Logger) async throws -> PostgresStore
    {
        let store = PostgresStore(address, connections: connections, logger: logger)
        do {
            // The pool retries a database it cannot reach for ever: a wrong address must fail
            // the start with a message instead of hanging it.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.migrate() }
                group.addTask {
                    try await Task.sleep(for: openTimeout)
                    throw Unreachable(description: "không kết nối được tới PostgreSQL \(address) trong \(openTimeout) "
                        + "(could not reach the database)")
                }
                try await group.next()
                group.cancelAll()
            }
        } catch {
            store.close()
            throw error
        }
        return store
    }

    /// How long opening waits for the database.
    package static let openTimeout: Duration = .seconds(20)

    /// The database could not be reached in time.
    package struct Unreachable: Error, CustomStringConvertible {
        package let description: String
    }

    private init(_ address: PostgresAddress, connections: Int, logger: Logger) {
        self.address = address
        self.logger = logger
        // As libpq: `prefer` and `require` encrypt without checking the certificate (a
        // server's self-signed one works); `verify-full` checks it.
        var unchecked = TLSConfiguration.makeClientConfiguration()
        unchecked.certificateVerification = .none
        let tls: PostgresClient.Configuration.TLS = switch address.sslMode {
        case .disable: .disable
        case .prefer: .prefer(unchecked)
        case .require: .require(unchecked)
        case .verifyFull: .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: address.host, port: address.port, username: address.user, password: address.password,
            database: address.database, tls: tls)
        configuration.options.maximumConnections = connections
        configuration.options.minimumConnections = 0
        // Every connection works in the store's schema (the tables are named without it).
        configuration.options.additionalStartupParameters = [("search_path", address.schema)]
        // The pool's own notes (every failed connection attempt) only at warning and above.
        var background = logger
        background.logLevel = max(logger.logLevel, .warning)
        client = PostgresClient(configuration: configuration, backgroundLogger: background)
        let client = client
        runner = Task { await client.run() }
        origin = ConversationID.make()
        channel = "motcua_changes_\(address.schema)"
    }

    /// Stops the connection pool (commands call it when done; the daemon at shutdown).
    package func close() { runner.cancel() }

    deinit { runner.cancel() }

    // MARK: - Connections and transactions

    /// The connection of the exchange being stored (`exclusive`), for the store calls made
    /// inside it; keyed by store, so that another store in the process never borrows it.
    @TaskLocal static var scope: Scope?

    /// A transaction held for one conversation's exchange.
    final class Scope: Sendable {
        let store: ObjectIdentifier
        let connection: PostgresConnection
        private let open = Mutex(true)
        private let savepoints = Mutex(0)
        /// The conversation as the lock read it, until the exchange reads it (once).
        private let kept = Mutex<ConversationRecord?>(nil)

        init(store: ObjectIdentifier, connection: PostgresConnection) {
            self.store = store
            self.connection = connection
        }

        var isOpen: Bool { open.withLock { $0 } }
        func end() { open.withLock { $0 = false } }
        func nextSavepoint() -> String { "s\(savepoints.withLock { $0 += 1; return $0 })" }
        func keep(_ record: ConversationRecord) { kept.withLock { $0 = record } }
        /// The kept record of `id`, given once.
        func takeKept(_ id: String) -> ConversationRecord? {
            kept.withLock { record in
                guard record?.id == id else { return nil }
                defer { record = nil }
                return record
            }
        }
    }

    /// The open `exclusive` of this store in this task, if any.
    var currentScope: Scope? {
        guard let scope = Self.scope, scope.store == ObjectIdentifier(self), scope.isOpen else { return nil }
        return scope
    }

    /// The connection of an open `exclusive` of this store in this task, if any.
    var currentConnection: PostgresConnection? { currentScope?.connection }

    /// Runs `body` on the exchange's connection, or on one leased from the pool.
    func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        if let connection = currentConnection { return try await body(connection) }
        return try await client.withConnection { connection in try await body(connection) }
    }

    /// Runs `body` in a transaction (inside `exclusive`: a savepoint of its transaction), and
    /// rethrows what `body` threw, unchanged, after rolling back.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        if let scope = Self.scope, scope.store == ObjectIdentifier(self), scope.isOpen {
            let savepoint = scope.nextSavepoint()
            try await scope.connection.query("SAVEPOINT \(unescaped: savepoint)", logger: logger)
            do {
                let value = try await body(scope.connection)
                try await scope.connection.query("RELEASE SAVEPOINT \(unescaped: savepoint)", logger: logger)
                return value
            } catch {
                _ = try? await scope.connection.query("ROLLBACK TO SAVEPOINT \(unescaped: savepoint)", logger: logger)
                throw error
            }
        }
        return try await client.withConnection { connection in
            try await Self.inTransaction(connection, logger: logger, body)
        }
    }

    /// BEGIN, `body`, COMMIT; ROLLBACK and the body's own error when it throws.
    static func inTransaction<T: Sendable>(_ connection: PostgresConnection, logger: Logger,
                                           _ body: (PostgresConnection) async throws -> T) async throws -> T
    {
        try await connection.query("BEGIN", logger: logger)
        let value: T
        do {
            value = try await body(connection)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
        try await connection.query("COMMIT", logger: logger)
        return value
    }

    /// The rows of a query.
    func rows(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> [PostgresRow] {
        try await connection.query(query, logger: logger).collect()
    }

    /// Runs a statement (its rows, if any, are read and dropped).
    func run(_ query: PostgresQuery, on connection: PostgresConnection) async throws {
        _ = try await connection.query(query, logger: logger).collect()
    }

    /// Tells the operator of a row this version cannot read (table and key, never values).
    func unreadable(_ table: String, _ key: String, _ problem: String = "a column holds a value this version cannot read") {
        problems.withLock { $0 }?("\(table) \(key): \(problem)")
    }

    // MARK: - Migrations

    /// Creates the schema and runs the migrations it lacks, one daemon at a time (an advisory
    /// lock: daemons started together do not migrate twice).
    func migrate() async throws {
        try await client.withConnection { connection in
            try await run("CREATE SCHEMA IF NOT EXISTS \(unescaped: address.schema)", on: connection)
            try await run("SELECT pg_advisory_lock(hashtext(\(channel)))", on: connection)
            do {
                try await run("""
                    CREATE TABLE IF NOT EXISTS motcua_migration (
                        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                    """, on: connection)
                let applied = Set(try await rows("SELECT version FROM motcua_migration", on: connection)
                    .map { try $0.decode(Int.self) })
                for migration in PostgresMigrations.all where !applied.contains(migration.version) {
                    try await Self.inTransaction(connection, logger: logger) { connection in
                        for statement in migration.statements {
                            try await run(PostgresQuery(unsafeSQL: statement), on: connection)
                        }
                        try await run("INSERT INTO motcua_migration (version, name) VALUES (\(migration.version), \(migration.name))",
                                      on: connection)
                    }
                    logger.info("PostgreSQL store migrated", metadata: ["version": "\(migration.version)"])
                }
            } catch {
                _ = try? await run("SELECT pg_advisory_unlock(hashtext(\(channel)))", on: connection)
                throw error
            }
            try await run("SELECT pg_advisory_unlock(hashtext(\(channel)))", on: connection)
        }
    }

    /// The migrations applied, in order (for `motcua` to tell, and tests).
    package func migrations() async throws -> [Int] {
        try await withConnection { connection in
            try await rows("SELECT version FROM motcua_migration ORDER BY version", on: connection).map { try $0.decode(Int.self) }
        }
    }

    /// Dates to the millisecond, as the SQLite store keeps them (the two stores return equal values).
    static func stored(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }
}
