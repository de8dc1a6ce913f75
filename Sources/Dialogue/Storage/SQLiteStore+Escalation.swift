import Dialogue
import Foundation
import GRDB
import Retrieval

/// The escalation desk's tables: tickets, their append-only events, units, handlers, the
/// outbox of replies, ratings.
extension SQLiteStore: EscalationStore {

    // MARK: - Tickets

    package func createTicket(_ draft: TicketDraft) async throws -> Ticket {
        try await batcher.commit { db in try Self.insert(draft, in: db) }
    }

    package func recordEscalation(_ draft: TicketDraft, contextMessages: Int,
                                  context: @escaping @Sendable ([StoredMessage]) -> [String], incoming: StoredMessage,
                                  receipt: @escaping @Sendable (Ticket) -> StoredMessage, state: ConversationState)
        async throws -> Ticket
    {
        let stateData = try StoredState.encode(state)
        return try await batcher.commit { db in
            // A conversation erased meanwhile (its state still cached by the dialogue) is told as
            // unknown before anything is written, not as a broken foreign key.
            // (A cached statement: this runs on the writer queue for every ticket.)
            guard try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM conversation WHERE id = ?"),
                                    arguments: [draft.conversation]) == true
            else { throw StoreError.unknownConversation(draft.conversation) }
            var draft = draft
            draft.context = context(try lastMessages(of: draft.conversation, count: contextMessages, in: db))
            let ticket = try Self.insert(draft, in: db)
            let exchange = GroupCommit.Exchange(conversation: draft.conversation, messages: [incoming, receipt(ticket)],
                                                state: stateData)
            guard try GroupCommit.write(exchange, in: db) else { throw StoreError.unknownConversation(draft.conversation) }
            return ticket
        }
    }

    static func insert(_ draft: TicketDraft, in db: Database) throws -> Ticket {
        let context = String(decoding: try JSONEncoder().encode(draft.context), as: UTF8.self)
        let now = draft.createdAt
        try db.cachedStatement(sql: """
                INSERT INTO ticket (conversationId, kind, topic, unit, question, context, status, due, createdAt, updatedAt,
                updateDue, questionFolded) VALUES (?, ?, ?, ?, ?, ?, 'new', ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [draft.conversation, draft.kind.rawValue, draft.topic, draft.unit, draft.question, context,
                              StoredDate.text(draft.due), StoredDate.text(now), StoredDate.text(now),
                              StoredDate.text(draft.updateDue), Diacritics.foldedKey(draft.question)])
        let number = Int(db.lastInsertedRowID)
        try append(TicketEvent(actor: "asker", action: .created, detail: draft.question, date: now), to: number, in: db)
        // Dates as a later read returns them: the stored text decoded the way a read decodes it
        // (rounding the date here instead differed in the last bit now and then, and reading the
        // row back cost the writer queue a statement a ticket: measured 0.8× at 1,000 connections).
        func stored(_ date: Date) -> Date { Date.fromDatabaseValue(StoredDate.text(date).databaseValue) ?? date }
        return Ticket(number: number, conversation: draft.conversation, kind: draft.kind, topic: draft.topic,
                      unit: draft.unit, question: draft.question, context: draft.context, status: .new, handler: nil,
                      due: stored(draft.due), updateDue: stored(draft.updateDue), createdAt: stored(now),
                      updatedAt: stored(now), answeredAt: nil, undelivered: false)
    }

    package func ticket(_ number: Int) async throws -> Ticket? {
        try await writer.read { db in try fetchTicket(number, in: db) }
    }

    package func tickets(unit: String?, statuses: [TicketStatus], limit: Int) async throws -> [Ticket] {
        try await writer.read { db in
            var sql = "SELECT * FROM ticket WHERE status IN (\(databaseQuestionMarks(count: max(statuses.count, 1))))"
            var arguments = StatementArguments(statuses.isEmpty ? [""] : statuses.map(\.rawValue))
            if let unit {
                sql += " AND unit = ?"
                arguments += [unit]
            }
            return tickets(try Row.fetchAll(db, sql: sql + " ORDER BY due, number LIMIT ?", arguments: arguments + [limit]))
        }
    }

    package func searchTickets(unit: String?, words: [String], limit: Int) async throws -> [Ticket] {
        try await writer.read { db in
            // instr, not LIKE: a word with % or _ is looked for as it is. The question was folded
            // when the ticket was raised (a row written without it is folded here).
            var sql = "SELECT * FROM ticket WHERE 1"
            var arguments: StatementArguments = []
            for word in words {
                sql += " AND instr(COALESCE(questionFolded, motcua_folded(question)), ?) > 0"
                arguments += [word]
            }
            if let unit {
                sql += " AND unit = ?"
                arguments += [unit]
            }
            return tickets(try Row.fetchAll(db, sql: sql + " ORDER BY number DESC LIMIT ?", arguments: arguments + [limit]))
        }
    }

    package func tickets(conversation: String) async throws -> [Ticket] {
        try await writer.read { db in
            tickets(try Row.fetchAll(db, sql: "SELECT * FROM ticket WHERE conversationId = ? ORDER BY number DESC",
                                     arguments: [conversation]))
        }
    }

    package func openTicket(conversation: String, question: String) async throws -> Ticket? {
        try await writer.read { db in
            tickets(try Row.fetchAll(
                db, sql: "SELECT * FROM ticket WHERE conversationId = ? AND question = ? AND status IN (\(TicketStatus.openSQL)) "
                    + "ORDER BY number DESC LIMIT 1",
                arguments: [conversation, question])).first
        }
    }

    package func events(of ticket: Int) async throws -> [TicketEvent] {
        try await writer.read { db in
            let rows = try TicketEventRow.filter(TicketEventRow.Columns.ticket == ticket).order(TicketEventRow.Columns.id)
                .asRequest(of: Row.self).fetchAll(db)
            return unreadable.decode(rows, as: TicketEventRow.self, key: { "\($0["id"] as Int64? ?? 0) of ticket \(ticket)" }) {
                $0.event
            }
        }
    }

    package func updateTicket(_ number: Int, event: TicketEvent,
                              change: @escaping @Sendable (inout Ticket) throws -> Void) async throws -> Ticket
    {
        try await batcher.commit { db in
            guard var ticket = try fetchTicket(number, in: db) else { throw EscalationError.unknownTicket(number) }
            try change(&ticket)
            ticket.updatedAt = event.date
            try Self.save(ticket, in: db)
            try Self.append(event, to: number, in: db)
            return ticket
        }
    }

    package func sendToAsker(_ number: Int, kind: Delivery.Kind, event: TicketEvent, learned: LearnedEntry?,
                             state: ConversationState?, change: @escaping @Sendable (inout Ticket) throws -> Void)
        async throws -> (Ticket, Delivery)
    {
        let learnedJSON = try learned.flatMap { learned -> Data? in
            guard case .live(let entry) = learned else { return nil }
            return try Self.entryEncoder.encode(entry)
        }
        let stateData = try state.map { try JSONEncoder().encode($0) }
        return try await batcher.commit { db in
            guard var ticket = try fetchTicket(number, in: db) else { throw EscalationError.unknownTicket(number) }
            try change(&ticket)
            ticket.updatedAt = event.date
            try Self.save(ticket, in: db)
            try Self.append(event, to: number, in: db)
            try db.execute(
                sql: "INSERT INTO delivery (conversationId, ticket, unit, text, createdAt, kind) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [ticket.conversation, number, ticket.unit, event.detail, StoredDate.text(event.date),
                            kind.rawValue])
            let identity = try Row.fetchOne(db, sql: "SELECT channel, user FROM conversation WHERE id = ?",
                                            arguments: [ticket.conversation])
            let delivery = Delivery(id: Int(db.lastInsertedRowID), kind: kind, conversation: ticket.conversation,
                                    ticket: number, unit: ticket.unit, text: event.detail, createdAt: event.date,
                                    channel: identity?["channel"], user: identity?["user"])
            switch learned {
            case .live(let entry)?:
                try Self.upsertEntry(id: entry.id, json: learnedJSON!, source: "ticket:\(number)", in: db)
            case .draft(let draft)?:
                try Self.saveDraft(draft, in: db)
            case nil:
                break
            }
            if let stateData {
                try db.execute(sql: "UPDATE conversation SET state = ?, updatedAt = ? WHERE id = ?",
                               arguments: [stateData, StoredDate.text(event.date), ticket.conversation])
            }
            return (ticket, delivery)
        }
    }

    package func recordTicketMessage(_ number: Int, event: TicketEvent, messages: [StoredMessage], state: ConversationState,
                                     change: @escaping @Sendable (inout Ticket) throws -> Void) async throws -> Ticket
    {
        let stateData = try StoredState.encode(state)
        return try await batcher.commit { db in
            guard var ticket = try fetchTicket(number, in: db) else { throw EscalationError.unknownTicket(number) }
            try change(&ticket)
            ticket.updatedAt = event.date
            try Self.save(ticket, in: db)
            try Self.append(event, to: number, in: db)
            let exchange = GroupCommit.Exchange(conversation: ticket.conversation, messages: messages, state: stateData)
            guard try GroupCommit.write(exchange, in: db) else { throw StoreError.unknownConversation(ticket.conversation) }
            return ticket
        }
    }

    package func remindUpdates(at now: Date) async throws -> [Ticket] {
        let nowText = StoredDate.text(now)
        return try await batcher.commit { db in
            let rows = try Row.fetchAll(
                db, sql: """
                    SELECT * FROM ticket WHERE status IN (\(TicketStatus.openSQL)) AND updateDue <= ?
                    AND (remindedAt IS NULL OR remindedAt < updateDue) ORDER BY updateDue LIMIT 1000
                    """, arguments: [nowText])
            // Every row found is marked, a row that cannot be read too (reported once, not every minute).
            for row in rows {
                try db.execute(sql: "UPDATE ticket SET remindedAt = ? WHERE number = ?", arguments: [nowText, row["number"] as Int])
            }
            return tickets(rows)
        }
    }

    /// One ticket; one this version cannot read is reported and fails the read.
    func fetchTicket(_ number: Int, in db: Database) throws -> Ticket? {
        try unreadable.decodeOne(try Row.fetchOne(db, sql: "SELECT * FROM ticket WHERE number = ?", arguments: [number]),
                                 as: TicketRow.self, key: { _ in "\(number)" }) { try $0.ticket() }
    }

    /// The tickets of `rows`, but those this version cannot read (reported).
    func tickets(_ rows: [Row]) -> [Ticket] {
        unreadable.decode(rows, as: TicketRow.self, key: { "\($0["number"] as Int? ?? 0)" }) { try $0.ticket() }
    }

    static func save(_ ticket: Ticket, in db: Database) throws {
        try db.execute(
            sql: """
                UPDATE ticket SET kind = ?, topic = ?, unit = ?, status = ?, handler = ?, due = ?, updatedAt = ?,
                answeredAt = ?, undelivered = ?, updateDue = ? WHERE number = ?
                """,
            arguments: [ticket.kind.rawValue, ticket.topic, ticket.unit, ticket.status.rawValue, ticket.handler,
                        StoredDate.text(ticket.due), StoredDate.text(ticket.updatedAt),
                        ticket.answeredAt.map(StoredDate.text), ticket.undelivered, StoredDate.text(ticket.updateDue),
                        ticket.number])
    }

    static func append(_ event: TicketEvent, to ticket: Int, in db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO ticketEvent (ticket, actor, action, detail, date) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [ticket, event.actor, event.action.rawValue, event.detail, StoredDate.text(event.date)])
    }

    // MARK: - Outbox

    package func pendingDeliveries(conversation: String, limit: Int) async throws -> [Delivery] {
        try await writer.read { db in
            try pendingDeliveries(db, sql: """
                SELECT d.*, c.channel, c.user FROM delivery d JOIN conversation c ON c.id = d.conversationId
                WHERE d.conversationId = ? AND d.ackedAt IS NULL ORDER BY d.id LIMIT ?
                """, arguments: [conversation, limit])
        }
    }

    package func pendingDeliveries(channel: String, after: Int, limit: Int) async throws -> [Delivery] {
        try await writer.read { db in
            try pendingDeliveries(db, sql: """
                SELECT d.*, c.channel, c.user FROM delivery d JOIN conversation c ON c.id = d.conversationId
                WHERE d.ackedAt IS NULL AND d.id > ? AND c.channel = ? ORDER BY d.id LIMIT ?
                """, arguments: [after, channel, limit])
        }
    }

    package func backlog(at now: Date) async throws -> DeskBacklog {
        let nowText = StoredDate.text(now)
        return try await writer.read { db in
            var overdue: [String: Int] = [:]
            // Open tickets are found by the (status, updateDue) index; they are few.
            for row in try Row.fetchAll(
                db, sql: "SELECT unit, COUNT(*) AS n FROM ticket WHERE status IN (\(TicketStatus.openSQL)) AND due < ? GROUP BY unit",
                arguments: [nowText])
            {
                overdue[row["unit"]] = row["n"]
            }
            var outbox: [String: DeskBacklog.Outbox] = [:]
            // The unacknowledged rows come from the `delivery_pending` partial index.
            for row in try Row.fetchAll(
                db, sql: """
                    SELECT COALESCE(c.channel, 'direct') AS channel, COUNT(*) AS n,
                           (julianday(?) - julianday(MIN(d.createdAt))) * 86400 AS age
                    FROM delivery d JOIN conversation c ON c.id = d.conversationId
                    WHERE d.ackedAt IS NULL GROUP BY 1
                    """, arguments: [nowText])
            {
                let age: Double? = row["age"]
                outbox[row["channel"]] = DeskBacklog.Outbox(count: row["n"], oldestSeconds: max(0, age ?? 0))
            }
            return DeskBacklog(overdue: overdue, outbox: outbox)
        }
    }

    /// Deliveries with their conversation's channel and user; unreadable rows reported and left out.
    func pendingDeliveries(_ db: Database, sql: String, arguments: StatementArguments) throws -> [Delivery] {
        let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
        return rows.compactMap { row in
            guard var delivery = unreadable.decode([row], as: DeliveryRow.self, key: { "\($0["id"] as Int? ?? 0)" }, { $0.delivery })
                .first
            else { return nil }
            delivery.channel = row["channel"]
            delivery.user = row["user"]
            return delivery
        }
    }

    package func markUndelivered(delivery: Int, conversation: String, reason: String?, attempts: Int, at date: Date)
        async throws -> Bool
    {
        try await batcher.commit { db in
            guard let ticket = try Int.fetchOne(
                db, sql: "SELECT ticket FROM delivery WHERE id = ? AND conversationId = ? AND ackedAt IS NULL",
                arguments: [delivery, conversation])
            else { return false }
            // A report without a reason keeps the one given before.
            try db.execute(sql: "UPDATE delivery SET attempts = attempts + ?, failure = COALESCE(?, failure), failedAt = ? WHERE id = ?",
                           arguments: [max(attempts, 0), reason, StoredDate.text(date), delivery])
            try db.execute(sql: "UPDATE ticket SET undelivered = 1 WHERE number = ?", arguments: [ticket])
            let detail = "\(delivery)" + (reason.map { ": \($0)" } ?? "")
            try Self.append(TicketEvent(actor: "gateway", action: .undelivered, detail: detail, date: date), to: ticket, in: db)
            return true
        }
    }

    package func deliveryStates(ticket: Int) async throws -> [DeliveryState] {
        try await writer.read { db in
            let rows = try DeliveryRow.filter(DeliveryRow.Columns.ticket == ticket).order(DeliveryRow.Columns.id)
                .asRequest(of: Row.self).fetchAll(db)
            return unreadable.decode(rows, as: DeliveryRow.self, key: { "\($0["id"] as Int? ?? 0)" }) { $0.state }
        }
    }

    package func acknowledge(delivery: Int, conversation: String, at now: Date) async throws -> Bool {
        try await batcher.commit { db in
            guard let ticket = try Int.fetchOne(
                db, sql: "SELECT ticket FROM delivery WHERE id = ? AND conversationId = ?",
                arguments: [delivery, conversation])
            else { return false }
            try db.execute(sql: "UPDATE delivery SET ackedAt = ? WHERE id = ? AND ackedAt IS NULL",
                           arguments: [StoredDate.text(now), delivery])
            if db.changesCount == 1 {
                try db.execute(sql: "UPDATE ticket SET undelivered = 0 WHERE number = ?", arguments: [ticket])
                try Self.append(TicketEvent(actor: "asker", action: .delivered, detail: "\(delivery)", date: now),
                                to: ticket, in: db)
            }
            return true
        }
    }

    // MARK: - Ratings

    package func rate(ticket: Int, score: Int, comment: String?, at now: Date) async throws {
        try await batcher.commit { db in
            // One rating per ticket: a new one replaces the old (the trail keeps both).
            try db.execute(
                sql: """
                    INSERT INTO rating (ticket, score, comment, date) VALUES (?, ?, ?, ?)
                    ON CONFLICT(ticket) DO UPDATE SET score = excluded.score, comment = excluded.comment, date = excluded.date
                    """,
                arguments: [ticket, score, comment, StoredDate.text(now)])
            try Self.append(TicketEvent(actor: "asker", action: .rated, detail: "\(score)" + (comment.map { ": \($0)" } ?? ""),
                                        date: now), to: ticket, in: db)
        }
    }

    // MARK: - Units and handlers

    package func units() async throws -> [UnitRecord] {
        try await writer.read { db in
            unreadable.decode(try UnitRow.order(UnitRow.Columns.id).asRequest(of: Row.self).fetchAll(db), as: UnitRow.self,
                              key: { $0["id"] as String? ?? "?" }) { $0.unit }
        }
    }

    package func saveUnits(_ units: [UnitRecord]) async throws {
        try await writer.write { db in
            for unit in units {
                try db.execute(
                    sql: "INSERT INTO unit (id, name, answers) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, answers = excluded.answers",
                    arguments: [unit.id, unit.name, unit.answers])
            }
        }
    }

    package func addHandler(_ handler: Handler, secretHash: Data) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO handler (id, unit, name, admin, secretHash, revoked, createdAt, reviewer, expiresAt)
                    VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)
                    """,
                arguments: [handler.id, handler.unit, handler.name, handler.admin, secretHash, StoredDate.text(Date()),
                            handler.reviewer, handler.expiresAt.map(StoredDate.text)])
        }
    }

    package func handler(_ id: String) async throws -> (Handler, secretHash: Data)? {
        try await writer.read { db in
            try unreadable.decodeOne(try Row.fetchOne(db, sql: "SELECT * FROM handler WHERE id = ?", arguments: [id]),
                                     as: HandlerRow.self, key: { _ in id }) { ($0.handler, $0.secretHash) }
        }
    }

    package func handlers() async throws -> [Handler] {
        try await writer.read { db in
            unreadable.decode(try HandlerRow.order(HandlerRow.Columns.unit, HandlerRow.Columns.name).asRequest(of: Row.self)
                .fetchAll(db), as: HandlerRow.self, key: { $0["id"] as String? ?? "?" }) { $0.handler }
        }
    }

    package func revokeHandler(_ id: String) async throws -> Bool {
        try await revoke(id, in: HandlerRow.databaseTableName)
    }

    /// Marks the token of a handler or gateway revoked; false when there is no such id.
    func revoke(_ id: String, in table: String) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "UPDATE \(table) SET revoked = 1 WHERE id = ?", arguments: [id])
            return db.changesCount == 1
        }
    }

    // MARK: - Gateways

    package func addGateway(_ gateway: Gateway, secretHash: Data) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "INSERT INTO gateway (id, channel, name, secretHash, revoked, createdAt) VALUES (?, ?, ?, ?, 0, ?)",
                arguments: [gateway.id, gateway.channel, gateway.name, secretHash, StoredDate.text(gateway.createdAt)])
        }
    }

    package func gateway(_ id: String) async throws -> (Gateway, secretHash: Data)? {
        try await writer.read { db in
            try unreadable.decodeOne(try Row.fetchOne(db, sql: "SELECT * FROM gateway WHERE id = ?", arguments: [id]),
                                     as: GatewayRow.self, key: { _ in id }) { ($0.gateway, $0.secretHash) }
        }
    }

    package func gateways() async throws -> [Gateway] {
        try await writer.read { db in
            unreadable.decode(try GatewayRow.order(GatewayRow.Columns.channel, GatewayRow.Columns.name).asRequest(of: Row.self)
                .fetchAll(db), as: GatewayRow.self, key: { $0["id"] as String? ?? "?" }) { $0.gateway }
        }
    }

    package func revokeGateway(_ id: String) async throws -> Bool {
        try await revoke(id, in: GatewayRow.databaseTableName)
    }

    // MARK: - Knowledge

    static let entryEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    package func saveEntry(_ entry: KnowledgeEntry, source: String) async throws {
        let json = try Self.entryEncoder.encode(entry)
        try await writer.write { db in try Self.upsertEntry(id: entry.id, json: json, source: source, in: db) }
    }

    package func entry(_ id: String) async throws -> KnowledgeEntry? {
        try await writer.read { db in
            try Data.fetchOne(db, sql: "SELECT json FROM knowledgeEntry WHERE id = ?", arguments: [id])
                .map { try JSONDecoder().decode(KnowledgeEntry.self, from: $0) }
        }
    }

    package func retireEntry(_ id: String) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "UPDATE knowledgeEntry SET retired = 1, updatedAt = ? WHERE id = ? AND NOT retired",
                           arguments: [StoredDate.text(Date()), id])
            return db.changesCount == 1
        }
    }

    static func upsertEntry(id: String, json: Data, source: String, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO knowledgeEntry (id, json, source, retired, updatedAt) VALUES (?, ?, ?, 0, ?)
                ON CONFLICT(id) DO UPDATE SET json = excluded.json, source = excluded.source, retired = 0,
                updatedAt = excluded.updatedAt
                """,
            arguments: [id, json, source, StoredDate.text(Date())])
    }
}
