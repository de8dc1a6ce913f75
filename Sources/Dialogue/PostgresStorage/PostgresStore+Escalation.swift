import Dialogue
import Foundation
import PostgresNIO
import Retrieval

/// The desk's tables: tickets and their events, the outbox, ratings, units, handlers,
/// gateways, learned knowledge.
extension PostgresStore: EscalationStore {

    // MARK: - Tickets

    package func createTicket(_ draft: TicketDraft) async throws -> Ticket {
        try await transaction { connection in try await insert(draft, on: connection) }
    }

    package func recordEscalation(_ draft: TicketDraft, contextMessages: Int,
                                  context: @escaping @Sendable ([StoredMessage]) -> [String], incoming: StoredMessage,
                                  receipt: @escaping @Sendable (Ticket) -> StoredMessage, state: ConversationState)
        async throws -> Ticket
    {
        let stateText = try Self.json(state)
        return try await transaction { connection in
            // A conversation erased meanwhile is told as unknown before anything is written.
            guard !(try await rows("SELECT 1 FROM conversation WHERE id = \(draft.conversation)", on: connection)).isEmpty else {
                throw StoreError.unknownConversation(draft.conversation)
            }
            var draft = draft
            draft.context = context(try await lastMessages(of: draft.conversation, count: contextMessages, on: connection))
            let ticket = try await insert(draft, on: connection)
            guard try await write([incoming, receipt(ticket)], state: stateText, of: draft.conversation, on: connection) else {
                throw StoreError.unknownConversation(draft.conversation)
            }
            return ticket
        }
    }

    /// Inserts a ticket (its number from the sequence) and its first event; logs it for the
    /// other daemons' handlers.
    func insert(_ draft: TicketDraft, on connection: PostgresConnection) async throws -> Ticket {
        let now = draft.createdAt.pg
        let rows = try await rows("""
            INSERT INTO ticket (conversation_id, kind, topic, unit, question, question_folded, context, status, due, update_due,
                                created_at, updated_at)
            VALUES (\(draft.conversation), \(draft.kind.rawValue), \(draft.topic), \(draft.unit), \(draft.question),
                    \(Diacritics.foldedKey(draft.question)), \(try Self.json(draft.context)), 'new', \(draft.due.pg),
                    \(draft.updateDue.pg), \(now), \(now))
            RETURNING \(unescaped: Self.ticketColumns)
            """, on: connection)
        guard let row = rows.first, let ticket = ticket(from: row) else { throw StoreError.unknownConversation(draft.conversation) }
        try await append(TicketEvent(actor: "asker", action: .created, detail: draft.question, date: draft.createdAt),
                         to: ticket.number, on: connection)
        try await logChange(.ticket, "\(ticket.number)", detail: TicketNotice.raised.rawValue, on: connection)
        return ticket
    }

    package func ticket(_ number: Int) async throws -> Ticket? {
        try await withConnection { connection in try await fetchTicket(number, on: connection) }
    }

    func fetchTicket(_ number: Int, lock: Bool = false, on connection: PostgresConnection) async throws -> Ticket? {
        guard let row = try await rows("""
            SELECT \(unescaped: Self.ticketColumns) FROM ticket WHERE number = \(number)\(unescaped: lock ? " FOR UPDATE" : "")
            """, on: connection).first
        else { return nil }
        guard let ticket = ticket(from: row) else { throw StoreError.unreadable("ticket \(number)") }
        return ticket
    }

    package func tickets(unit: String?, statuses: [TicketStatus], limit: Int) async throws -> [Ticket] {
        try await withConnection { connection in
            try await rows("""
                SELECT \(unescaped: Self.ticketColumns) FROM ticket WHERE status = ANY(\(statuses.map(\.rawValue)))
                AND (\(unit)::text IS NULL OR unit = \(unit)) ORDER BY due, number LIMIT \(limit)
                """, on: connection).compactMap(ticket(from:))
        }
    }

    package func searchTickets(unit: String?, words: [String], limit: Int) async throws -> [Ticket] {
        try await withConnection { connection in
            // strpos, not LIKE: a word with % or _ is looked for as it is.
            var query: PostgresQuery = "SELECT \(unescaped: Self.ticketColumns) FROM ticket WHERE (\(unit)::text IS NULL OR unit = \(unit))"
            for word in words {
                var binds = query.binds
                try binds.append(word, context: .default)
                query = PostgresQuery(unsafeSQL: query.sql + " AND strpos(question_folded, $\(binds.count)) > 0", binds: binds)
            }
            var binds = query.binds
            try binds.append(limit, context: .default)
            query = PostgresQuery(unsafeSQL: query.sql + " ORDER BY number DESC LIMIT $\(binds.count)", binds: binds)
            return try await rows(query, on: connection).compactMap(ticket(from:))
        }
    }

    package func tickets(conversation: String) async throws -> [Ticket] {
        try await withConnection { connection in
            try await rows("""
                SELECT \(unescaped: Self.ticketColumns) FROM ticket WHERE conversation_id = \(conversation) ORDER BY number DESC
                """, on: connection).compactMap(ticket(from:))
        }
    }

    package func openTicket(conversation: String, question: String) async throws -> Ticket? {
        try await withConnection { connection in
            try await rows("""
                SELECT \(unescaped: Self.ticketColumns) FROM ticket WHERE conversation_id = \(conversation)
                AND question = \(question) AND status = ANY(\(TicketStatus.open.map(\.rawValue))) ORDER BY number DESC LIMIT 1
                """, on: connection).compactMap(ticket(from:)).first
        }
    }

    package func events(of ticket: Int) async throws -> [TicketEvent] {
        try await withConnection { connection in
            try await rows("SELECT id, actor, action, detail, date FROM ticket_event WHERE ticket = \(ticket) ORDER BY id",
                           on: connection).compactMap { row in
                guard let (id, actor, action, detail, date) = try? row.decode((Int, String, String, String, Date).self) else {
                    return nil
                }
                guard let action = TicketAction(rawValue: action) else {
                    unreadable("ticketEvent", "\(id) of ticket \(ticket)")
                    return nil
                }
                return TicketEvent(actor: actor, action: action, detail: detail, date: date)
            }
        }
    }

    /// Reads a ticket under a row lock, lets `change` edit it, saves it with `event`.
    func change(_ number: Int, event: TicketEvent, on connection: PostgresConnection,
                _ change: @Sendable (inout Ticket) throws -> Void) async throws -> Ticket
    {
        guard var ticket = try await fetchTicket(number, lock: true, on: connection) else {
            throw EscalationError.unknownTicket(number)
        }
        try change(&ticket)
        ticket.updatedAt = event.date
        try await save(ticket, on: connection)
        try await append(event, to: number, on: connection)
        return ticket
    }

    package func updateTicket(_ number: Int, event: TicketEvent,
                              change: @escaping @Sendable (inout Ticket) throws -> Void) async throws -> Ticket
    {
        try await transaction { connection in try await self.change(number, event: event, on: connection, change) }
    }

    package func sendToAsker(_ number: Int, kind: Delivery.Kind, event: TicketEvent, learned: LearnedEntry?,
                             state: ConversationState?, change: @escaping @Sendable (inout Ticket) throws -> Void)
        async throws -> (Ticket, Delivery)
    {
        let stateText = try state.map { try Self.json($0) }
        return try await transaction { connection in
            let ticket = try await self.change(number, event: event, on: connection, change)
            let rows = try await rows("""
                WITH d AS (INSERT INTO delivery (conversation_id, ticket, unit, text, created_at, kind)
                           VALUES (\(ticket.conversation), \(number), \(ticket.unit), \(event.detail), \(event.date.pg),
                                   \(kind.rawValue))
                           RETURNING *)
                SELECT \(unescaped: Self.deliveryColumns) FROM d JOIN conversation c ON c.id = d.conversation_id
                """, on: connection)
            guard let row = rows.first, let delivery = delivery(from: row) else {
                throw StoreError.unknownConversation(ticket.conversation)
            }
            try await logChange(.reply, "\(delivery.id)", on: connection)
            switch learned {
            case .live(let entry)?:
                try await upsertEntry(entry, source: "ticket:\(number)", on: connection)
            case .draft(let draft)?:
                try await saveDraft(draft, on: connection)
            case nil:
                break
            }
            if let stateText {
                try await run("""
                    UPDATE conversation SET state = \(stateText), updated_at = \(event.date.pg) WHERE id = \(ticket.conversation)
                    """, on: connection)
            }
            return (ticket, delivery)
        }
    }

    package func recordTicketMessage(_ number: Int, event: TicketEvent, messages: [StoredMessage], state: ConversationState,
                                     change: @escaping @Sendable (inout Ticket) throws -> Void) async throws -> Ticket
    {
        let stateText = try Self.json(state)
        return try await transaction { connection in
            let ticket = try await self.change(number, event: event, on: connection, change)
            guard try await write(messages, state: stateText, of: ticket.conversation, on: connection) else {
                throw StoreError.unknownConversation(ticket.conversation)
            }
            return ticket
        }
    }

    package func remindUpdates(at now: Date) async throws -> [Ticket] {
        // One daemon's upkeep takes each owed reminder: the rows are marked in the statement
        // that finds them, and a second daemon skips the rows the first has locked.
        try await withConnection { connection in
            try await rows("""
                UPDATE ticket SET reminded_at = \(now.pg) WHERE number IN (
                    SELECT number FROM ticket WHERE status = ANY(\(TicketStatus.open.map(\.rawValue))) AND update_due <= \(now.pg)
                    AND (reminded_at IS NULL OR reminded_at < update_due) ORDER BY update_due LIMIT 1000
                    FOR UPDATE SKIP LOCKED)
                RETURNING \(unescaped: Self.ticketColumns)
                """, on: connection).compactMap(ticket(from:)).sorted { ($0.updateDue, $0.number) < ($1.updateDue, $1.number) }
        }
    }

    func save(_ ticket: Ticket, on connection: PostgresConnection) async throws {
        try await run("""
            UPDATE ticket SET kind = \(ticket.kind.rawValue), topic = \(ticket.topic), unit = \(ticket.unit),
            status = \(ticket.status.rawValue), handler = \(ticket.handler), due = \(ticket.due.pg),
            updated_at = \(ticket.updatedAt.pg), answered_at = \(ticket.answeredAt.pg), undelivered = \(ticket.undelivered),
            update_due = \(ticket.updateDue.pg) WHERE number = \(ticket.number)
            """, on: connection)
    }

    func append(_ event: TicketEvent, to ticket: Int, on connection: PostgresConnection) async throws {
        try await run("""
            INSERT INTO ticket_event (ticket, actor, action, detail, date)
            VALUES (\(ticket), \(event.actor), \(event.action.rawValue), \(event.detail), \(event.date.pg))
            """, on: connection)
    }

    // MARK: - Outbox

    package func pendingDeliveries(conversation: String, limit: Int) async throws -> [Delivery] {
        try await withConnection { connection in
            try await rows("""
                SELECT \(unescaped: Self.deliveryColumns) FROM delivery d JOIN conversation c ON c.id = d.conversation_id
                WHERE d.conversation_id = \(conversation) AND d.acked_at IS NULL ORDER BY d.id LIMIT \(limit)
                """, on: connection).compactMap(delivery(from:))
        }
    }

    package func pendingDeliveries(channel: String, after: Int, limit: Int) async throws -> [Delivery] {
        try await withConnection { connection in
            try await rows("""
                SELECT \(unescaped: Self.deliveryColumns) FROM delivery d JOIN conversation c ON c.id = d.conversation_id
                WHERE d.acked_at IS NULL AND d.id > \(after) AND c.channel = \(channel) ORDER BY d.id LIMIT \(limit)
                """, on: connection).compactMap(delivery(from:))
        }
    }

    package func backlog(at now: Date) async throws -> DeskBacklog {
        try await withConnection { connection in
            var overdue: [String: Int] = [:]
            for row in try await rows("""
                SELECT unit, count(*)::bigint FROM ticket WHERE status = ANY(\(TicketStatus.open.map(\.rawValue))) AND due < \(now.pg)
                GROUP BY unit
                """, on: connection)
            {
                let (unit, count) = try row.decode((String, Int).self)
                overdue[unit] = count
            }
            var outbox: [String: DeskBacklog.Outbox] = [:]
            // The unacknowledged rows come from the `delivery_pending` partial index.
            for row in try await rows("""
                SELECT COALESCE(c.channel, 'direct'), count(*)::bigint, extract(epoch FROM \(now.pg) - min(d.created_at))::float8
                FROM delivery d JOIN conversation c ON c.id = d.conversation_id WHERE d.acked_at IS NULL GROUP BY 1
                """, on: connection)
            {
                let (channel, count, age) = try row.decode((String, Int, Double?).self)
                outbox[channel] = DeskBacklog.Outbox(count: count, oldestSeconds: max(0, age ?? 0))
            }
            return DeskBacklog(overdue: overdue, outbox: outbox)
        }
    }

    /// One delivery by id, with its conversation's channel and user (the change log's replies).
    func delivery(_ id: Int, on connection: PostgresConnection) async throws -> Delivery? {
        try await rows("""
            SELECT \(unescaped: Self.deliveryColumns) FROM delivery d JOIN conversation c ON c.id = d.conversation_id
            WHERE d.id = \(id) AND d.acked_at IS NULL
            """, on: connection).first.flatMap(delivery(from:))
    }

    package func markUndelivered(delivery: Int, conversation: String, reason: String?, attempts: Int, at date: Date)
        async throws -> Bool
    {
        try await transaction { connection in
            guard let row = try await rows("""
                SELECT ticket FROM delivery WHERE id = \(delivery) AND conversation_id = \(conversation) AND acked_at IS NULL
                FOR UPDATE
                """, on: connection).first
            else { return false }
            let ticket = try row.decode(Int.self)
            // A report without a reason keeps the one given before.
            try await run("""
                UPDATE delivery SET attempts = attempts + \(max(attempts, 0)), failure = COALESCE(\(reason), failure),
                failed_at = \(date.pg) WHERE id = \(delivery)
                """, on: connection)
            try await run("UPDATE ticket SET undelivered = true WHERE number = \(ticket)", on: connection)
            let detail = "\(delivery)" + (reason.map { ": \($0)" } ?? "")
            try await append(TicketEvent(actor: "gateway", action: .undelivered, detail: detail, date: date), to: ticket,
                             on: connection)
            return true
        }
    }

    package func deliveryStates(ticket: Int) async throws -> [DeliveryState] {
        try await withConnection { connection in
            try await rows("""
                SELECT id, kind, created_at, acked_at, attempts, failure, failed_at FROM delivery WHERE ticket = \(ticket) ORDER BY id
                """, on: connection).compactMap { row in
                guard let (id, kind, created, acked, attempts, failure, failed) = try? row.decode(
                    (Int, String, Date, Date?, Int, String?, Date?).self),
                    let kind = Delivery.Kind(rawValue: kind)
                else {
                    unreadable("delivery", "of ticket \(ticket)")
                    return nil
                }
                let status: DeliveryState.Status = acked != nil ? .delivered : failed != nil ? .undelivered : .pending
                return DeliveryState(delivery: id, kind: kind, createdAt: created, status: status, attempts: attempts,
                                     reason: status == .undelivered ? failure : nil, at: acked ?? failed)
            }
        }
    }

    package func acknowledge(delivery: Int, conversation: String, at now: Date) async throws -> Bool {
        try await transaction { connection in
            guard let row = try await rows("""
                SELECT ticket FROM delivery WHERE id = \(delivery) AND conversation_id = \(conversation)
                """, on: connection).first
            else { return false }
            let ticket = try row.decode(Int.self)
            let acked = try await rows("""
                UPDATE delivery SET acked_at = \(now.pg) WHERE id = \(delivery) AND acked_at IS NULL RETURNING id
                """, on: connection)
            if !acked.isEmpty {
                try await run("UPDATE ticket SET undelivered = false WHERE number = \(ticket)", on: connection)
                try await append(TicketEvent(actor: "asker", action: .delivered, detail: "\(delivery)", date: now), to: ticket,
                                 on: connection)
            }
            return true
        }
    }

    // MARK: - Ratings

    package func rate(ticket: Int, score: Int, comment: String?, at now: Date) async throws {
        try await transaction { connection in
            // One rating per ticket: a new one replaces the old (the trail keeps both).
            try await run("""
                INSERT INTO rating (ticket, score, comment, date) VALUES (\(ticket), \(score), \(comment), \(now.pg))
                ON CONFLICT (ticket) DO UPDATE SET score = excluded.score, comment = excluded.comment, date = excluded.date
                """, on: connection)
            try await append(TicketEvent(actor: "asker", action: .rated, detail: "\(score)" + (comment.map { ": \($0)" } ?? ""),
                                         date: now), to: ticket, on: connection)
        }
    }

    // MARK: - Units, handlers, gateways

    package func units() async throws -> [UnitRecord] {
        try await withConnection { connection in
            try await rows("SELECT id, name, answers FROM unit ORDER BY id", on: connection).map {
                let (id, name, answers) = try $0.decode((String, String, String).self)
                return UnitRecord(id: id, name: name, answers: answers)
            }
        }
    }

    package func saveUnits(_ units: [UnitRecord]) async throws {
        try await transaction { connection in
            for unit in units {
                try await run("""
                    INSERT INTO unit (id, name, answers) VALUES (\(unit.id), \(unit.name), \(unit.answers))
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, answers = excluded.answers
                    """, on: connection)
            }
        }
    }

    package func addHandler(_ handler: Handler, secretHash: Data) async throws {
        try await withConnection { connection in
            try await run("""
                INSERT INTO handler (id, unit, name, admin, secret_hash, revoked, created_at, reviewer, expires_at)
                VALUES (\(handler.id), \(handler.unit), \(handler.name), \(handler.admin), \(secretHash), false, \(Date().pg),
                        \(handler.reviewer), \(handler.expiresAt.pg))
                """, on: connection)
        }
    }

    static let handlerColumns = "id, unit, name, admin, revoked, reviewer, expires_at, secret_hash"

    func handler(from row: PostgresRow) throws -> (Handler, Data) {
        let (id, unit, name, admin, revoked, reviewer, expires, hash) = try row.decode(
            (String, String, String, Bool, Bool, Bool, Date?, Data).self)
        return (Handler(id: id, unit: unit, name: name, admin: admin, revoked: revoked, reviewer: reviewer, expiresAt: expires),
                hash)
    }

    package func handler(_ id: String) async throws -> (Handler, secretHash: Data)? {
        try await withConnection { connection in
            try await rows("SELECT \(unescaped: Self.handlerColumns) FROM handler WHERE id = \(id)", on: connection).first
                .map { try handler(from: $0) }
        }
    }

    package func handlers() async throws -> [Handler] {
        try await withConnection { connection in
            try await rows("SELECT \(unescaped: Self.handlerColumns) FROM handler ORDER BY unit, name", on: connection)
                .map { try handler(from: $0).0 }
        }
    }

    package func revokeHandler(_ id: String) async throws -> Bool {
        try await withConnection { connection in
            !(try await rows("UPDATE handler SET revoked = true WHERE id = \(id) RETURNING id", on: connection)).isEmpty
        }
    }

    package func addGateway(_ gateway: Gateway, secretHash: Data) async throws {
        try await withConnection { connection in
            try await run("""
                INSERT INTO gateway (id, channel, name, secret_hash, revoked, created_at)
                VALUES (\(gateway.id), \(gateway.channel), \(gateway.name), \(secretHash), false, \(gateway.createdAt.pg))
                """, on: connection)
        }
    }

    func gateway(from row: PostgresRow) throws -> (Gateway, Data) {
        let (id, channel, name, revoked, created, hash) = try row.decode((String, String, String, Bool, Date, Data).self)
        return (Gateway(id: id, channel: channel, name: name, revoked: revoked, createdAt: created), hash)
    }

    package func gateway(_ id: String) async throws -> (Gateway, secretHash: Data)? {
        try await withConnection { connection in
            try await rows("SELECT id, channel, name, revoked, created_at, secret_hash FROM gateway WHERE id = \(id)",
                           on: connection).first.map { try gateway(from: $0) }
        }
    }

    package func gateways() async throws -> [Gateway] {
        try await withConnection { connection in
            try await rows("SELECT id, channel, name, revoked, created_at, secret_hash FROM gateway ORDER BY channel, name",
                           on: connection).map { try gateway(from: $0).0 }
        }
    }

    package func revokeGateway(_ id: String) async throws -> Bool {
        try await withConnection { connection in
            !(try await rows("UPDATE gateway SET revoked = true WHERE id = \(id) RETURNING id", on: connection)).isEmpty
        }
    }

    // MARK: - Knowledge

    package func saveEntry(_ entry: KnowledgeEntry, source: String) async throws {
        try await transaction { connection in try await upsertEntry(entry, source: source, on: connection) }
    }

    package func entry(_ id: String) async throws -> KnowledgeEntry? {
        try await withConnection { connection in
            try await rows("SELECT json FROM knowledge_entry WHERE id = \(id)", on: connection).first.map {
                try JSONDecoder().decode(KnowledgeEntry.self, from: Data(try $0.decode(String.self).utf8))
            }
        }
    }

    package func retireEntry(_ id: String) async throws -> Bool {
        try await transaction { connection in
            let retired = try await rows("""
                UPDATE knowledge_entry SET retired = true, updated_at = \(Date().pg) WHERE id = \(id) AND NOT retired RETURNING id
                """, on: connection)
            guard !retired.isEmpty else { return false }
            try await logChange(.knowledge, id, on: connection)
            return true
        }
    }

    /// Saves a learned or edited entry (live at once) and logs it for the other daemons' indexes.
    func upsertEntry(_ entry: KnowledgeEntry, source: String, on connection: PostgresConnection) async throws {
        try await run("""
            INSERT INTO knowledge_entry (id, json, source, retired, updated_at) VALUES (\(entry.id), \(try Self.json(entry)),
                \(source), false, \(Date().pg))
            ON CONFLICT (id) DO UPDATE SET json = excluded.json, source = excluded.source, retired = false,
                updated_at = excluded.updated_at
            """, on: connection)
        try await logChange(.knowledge, entry.id, on: connection)
    }
}
