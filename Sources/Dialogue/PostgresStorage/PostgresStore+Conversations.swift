import Dialogue
import Foundation
import PostgresNIO
import Retrieval

/// Conversations, their messages and the knowledge base.
extension PostgresStore: ConversationStore {
    package var isShared: Bool { true }

    package func reportUnreadableRows(to report: @escaping @Sendable (String) -> Void) {
        problems.withLock { $0 = report }
    }

    /// One conversation's exchange in one transaction that holds the conversation's row lock
    /// (`SELECT … FOR NO KEY UPDATE`): a second daemon handling a message of the same conversation
    /// waits for it, then reads the state this one stored. The row read with the lock is kept
    /// for the exchange's first read of it (one round trip for both), and the store calls
    /// `body` makes run in that transaction.
    package func exclusive<T: Sendable>(_ conversation: String, _ body: () async throws -> T) async throws -> T {
        if currentConnection != nil { return try await body() }
        return try await client.withConnection { connection in
            try await Self.inTransaction(connection, logger: logger) { connection in
                let scope = Scope(store: ObjectIdentifier(self), connection: connection)
                // NO KEY UPDATE: exchanges of the conversation wait for each other, but a handler's
                // reply inserting a delivery that refers to it (a key-share lock, taken while that
                // reply holds its ticket's row) does not — so the two cannot deadlock.
                if ConversationID.isWellFormed(conversation),
                    let row = try await rows("""
                        SELECT \(unescaped: Self.conversationColumns) FROM conversation WHERE id = \(conversation) FOR NO KEY UPDATE
                        """, on: connection).first
                {
                    scope.keep(try self.conversation(from: row))
                }
                defer { scope.end() }
                return try await Self.$scope.withValue(scope) { try await body() }
            }
        }
    }

    static let conversationColumns = "id, channel, user_id, name, agency, state"

    func conversation(from row: PostgresRow) throws -> ConversationRecord {
        let (id, channel, user, name, agency, stateText) = try row.decode((String, String?, String?, String?, String?, String).self)
        var state = ConversationState()
        do {
            state = try JSONDecoder().decode(ConversationState.self, from: Data(stateText.utf8))
        } catch {
            unreadable("conversation", String(id.prefix(8)) + "…", "state is not readable: the conversation goes on from a fresh state")
        }
        return ConversationRecord(id: id, channel: channel, user: user, name: name, agency: agency, state: state)
    }

    package func open(_ identity: ConversationIdentity) async throws -> (conversation: ConversationRecord, resumed: Bool) {
        try await withConnection { connection in
            if let id = identity.conversation, ConversationID.isWellFormed(id),
                let row = try await rows("SELECT \(unescaped: Self.conversationColumns) FROM conversation WHERE id = \(id)",
                                         on: connection).first
            {
                return (try await noting(identity.agency, on: try conversation(from: row), on: connection), true)
            }
            let channel = identity.channel.flatMap { identity.user == nil ? nil : $0 }
            let user = identity.channel == nil ? nil : identity.user
            if let channel, let user,
                let row = try await rows("""
                    SELECT \(unescaped: Self.conversationColumns) FROM conversation WHERE channel = \(channel) AND user_id = \(user)
                    """, on: connection).first
            {
                return (try await noting(identity.agency, on: try conversation(from: row), on: connection), true)
            }
            let record = ConversationRecord(id: ConversationID.make(), channel: channel, user: user, name: identity.name,
                                            agency: identity.agency, state: ConversationState())
            let now = Date().pg
            // Two daemons may meet the same gateway user at once: the second finds the first's row.
            let inserted = try await rows("""
                INSERT INTO conversation (id, channel, user_id, name, agency, state, created_at, updated_at)
                VALUES (\(record.id), \(record.channel), \(record.user), \(record.name), \(record.agency),
                        \(try Self.json(record.state)), \(now), \(now))
                ON CONFLICT (channel, user_id) DO NOTHING RETURNING id
                """, on: connection)
            if inserted.isEmpty, let channel, let user,
                let row = try await rows("""
                    SELECT \(unescaped: Self.conversationColumns) FROM conversation WHERE channel = \(channel) AND user_id = \(user)
                    """, on: connection).first
            {
                return (try conversation(from: row), true)
            }
            return (record, false)
        }
    }

    /// A resumed conversation whose `hello` names another agency keeps the one named last.
    private func noting(_ agency: String?, on record: ConversationRecord, on connection: PostgresConnection) async throws
        -> ConversationRecord
    {
        guard let agency = agency?.trimmedWhitespace, agency.hasVisibleText, agency != record.agency else { return record }
        try await run("UPDATE conversation SET agency = \(agency) WHERE id = \(record.id)", on: connection)
        var record = record
        record.agency = agency
        return record
    }

    package func conversation(_ id: String) async throws -> ConversationRecord? {
        guard ConversationID.isWellFormed(id) else { return nil }
        if let kept = currentScope?.takeKept(id) { return kept }
        return try await withConnection { connection in
            try await rows("SELECT \(unescaped: Self.conversationColumns) FROM conversation WHERE id = \(id)", on: connection)
                .first.map { try conversation(from: $0) }
        }
    }

    package func record(_ messages: [StoredMessage], state: ConversationState, of conversation: String) async throws {
        let stateText = try Self.json(state)
        try await withConnection { connection in
            guard try await write(messages, state: stateText, of: conversation, on: connection) else {
                throw StoreError.unknownConversation(conversation)
            }
        }
    }

    /// One statement (atomic without a transaction around it): the state updated and the
    /// messages inserted; false, and nothing written, when the conversation does not exist.
    func write(_ messages: [StoredMessage], state: String, of conversation: String, on connection: PostgresConnection)
        async throws -> Bool
    {
        let rows = try await rows("""
            WITH c AS (UPDATE conversation SET state = \(state), updated_at = \(Date().pg) WHERE id = \(conversation) RETURNING id),
            m AS (INSERT INTO message (conversation_id, direction, kind, text, entry, topic, date)
                  SELECT c.id, m.direction, m.kind, m.text, m.entry, m.topic, m.date
                  FROM c, json_to_recordset(\(try Self.messagesJSON(messages))::json)
                       AS m(direction text, kind text, text text, entry text, topic text, date timestamptz)
                  RETURNING 1)
            SELECT count(*)::bigint FROM c
            """, on: connection)
        return try rows.first?.decode(Int.self) == 1
    }

    /// Messages as the JSON list the insert above reads (dates to the millisecond, UTC).
    static func messagesJSON(_ messages: [StoredMessage]) throws -> String {
        /// One message as `json_to_recordset` reads it.
        struct Row: Encodable {
            var direction: String
            var kind: String
            var text: String
            var entry: String?
            var topic: String?
            var date: String
        }
        return try json(messages.map {
            Row(direction: $0.direction.rawValue, kind: $0.kind, text: $0.text, entry: $0.entry, topic: $0.topic,
                date: timestampText($0.date))
        })
    }

    /// A date as PostgreSQL reads it back exactly (UTC, milliseconds).
    static func timestampText(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = Double(milliseconds / 1000) + (milliseconds % 1000 < 0 ? -1 : 0)
        let fraction = ((milliseconds % 1000) + 1000) % 1000
        let day = Date(timeIntervalSince1970: seconds)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: day)
        func two(_ n: Int?) -> String { n.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        let millis = fraction < 10 ? "00\(fraction)" : fraction < 100 ? "0\(fraction)" : "\(fraction)"
        return "\(c.year ?? 1970)-\(two(c.month))-\(two(c.day))T\(two(c.hour)):\(two(c.minute)):\(two(c.second)).\(millis)Z"
    }

    package func messages(of conversation: String, last count: Int) async throws -> [StoredMessage] {
        try await withConnection { connection in try await lastMessages(of: conversation, count: count, on: connection) }
    }

    func lastMessages(of conversation: String, count: Int, on connection: PostgresConnection) async throws -> [StoredMessage] {
        let rows = try await rows("""
            SELECT id, direction, kind, text, entry, topic, date FROM message WHERE conversation_id = \(conversation)
            ORDER BY id DESC LIMIT \(count)
            """, on: connection)
        return rows.reversed().compactMap { row in
            guard let (id, direction, kind, text, entry, topic, date) = try? row.decode(
                (Int, String, String, String, String?, String?, Date).self)
            else { return nil }
            guard let direction = StoredMessage.Direction(rawValue: direction) else {
                unreadable("message", "\(id)")
                return nil
            }
            return StoredMessage(direction: direction, kind: kind, text: text, entry: entry, topic: topic, date: date)
        }
    }

    // MARK: - Knowledge base

    package func knowledgeEntries() async throws -> [KnowledgeEntry] {
        try await withConnection { connection in
            let decoder = JSONDecoder()
            // With the phrasings learned from use (kept apart from the entry's own text).
            let learned = try await livePhrasings(entry: nil, on: connection)
            return try await rows("SELECT json FROM knowledge_entry WHERE NOT retired ORDER BY seq", on: connection).map {
                let entry = try decoder.decode(KnowledgeEntry.self, from: Data(try $0.decode(String.self).utf8))
                return learned[entry.id].map { entry.adding(learned: $0) } ?? entry
            }
        }
    }

    package func importCorpus(_ entries: [KnowledgeEntry]) async throws -> ImportSummary {
        let encoded = try entries.map { ($0.id, try Self.json($0)) }
        return try await transaction { connection in
            var summary = ImportSummary()
            for (id, json) in encoded {
                let existing = try await rows("SELECT json, source FROM knowledge_entry WHERE id = \(id)", on: connection).first
                guard let existing else {
                    // Two daemons started together both import into an empty store: the second
                    // finds the first's rows instead of failing.
                    let inserted = try await rows("""
                        INSERT INTO knowledge_entry (id, json, source, updated_at) VALUES (\(id), \(json), 'corpus', \(Date().pg))
                        ON CONFLICT (id) DO NOTHING RETURNING id
                        """, on: connection)
                    if inserted.isEmpty {
                        summary.unchanged += 1
                    } else {
                        try await logChange(.knowledge, id, on: connection)
                        summary.added += 1
                    }
                    continue
                }
                let (storedJSON, source) = try existing.decode((String, String).self)
                if source != "corpus" {
                    summary.kept += 1
                } else if storedJSON == json {
                    summary.unchanged += 1
                } else {
                    try await run("""
                        UPDATE knowledge_entry SET json = \(json), retired = false, updated_at = \(Date().pg) WHERE id = \(id)
                        """, on: connection)
                    try await logChange(.knowledge, id, on: connection)
                    summary.updated += 1
                }
            }
            return summary
        }
    }
}
