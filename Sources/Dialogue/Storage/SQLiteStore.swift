import Dialogue
import Foundation
import GRDB
import Retrieval
import Synchronization

/// The embedded store: SQLite through GRDB. A `DatabasePool` (WAL) in the daemon, a
/// `DatabaseQueue` in tests; named migrations that never change once shipped.
package struct SQLiteStore: ConversationStore {
    /// The database (the daemon's pool); reports and benchmarks read it directly.
    package let writer: any DatabaseWriter
    let batcher: GroupCommit
    /// Where rows this version cannot read are reported.
    let unreadable = UnreadableRows()
    /// A second connection that checkpoints the WAL (nil for in-memory stores).
    private let checkpointer: DatabaseQueue?

    /// Opens (creating if needed) the store in `directory` (`motcua.sqlite`, WAL).
    package static func open(directory: String) throws -> SQLiteStore {
        try PrivateFiles.prepareDirectory(directory)
        let path = "\(directory)/motcua.sqlite"
        try PrivateFiles.prepareDatabase(path)
        let pool = try DatabasePool(path: path, configuration: configuration(autoCheckpoint: false))
        try Migrations.migrator.migrate(pool)
        return try SQLiteStore(pool, checkpointer: DatabaseQueue(path: path, configuration: configuration()))
    }

    /// A store over any GRDB writer (tests use an in-memory `DatabaseQueue`).
    package init(_ writer: any DatabaseWriter) throws {
        try self.init(writer, checkpointer: nil)
        // A writer opened by the caller lacks what `configuration` prepares on every connection.
        try writer.writeWithoutTransaction { db in db.add(function: Self.foldedFunction) }
        try Migrations.migrator.migrate(writer)
    }

    private init(_ writer: any DatabaseWriter, checkpointer: DatabaseQueue?) throws {
        self.writer = writer
        self.checkpointer = checkpointer
        batcher = GroupCommit(writer: writer)
    }

    /// Checkpoints the WAL into the database file twice a second until cancelled.
    ///
    /// SQLite would otherwise checkpoint inside a commit every 1,000 pages, fsync included, and
    /// every exchange waiting on that group commit would wait with it (it set the daemon's p99
    /// under load). Here a connection of its own copies the WAL into the database first, beside
    /// the writer (a passive checkpoint never blocks it); then the writer, between two commits,
    /// copies the few pages written meanwhile, so that its next commit starts the WAL over
    /// instead of letting it grow.
    package func reportUnreadableRows(to report: @escaping @Sendable (String) -> Void) {
        unreadable.send(to: report)
    }

    package func maintain() async {
        guard let checkpointer else { return }
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(500))
            _ = try? await checkpointer.writeWithoutTransaction { db in try db.checkpoint(.passive) }
            _ = try? await writer.writeWithoutTransaction { db in try db.checkpoint(.passive) }
        }
        // At shutdown: fold the whole WAL in, so the next start opens a compact file.
        Self.truncateWAL(checkpointer)
    }

    /// A blocking checkpoint (the async API would refuse to start in a cancelled task).
    private static func truncateWAL(_ queue: DatabaseQueue) {
        _ = try? queue.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
    }

    /// `motcua_folded(text)`: the text as `Diacritics.foldedKey` folds it (SQL has no
    /// Vietnamese-aware comparison; the search reads it once a ticket, in the engine).
    static let foldedFunction = DatabaseFunction("motcua_folded", argumentCount: 1, pure: true) { values in
        String.fromDatabaseValue(values[0]).map(Diacritics.foldedKey)
    }

    static func configuration(autoCheckpoint: Bool = true) -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            // WAL with synchronous=NORMAL: a commit survives the daemon being killed (the WAL is
            // written before the commit returns); only a power loss can take the last commits.
            // FULL would fsync every message and cap the daemon at a few hundred messages a second.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // The daemon's writer leaves checkpoints to `maintain()`.
            if !autoCheckpoint { try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
            // Ticket search compares questions without case and diacritics ("ky so" finds "ký số").
            db.add(function: foldedFunction)
        }
        return configuration
    }


    // MARK: - Conversations

    package func open(_ identity: ConversationIdentity) async throws -> (conversation: ConversationRecord, resumed: Bool) {
        try await writer.write { db in
            if let id = identity.conversation, ConversationID.isWellFormed(id),
                let row = try ConversationRow.fetchOne(db, key: id)
            {
                return (try Self.noting(identity.agency, on: row.record(reporting: unreadable), in: db), true)
            }
            if let channel = identity.channel, let user = identity.user,
                let row = try ConversationRow.filter(ConversationRow.Columns.channel == channel && ConversationRow.Columns.user == user)
                    .fetchOne(db)
            {
                return (try Self.noting(identity.agency, on: row.record(reporting: unreadable), in: db), true)
            }
            let record = ConversationRecord(
                id: ConversationID.make(), channel: identity.channel.flatMap { identity.user == nil ? nil : $0 },
                user: identity.channel == nil ? nil : identity.user, name: identity.name, agency: identity.agency,
                state: ConversationState())
            let now = Date()
            try db.execute(
                sql: """
                    INSERT INTO conversation (id, channel, user, name, agency, state, createdAt, updatedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [record.id, record.channel, record.user, record.name, record.agency,
                            try StoredState.encode(record.state), now, now])
            return (record, false)
        }
    }

    /// A resumed conversation whose `hello` names an agency keeps the one named last (an asker
    /// who gave none before, or moved): reports place its questions by it. A `hello` without
    /// one leaves the stored agency as it was.
    static func noting(_ agency: String?, on record: ConversationRecord, in db: Database) throws -> ConversationRecord {
        guard let agency = agency?.trimmedWhitespace, agency.hasVisibleText, agency != record.agency else { return record }
        try db.execute(sql: "UPDATE conversation SET agency = ? WHERE id = ?", arguments: [agency, record.id])
        var record = record
        record.agency = agency
        return record
    }

    package func conversation(_ id: String) async throws -> ConversationRecord? {
        guard ConversationID.isWellFormed(id) else { return nil }
        return try await writer.read { db in
            try ConversationRow.fetchOne(db, key: id)?.record(reporting: unreadable)
        }
    }

    package func record(_ messages: [StoredMessage], state: ConversationState, of conversation: String) async throws {
        let exchange = GroupCommit.Exchange(conversation: conversation, messages: messages,
                                            state: try StoredState.encode(state))
        guard try await batcher.commit({ db in try GroupCommit.write(exchange, in: db) }) else {
            throw StoreError.unknownConversation(conversation)
        }
    }

    package func messages(of conversation: String, last count: Int) async throws -> [StoredMessage] {
        try await writer.read { db in try lastMessages(of: conversation, count: count, in: db) }
    }

    func lastMessages(of conversation: String, count: Int, in db: Database) throws -> [StoredMessage] {
        // A cached statement: a ticket's context is read on the writer queue, which every
        // exchange waits behind (the query interface compiled this SQL every time).
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM message WHERE conversationId = ? ORDER BY id DESC LIMIT ?"),
            arguments: [conversation, count])
        return unreadable.decode(rows.reversed(), as: MessageRow.self, key: { "\($0["id"] as Int64? ?? 0)" }) { $0.message }
    }

    // MARK: - Knowledge base

    package func knowledgeEntries() async throws -> [KnowledgeEntry] {
        try await writer.read { db in
            let decoder = JSONDecoder()
            // With the phrasings learned from use (kept apart from the entry's own text).
            let learned = try Self.livePhrasings(in: db)
            return try Data.fetchAll(db, sql: "SELECT json FROM knowledgeEntry WHERE NOT retired ORDER BY rowid")
                .map { json in
                    let entry = try decoder.decode(KnowledgeEntry.self, from: json)
                    return learned[entry.id].map { entry.adding(learned: $0) } ?? entry
                }
        }
    }

    package func importCorpus(_ entries: [KnowledgeEntry]) async throws -> ImportSummary {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let encoded = try entries.map { ($0.id, try encoder.encode($0)) }
        return try await writer.write { db in
            var summary = ImportSummary()
            for (id, json) in encoded {
                let existing = try Row.fetchOne(db, sql: "SELECT json, source FROM knowledgeEntry WHERE id = ?",
                                                arguments: [id])
                guard let existing else {
                    try db.execute(
                        sql: "INSERT INTO knowledgeEntry (id, json, source, updatedAt) VALUES (?, ?, 'corpus', ?)",
                        arguments: [id, json, Date()])
                    summary.added += 1
                    continue
                }
                let source: String = existing["source"]
                if source != "corpus" {
                    summary.kept += 1
                } else if (existing["json"] as Data) == json {
                    summary.unchanged += 1
                } else {
                    try db.execute(sql: "UPDATE knowledgeEntry SET json = ?, retired = 0, updatedAt = ? WHERE id = ?",
                                   arguments: [json, Date(), id])
                    summary.updated += 1
                }
            }
            return summary
        }
    }
}

/// Group commit: writes that arrive while a transaction is being written wait, then go to the
/// database together in the next one — the exchanges of many conversations, new tickets,
/// replies, acknowledgments. Each caller still returns only after its own write is committed,
/// and each write runs in a savepoint of its own, so one that fails is rolled back alone. Under
/// load one commit carries many writes, so the daemon is not capped by one transaction each.
///
/// Driven by callbacks on GRDB's writer queue rather than by an actor: a caller only enqueues
/// and suspends, and the writer queue resumes it when its batch is durable — no executor hops in
/// between, which under load cost more than the writes themselves.
final class GroupCommit: Sendable {
    /// One conversation's messages and new state.
    struct Exchange: Sendable {
        var conversation: String
        var messages: [StoredMessage]
        var state: Data
    }

    /// A write waiting for the next transaction: `run` writes, `finish` learns how it went.
    private struct Pending: Sendable {
        var run: @Sendable (Database) throws -> Void
        var finish: @Sendable (Result<Void, any Error>) -> Void
    }

    private struct State {
        var queue: [Pending] = []
        var writing = false
    }

    private let writer: any DatabaseWriter
    private let state = Mutex(State())

    init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    /// Runs `body` in the next group transaction and returns its result once committed.
    /// - Throws: what `body` threw (its savepoint rolled back, the rest of the batch kept), or
    ///   the database error that failed the whole transaction.
    func commit<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let result = Mutex<T?>(nil)
            let pending = Pending(
                run: { db in
                    try db.inSavepoint {
                        let value = try body(db)
                        result.withLock { $0 = value }
                        return .commit
                    }
                },
                finish: { outcome in
                    switch outcome {
                    case .success: continuation.resume(returning: result.withLock { $0! })
                    case .failure(let error): continuation.resume(throwing: error)
                    }
                })
            let start = state.withLock { state in
                state.queue.append(pending)
                guard !state.writing else { return false }
                state.writing = true
                return true
            }
            if start { writeNextBatch() }
        }
    }

    /// Writes everything waiting in one transaction, tells its callers, and goes on while more
    /// arrived meanwhile; stops (and lets the next caller start again) when none did.
    private func writeNextBatch() {
        let batch = state.withLock { state in
            let batch = state.queue
            state.queue.removeAll(keepingCapacity: true)
            if batch.isEmpty { state.writing = false }
            return batch
        }
        guard !batch.isEmpty else { return }
        let outcomes = Mutex<[Result<Void, any Error>]>([])
        let pending = batch
        writer.asyncWrite({ db in
            var results: [Result<Void, any Error>] = []
            results.reserveCapacity(pending.count)
            for item in pending { results.append(Result { try item.run(db) }) }
            outcomes.withLock { $0 = results }
        }) { [self] _, transaction in
            let results = outcomes.withLock { $0 }
            for (index, item) in pending.enumerated() {
                switch transaction {
                case .success: item.finish(results[index])
                case .failure(let error): item.finish(.failure(error))
                }
            }
            writeNextBatch()
        }
    }

    /// Writes one exchange; false (and nothing written) when the conversation does not exist.
    static func write(_ exchange: Exchange, in db: Database) throws -> Bool {
        try db.cachedStatement(sql: "UPDATE conversation SET state = ?, updatedAt = ? WHERE id = ?")
            .execute(arguments: [exchange.state, StoredDate.text(Date()), exchange.conversation])
        guard db.changesCount == 1 else { return false }
        let insert = try db.cachedStatement(
            sql: "INSERT INTO message (conversationId, direction, kind, text, entry, topic, date) VALUES (?, ?, ?, ?, ?, ?, ?)")
        for message in exchange.messages {
            try insert.execute(arguments: [exchange.conversation, message.direction.rawValue, message.kind, message.text,
                                           message.entry, message.topic, StoredDate.text(message.date)])
        }
        return true
    }
}
