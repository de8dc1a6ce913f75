import Foundation
import Retrieval

/// The storage interface of the escalation desk, owned by Dialogue like `ConversationStore`:
/// tickets and their audit trail, units and handlers, the outbox of replies on their way to
/// askers, ratings, and the knowledge the desk learns. Every method that changes something
/// returns only after its transaction is committed.
package protocol EscalationStore: Sendable {
    // MARK: Tickets

    /// Stores a new ticket (number assigned here) with its `created` event.
    func createTicket(_ draft: TicketDraft) async throws -> Ticket

    /// Raises a ticket and records the exchange that raised it in one transaction: the context
    /// (the conversation's last `contextMessages` messages, as `context` turns them into
    /// lines), the ticket, the message in, the reply `receipt` writes for the numbered ticket,
    /// and the conversation's new state.
    /// - Throws: `StoreError.unknownConversation`, or the database error (nothing written).
    func recordEscalation(_ draft: TicketDraft, contextMessages: Int, context: @escaping @Sendable ([StoredMessage]) -> [String],
                          incoming: StoredMessage, receipt: @escaping @Sendable (Ticket) -> StoredMessage,
                          state: ConversationState) async throws -> Ticket

    /// The ticket with this number.
    func ticket(_ number: Int) async throws -> Ticket?

    /// Tickets of a unit (nil: all units) in these statuses, the earliest due first, at most
    /// `limit`.
    func tickets(unit: String?, statuses: [TicketStatus], limit: Int) async throws -> [Ticket]

    /// Tickets of a unit (nil: all units), any status, whose question holds every one of
    /// `words` (compared without case and diacritics: `words` come folded by
    /// `Diacritics.foldedKey`), newest first, at most `limit`.
    func searchTickets(unit: String?, words: [String], limit: Int) async throws -> [Ticket]

    /// The tickets raised in a conversation, newest first.
    func tickets(conversation: String) async throws -> [Ticket]

    /// The conversation's open ticket for exactly this question, the newest if several.
    func openTicket(conversation: String, question: String) async throws -> Ticket?

    /// A ticket's audit trail, oldest first.
    func events(of ticket: Int) async throws -> [TicketEvent]

    /// Changes a ticket and appends its event, in one transaction.
    /// - Parameter change: checks and edits the ticket; throwing leaves everything as it was.
    func updateTicket(_ number: Int, event: TicketEvent, change: @escaping @Sendable (inout Ticket) throws -> Void)
        async throws -> Ticket

    /// A unit's message to the asker — its answer, a progress update or a question — in one
    /// transaction: the ticket changed by `change` (it may refuse by throwing), the event
    /// appended to its trail, the message put in the asker's outbox, what the answer teaches
    /// saved (a draft for review, or a live entry), and the conversation's new `state` if given.
    func sendToAsker(_ number: Int, kind: Delivery.Kind, event: TicketEvent, learned: LearnedEntry?,
                     state: ConversationState?, change: @escaping @Sendable (inout Ticket) throws -> Void)
        async throws -> (Ticket, Delivery)

    /// The asker's message that goes to a ticket (the details a handler asked for), in one
    /// transaction: the ticket changed by `change`, the event appended, the messages and the
    /// conversation's new state stored.
    func recordTicketMessage(_ number: Int, event: TicketEvent, messages: [StoredMessage], state: ConversationState,
                             change: @escaping @Sendable (inout Ticket) throws -> Void) async throws -> Ticket

    /// Open tickets whose asker is owed news at `now` and whose unit has not been reminded since
    /// it fell due; marks them reminded.
    func remindUpdates(at now: Date) async throws -> [Ticket]

    // MARK: Review

    /// Drafts waiting for review, of a unit (nil: all), oldest first, at most `limit`.
    func drafts(unit: String?, limit: Int) async throws -> [DraftEntry]

    /// Stores a draft someone proposed (not a reply's: from a group of questions the bot
    /// could not answer), pending review; one of the same id is replaced and waits again.
    func proposeDraft(_ draft: DraftEntry) async throws

    /// Decides a waiting draft in one transaction: `decide` sees it (and may refuse by
    /// throwing) and returns the entry to publish, or nil to reject it; the decision is
    /// appended to its ticket's trail as `event`.
    /// - Throws: `EscalationError.unknownEntry` when no draft with this id waits.
    func reviewDraft(_ id: String, event: TicketEvent, decide: @escaping @Sendable (DraftEntry) throws -> KnowledgeEntry?)
        async throws -> (DraftEntry, KnowledgeEntry?)

    // MARK: Outbox

    /// Replies not yet acknowledged by the conversation's client, oldest first, at most `limit`.
    func pendingDeliveries(conversation: String, limit: Int) async throws -> [Delivery]

    /// Replies not yet acknowledged to any conversation of a gateway channel with an id above
    /// `after`, oldest first, at most `limit` (each with its `user`): a page of the backlog.
    func pendingDeliveries(channel: String, after: Int, limit: Int) async throws -> [Delivery]

    /// A gateway could not deliver a reply (Zalo's 48-hour window, the network refusing it
    /// after retries): its ticket shows it to handlers, with `reason` and the `attempts` added
    /// up, until the reply is acknowledged. False when the delivery is not this conversation's
    /// or unknown.
    func markUndelivered(delivery: Int, conversation: String, reason: String?, attempts: Int, at date: Date) async throws
        -> Bool

    /// Where each message of a ticket to its asker is, oldest first.
    func deliveryStates(ticket: Int) async throws -> [DeliveryState]

    /// Marks a delivery acknowledged; false when it is not this conversation's or unknown.
    func acknowledge(delivery: Int, conversation: String, at date: Date) async throws -> Bool

    // MARK: Monitoring

    /// What the operator watches at `now` (`/metrics`): open tickets past due by unit, and the
    /// outbox's unacknowledged replies by channel. Read on every scrape, so it must stay a
    /// couple of indexed reads.
    func backlog(at now: Date) async throws -> DeskBacklog

    // MARK: Ratings

    /// Stores the asker's rating of a ticket (1–5), replacing any earlier one, and appends a
    /// `rated` event.
    func rate(ticket: Int, score: Int, comment: String?, at date: Date) async throws

    // MARK: Units and handlers

    /// Every unit.
    func units() async throws -> [UnitRecord]

    /// Adds or renames units (the corpus's at import; `motcua units add`).
    func saveUnits(_ units: [UnitRecord]) async throws

    /// Adds a handler (with their reviewer flag and expiry) with the SHA-256 of their secret.
    func addHandler(_ handler: Handler, secretHash: Data) async throws

    /// A handler and their secret's hash.
    func handler(_ id: String) async throws -> (Handler, secretHash: Data)?

    /// Every handler.
    func handlers() async throws -> [Handler]

    /// Revokes a handler's token; false when there is no such handler.
    func revokeHandler(_ id: String) async throws -> Bool

    // MARK: Gateways

    /// Adds a gateway with the SHA-256 of its secret.
    func addGateway(_ gateway: Gateway, secretHash: Data) async throws

    /// A gateway and its secret's hash.
    func gateway(_ id: String) async throws -> (Gateway, secretHash: Data)?

    /// Every gateway.
    func gateways() async throws -> [Gateway]

    /// Revokes a gateway's token; false when there is no such gateway.
    func revokeGateway(_ id: String) async throws -> Bool

    // MARK: Knowledge

    /// Adds or replaces a knowledge-base entry the desk learned (`source`: what taught it).
    func saveEntry(_ entry: KnowledgeEntry, source: String) async throws

    /// The stored entry with this id, live or not.
    func entry(_ id: String) async throws -> KnowledgeEntry?

    /// Retires an entry; false when there is no live entry with this id.
    func retireEntry(_ id: String) async throws -> Bool
}

/// A ticket before it is stored.
package struct TicketDraft: Sendable, Hashable {
    package var conversation: String
    package var kind: TicketKind
    package var topic: String
    package var unit: String
    package var question: String
    package var context: [String]
    package var due: Date
    /// When the asker is owed news (a week after the receipt, by default).
    package var updateDue: Date
    /// When it is raised.
    package var createdAt: Date

    /// Creates a draft.
    package init(conversation: String, kind: TicketKind, topic: String, unit: String, question: String,
                 context: [String], due: Date, updateDue: Date? = nil, createdAt: Date = Date())
    {
        self.conversation = conversation
        self.kind = kind
        self.topic = topic
        self.unit = unit
        self.question = question
        self.context = context
        self.due = due
        self.createdAt = createdAt
        self.updateDue = updateDue ?? createdAt.addingTimeInterval(7 * 86_400)
    }
}

/// What a unit's answer teaches: a draft that waits for a reviewer, or an entry that answers
/// the next asker at once (review switched off).
package enum LearnedEntry: Sendable, Hashable {
    case draft(DraftEntry)
    case live(KnowledgeEntry)
}

/// What waits on the desk at one moment (`EscalationStore.backlog(at:)`).
package struct DeskBacklog: Sendable, Hashable {
    /// Replies not yet acknowledged on one channel.
    package struct Outbox: Sendable, Hashable {
        /// How many.
        package var count: Int
        /// Seconds since the oldest of them was written.
        package var oldestSeconds: Double

        /// Creates the figures.
        package init(count: Int, oldestSeconds: Double) {
            self.count = count
            self.oldestSeconds = oldestSeconds
        }
    }

    /// Open tickets past their due time, by unit (units with none may be left out).
    package var overdue: [String: Int]
    /// Unacknowledged replies by the conversation's channel (`telegram`, `zalo`; `direct` for
    /// conversations of the daemon's own clients: TCP, the web page); nil when the store cannot
    /// count them.
    package var outbox: [String: Outbox]?

    /// Creates the figures.
    package init(overdue: [String: Int], outbox: [String: Outbox]?) {
        self.overdue = overdue
        self.outbox = outbox
    }
}

extension EscalationStore {
    /// Overdue tickets from the ticket list (the 100,000 due first); the outbox unknown. A
    /// store with a query of its own (SQLite) counts both in its engine.
    package func backlog(at now: Date) async throws -> DeskBacklog {
        var overdue: [String: Int] = [:]
        for ticket in try await tickets(unit: nil, statuses: TicketStatus.open, limit: 100_000) {
            guard ticket.isOverdue(at: now) else { break }  // earliest due first: the rest are not
            overdue[ticket.unit, default: 0] += 1
        }
        return DeskBacklog(overdue: overdue, outbox: nil)
    }
}

/// Everything the daemon stores.
package typealias DeskStore = ConversationStore & EscalationStore & ReportStore & ConsoleSessionStore
