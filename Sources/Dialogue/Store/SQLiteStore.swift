import Foundation
import GRDB
import Retrieval

/// The embedded store: SQLite through GRDB. A `DatabasePool` (WAL) in the daemon, a
/// `DatabaseQueue` in tests; named migrations that never change once shipped.
package struct SQLiteStore: ConversationStore {
    private let writer: any DatabaseWriter
    private let batcher: GroupCommit

    /// Opens (creating if needed) the store in `directory` (`motcua.sqlite`, WAL).
    package static func open(directory: String) throws -> SQLiteStore {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let pool = try DatabasePool(path: "\(directory)/motcua.sqlite", configuration: configuration())
        return try SQLiteStore(pool)
    }

    /// A store over any GRDB writer (tests use an in-memory `DatabaseQueue`).
    package init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        batcher = GroupCommit(writer: writer)
        try Self.migrator.migrate(writer)
    }

    static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            // WAL with synchronous=NORMAL: a commit survives the daemon being killed (the WAL is
            // written before the commit returns); only a power loss can take the last commits.
            // FULL would fsync every message and cap the daemon at a few hundred messages a second.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        return configuration
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: conversations, messages, knowledge base") { db in
            try db.create(table: "conversation") { t in
                t.primaryKey("id", .text)
                t.column("channel", .text)
                t.column("user", .text)
                t.column("name", .text)
                t.column("agency", .text)
                t.column("state", .blob).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
                t.uniqueKey(["channel", "user"])
            }
            try db.create(table: "message") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("conversation", onDelete: .cascade).notNull()
                t.column("direction", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("text", .text).notNull()
                t.column("entry", .text)
                t.column("date", .datetime).notNull()
            }
            try db.create(table: "knowledgeEntry") { t in
                t.primaryKey("id", .text)
                t.column("json", .blob).notNull()
                t.column("source", .text).notNull()  // "corpus" or what taught it (later: a ticket)
                t.column("retired", .boolean).notNull().defaults(to: false)
                t.column("updatedAt", .datetime).notNull()
            }
        }
        return migrator
    }

    // MARK: - Conversations

    package func open(_ identity: ConversationIdentity) async throws -> (conversation: ConversationRecord, resumed: Bool) {
        try await writer.write { db in
            if let id = identity.conversation, ConversationID.isWellFormed(id),
                let row = try Row.fetchOne(db, sql: "SELECT * FROM conversation WHERE id = ?", arguments: [id])
            {
                return (try Self.record(row), true)
            }
            if let channel = identity.channel, let user = identity.user,
                let row = try Row.fetchOne(db, sql: "SELECT * FROM conversation WHERE channel = ? AND user = ?",
                                           arguments: [channel, user])
            {
                return (try Self.record(row), true)
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
                            try JSONEncoder().encode(record.state), now, now])
            return (record, false)
        }
    }

    package func conversation(_ id: String) async throws -> ConversationRecord? {
        guard ConversationID.isWellFormed(id) else { return nil }
        return try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM conversation WHERE id = ?", arguments: [id]).map(Self.record)
        }
    }

    package func record(_ messages: [StoredMessage], state: ConversationState, of conversation: String) async throws {
        try await batcher.commit(GroupCommit.Exchange(conversation: conversation, messages: messages,
                                                      state: try JSONEncoder().encode(state)))
    }

    package func messages(of conversation: String, last count: Int) async throws -> [StoredMessage] {
        try await writer.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM message WHERE conversationId = ? ORDER BY id DESC LIMIT ?",
                arguments: [conversation, count])
            return rows.reversed().map { row in
                StoredMessage(direction: StoredMessage.Direction(rawValue: row["direction"]) ?? .incoming,
                              kind: row["kind"], text: row["text"], entry: row["entry"], date: row["date"])
            }
        }
    }

    static func record(_ row: Row) throws -> ConversationRecord {
        let stateData: Data = row["state"]
        return ConversationRecord(id: row["id"], channel: row["channel"], user: row["user"], name: row["name"],
                                  agency: row["agency"],
                                  state: (try? JSONDecoder().decode(ConversationState.self, from: stateData))
                                      ?? ConversationState())
    }

    // MARK: - Knowledge base

    package func knowledgeEntries() async throws -> [KnowledgeEntry] {
        try await writer.read { db in
            let decoder = JSONDecoder()
            return try Data.fetchAll(db, sql: "SELECT json FROM knowledgeEntry WHERE NOT retired ORDER BY rowid")
                .map { try decoder.decode(KnowledgeEntry.self, from: $0) }
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

/// Group commit: exchanges recorded while a transaction is being written wait, then go to the
/// database together in the next one. Each caller still returns only after its own exchange is
/// committed; under load one commit carries many conversations' messages, so the daemon is not
/// capped by one transaction per message.
actor GroupCommit {
    /// One conversation's messages and new state.
    struct Exchange: Sendable {
        var conversation: String
        var messages: [StoredMessage]
        var state: Data
    }

    private let writer: any DatabaseWriter
    private var queue: [(Exchange, CheckedContinuation<Void, any Error>)] = []
    private var writing = false

    init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    /// Commits an exchange (with whatever else is waiting) and returns once it is durable. The
    /// first caller while nothing is being written becomes the writer and writes batches until
    /// no one waits; the others wait for the batch that carries their exchange.
    /// - Throws: `StoreError` for an unknown conversation, or the database error.
    func commit(_ exchange: Exchange) async throws {
        guard !writing else {
            try await withCheckedThrowingContinuation { queue.append((exchange, $0)) }
            return
        }
        writing = true
        defer { writing = false }
        var own: Result<Bool, any Error> = .success(false)
        var batch: [(Exchange, CheckedContinuation<Void, any Error>?)] = [(exchange, nil)]
        while !batch.isEmpty {
            let exchanges = batch.map(\.0)
            let outcome: Result<[Bool], any Error>
            do {
                outcome = .success(try await writer.write { db in try exchanges.map { try Self.write($0, in: db) } })
            } catch {
                outcome = .failure(error)
            }
            for (index, (_, continuation)) in batch.enumerated() {
                let result = outcome.map { $0[index] }
                guard let continuation else {
                    own = result
                    continue
                }
                switch result {
                case .success(true): continuation.resume()
                case .success(false): continuation.resume(throwing: StoreError.unknownConversation(exchanges[index].conversation))
                case .failure(let error): continuation.resume(throwing: error)
                }
            }
            batch = queue.map { ($0.0, $0.1) }
            queue.removeAll()
        }
        guard try own.get() else { throw StoreError.unknownConversation(exchange.conversation) }
    }

    /// Writes one exchange; false (and nothing written) when the conversation does not exist.
    static func write(_ exchange: Exchange, in db: Database) throws -> Bool {
        try db.execute(sql: "UPDATE conversation SET state = ?, updatedAt = ? WHERE id = ?",
                       arguments: [exchange.state, Date(), exchange.conversation])
        guard db.changesCount == 1 else { return false }
        for message in exchange.messages {
            try db.execute(
                sql: "INSERT INTO message (conversationId, direction, kind, text, entry, date) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [exchange.conversation, message.direction.rawValue, message.kind, message.text, message.entry,
                            message.date])
        }
        return true
    }
}
