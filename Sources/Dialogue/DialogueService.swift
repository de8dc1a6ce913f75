import Foundation
import Retrieval
import Synchronization

/// Conversations end to end, for any transport: resumes or starts a conversation, runs the
/// dialogue on each input, and stores the message in, the reply and the new state — in one
/// transaction, before the reply is returned (so nothing acknowledged is ever lost).
package final class DialogueService: Sendable {
    /// The store.
    package let store: any ConversationStore
    /// The conversation logic.
    package let dialogue: Dialogue
    /// Tickets for what the bot cannot answer (nil: the bot only says it would hand it over).
    package let escalation: EscalationService?
    /// The document catalogue (nil: none).
    package let catalogue: DocumentCatalogue?
    /// The time messages are dated by (the desk's clock).
    package let clock: any WallClock
    /// The daemon's index, for knowledge changed by another daemon of a shared store (nil: a
    /// service over a fixed index).
    package let index: IndexUpdates?
    /// Where replies, their latency and the store's commits are counted (the transports count
    /// their connections there too).
    package let metrics: ServiceMetrics
    /// Learning from use: what askers confirm becomes phrasings of their entries (nil: the
    /// desk does not learn).
    package let learner: UseLearner?
    private let locks = ConversationLocks()
    /// States of recently active conversations, written through to the store: with the
    /// per-conversation lock this copy is authoritative for this daemon, and saves a database
    /// read per message. Not used on a shared store (another daemon may have moved the state on).
    private let states = Mutex<[String: ConversationState]>([:])
    /// Conversations whose state is kept in memory at most.
    static let cachedStates = 100_000

    /// Creates the service.
    package init(store: any ConversationStore, dialogue: Dialogue, escalation: EscalationService? = nil,
                 catalogue: DocumentCatalogue? = nil, clock: any WallClock = SystemClock(),
                 metrics: ServiceMetrics = ServiceMetrics(), index: IndexUpdates? = nil, learner: UseLearner? = nil)
    {
        self.learner = learner
        self.clock = clock
        self.metrics = metrics
        self.index = index
        self.store = store
        self.dialogue = dialogue
        self.escalation = escalation
        self.catalogue = catalogue
    }

    /// Resumes the conversation an identity names, or starts one.
    package func open(_ identity: ConversationIdentity) async throws -> (conversation: ConversationRecord, resumed: Bool) {
        try await store.open(identity)
    }

    /// Handles one input in a conversation. Inputs of one conversation are handled one at a
    /// time, in arrival order; different conversations run in parallel. What the bot cannot
    /// answer — and a message that reads as a recommendation, complaint or request for an
    /// opinion — becomes a ticket, committed before the reply that gives its number.
    /// - Parameters:
    ///   - incoming: how to store the input (its kind and text as received).
    ///   - kind: the kind of ticket the client asked for (`escalate` with `kind`).
    ///   - origin: the client's address, for the cap on tickets per address (nil: a gateway's
    ///     conversation, or stdin).
    /// - Throws: `StoreError` for an unknown conversation, `EscalationError.tooManyTickets` when
    ///   a cap refuses the ticket, or the store's error (then nothing of this exchange was stored
    ///   and the reply must not be sent).
    package func handle(_ input: DialogueInput, incoming: StoredMessage, in conversation: String,
                        kind: TicketKind? = nil, origin: String? = nil) async throws -> DialogueReply
    {
        let arrived = ContinuousClock.now
        do {
            let (reply, learned) = try await exchange(input, incoming: incoming, in: conversation, kind: kind, origin: origin)
            // Committed: what the asker confirmed or refused is recorded (a failure to learn
            // is reported by the learner, and does not fail a reply already stored).
            if let learned, let learner { await learner.record(learned, in: conversation) }
            metrics.replied(reply, after: ContinuousClock.now - arrived)
            return reply
        } catch let error as StoreError where error.isUnknownConversation {
            // Erased (by `motcua privacy erase` or retention) while its state was cached: the
            // copy goes too, so it can neither answer for the conversation nor keep its words.
            forget(conversation)
            throw error
        }
    }

    /// `handle`'s exchange under the conversation's lock, without the measurements: the reply, committed.
    private func exchange(_ input: DialogueInput, incoming: StoredMessage, in conversation: String, kind: TicketKind?,
                          origin: String?) async throws -> (DialogueReply, UseLearner.Event?)
    {
        try await locks.withLock(conversation) { try await exclusive(conversation) {
            var state = try await currentState(of: conversation)
            var input = input
            var kind = kind
            var incoming = incoming
            let now = clock.now
            incoming.date = now
            // A handler waits for details: the asker's message goes to that ticket.
            if let escalation, let number = state.detailsFor, case .say(let text) = input {
                if let reply = try await addDetails(text, to: number, incoming: incoming, state: state, of: conversation,
                                                    desk: escalation)
                {
                    return (reply, nil)
                }
                state.detailsFor = nil
            }
            // One feedback counts per answer: a repeat is kept, but not as feedback for the report.
            if case .feedback = input, state.feedbackGiven == true, incoming.kind == "feedback" {
                incoming.kind = "feedback-repeat"
            }
            if let escalation, case .say(let text) = input, state.options.isEmpty || Int(text.trimmedWhitespace) == nil {
                let detected = escalation.kind(of: text)
                if detected != .question {
                    input = .human(text)
                    kind = detected
                }
            }
            let before = state
            var reply = dialogue.respond(to: input, state: &state)
            let learned = learner?.event(for: input, before: before, after: state, reply: reply)
            if case .escalate = reply, let escalation, let question = state.lastQuestion {
                // Asking for a person again about a question whose ticket is still open gives
                // that ticket back: the unit gets one ticket a question, not one a request.
                if let open = try await escalation.openTicket(conversation: conversation, question: question) {
                    state.nearest = nil
                    let receipt = TicketReceipt(open, unitName: await escalation.unitName(open.unit))
                    let outgoing = StoredMessage(direction: .outgoing, kind: "escalated", text: receipt.text, topic: open.topic,
                                                 date: now)
                    try await metrics.committing { try await store.record([incoming, outgoing], state: state, of: conversation) }
                    cacheState(state, of: conversation)
                    return (.escalated(receipt), learned)
                }
                // The ticket, its context and this exchange go to the store in one transaction.
                let draft = escalation.draft(conversation: conversation, question: question, kind: kind,
                                             nearest: state.nearest)
                state.nearest = nil
                if let cap = escalation.quota.take(conversation: conversation, address: origin, at: draft.createdAt) {
                    throw EscalationError.tooManyTickets(cap)
                }
                let unitName = await escalation.unitName(draft.unit)
                let ticket: Ticket
                do {
                    ticket = try await metrics.committing {
                        try await escalation.store.recordEscalation(
                            draft, contextMessages: 6, context: Self.contextLines, incoming: incoming,
                            receipt: { StoredMessage(direction: .outgoing, kind: "escalated",
                                                     text: TicketReceipt($0, unitName: unitName).text, topic: $0.topic, date: now) },
                            state: state)
                    }
                } catch {
                    escalation.quota.giveBack(conversation: conversation, address: origin)
                    throw error
                }
                escalation.announce(ticket)
                reply = .escalated(TicketReceipt(ticket, unitName: unitName))
                cacheState(state, of: conversation)
                return (reply, learned)
            }
            state.nearest = nil  // only a ticket needs it; never stored
            let (entry, topic): (String?, String?) = if case .answer(let answer) = reply { (answer.kb, answer.topic) } else {
                (nil, nil)
            }
            let outgoing = StoredMessage(direction: .outgoing, kind: reply.kind, text: reply.text, entry: entry, topic: topic,
                                         date: now)
            try await metrics.committing { try await store.record([incoming, outgoing], state: state, of: conversation) }
            cacheState(state, of: conversation)
            return (reply, learned)
        } }
    }

    /// Runs one exchange of `conversation` as the store requires: on a shared store, under
    /// its cross-daemon lock, with the events it publishes held until it is committed.
    func exclusive<T: Sendable>(_ conversation: String, _ body: () async throws -> T) async throws -> T {
        guard store.isShared else { return try await body() }
        let deferred = DeferredEvents()
        let value = try await EventHub.$deferred.withValue(deferred) { try await store.exclusive(conversation, body) }
        deferred.flush()
        return value
    }

    /// The conversation's state: the cached copy, or the store's.
    func currentState(of conversation: String) async throws -> ConversationState {
        if !store.isShared, let cached = states.withLock({ $0[conversation] }) { return cached }
        guard let record = try await store.conversation(conversation) else { throw StoreError.unknownConversation(conversation) }
        return record.state
    }

    /// The asker's message to the ticket waiting for their details; nil when that ticket is no
    /// longer open (the message goes to the bot).
    func addDetails(_ text: String, to number: Int, incoming: StoredMessage, state: ConversationState, of conversation: String,
                    desk: EscalationService) async throws -> DialogueReply?
    {
        let reply = DialogueReply.chat(text: "Em đã chuyển nội dung anh/chị bổ sung vào phiếu số \(number); đơn vị sẽ trả lời "
            + "anh/chị tại đây. Các tin nhắn tiếp theo cũng được chuyển vào phiếu này cho đến khi có câu trả lời.")
        let outgoing = StoredMessage(direction: .outgoing, kind: reply.kind, text: reply.text, date: incoming.date)
        guard try await desk.addDetails(number, text: text, messages: [incoming, outgoing], state: state) != nil else {
            return nil
        }
        cacheState(state, of: conversation)
        return reply
    }

    /// A handler asks the asker of a ticket for details (`EscalationService.ask`), under the
    /// conversation's lock: the asker's next messages go to the ticket.
    package func ask(_ number: Int, by handler: Handler, text: String) async throws -> (Ticket, Delivery) {
        guard let desk = escalation else { throw EscalationError.notAllowed }
        let ticket = try await desk.visibleTicket(number, to: handler)
        guard !ticket.isAnonymised else { throw EscalationError.badState(ticket, "hỏi thêm người hỏi") }
        return try await locks.withLock(ticket.conversation) { try await exclusive(ticket.conversation) {
            var state = try await currentState(of: ticket.conversation)
            state.detailsFor = number
            let result = try await desk.ask(number, by: handler, text: text, state: state)
            cacheState(state, of: ticket.conversation)
            return result
        } }
    }

    /// The unit answered, closed, transferred or reopened a ticket: its asker's messages go to
    /// the bot again (a handler who needs details asks again).
    package func endDetails(of ticket: Ticket) async throws {
        try await locks.withLock(ticket.conversation) { try await exclusive(ticket.conversation) {
            var state = try await currentState(of: ticket.conversation)
            guard state.detailsFor == ticket.number else { return }
            state.detailsFor = nil
            try await store.record([], state: state, of: ticket.conversation)
            cacheState(state, of: ticket.conversation)
        } }
    }

    /// Drops the cached state of a conversation the store no longer holds.
    package func forget(_ conversation: String) {
        _ = states.withLock { $0.removeValue(forKey: conversation) }
    }

    func cacheState(_ state: ConversationState, of conversation: String) {
        guard !store.isShared else { return }
        states.withLock { cache in
            if cache.count >= Self.cachedStates { cache.removeAll(keepingCapacity: true) }
            cache[conversation] = state
        }
    }

    /// Messages as context lines for a ticket ("Người hỏi: …", "Bot: …"); what the asker did
    /// rather than wrote (feedback, asking for more) is said in words, whatever client sent it.
    @Sendable static func contextLines(_ messages: [StoredMessage]) -> [String] {
        messages.map { message in
            guard message.direction == .incoming else { return "Bot: " + message.text }
            switch message.kind {
            case "feedback", "feedback-repeat":
                let helpful = ["helpful", "/yes"].contains(message.text.lowercased())
                return "Người hỏi: (đánh giá câu trả lời: " + (helpful ? "hữu ích)" : "chưa đúng)")
            case "more": return "Người hỏi: (xem câu trả lời khác)"
            default: return "Người hỏi: " + message.text
            }
        }
    }
}

/// One-at-a-time access per conversation, taken only through `withLock` (no path can forget to
/// release it): waiters queue in arrival order, the lock is handed straight to the next waiter so
/// no one can overtake, and a waiter whose task is cancelled leaves the queue at once. Taking a
/// free conversation does not suspend (a mutex, not an actor: under load an actor hop in and
/// out for every message cost more than the lock itself).
package final class ConversationLocks: Sendable {
    private struct Waiter {
        let ticket: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var held: Set<String> = []
        var waiting: [String: [Waiter]] = [:]
        var nextTicket: UInt64 = 0
        /// Waiters cancelled before they queued (they must not queue).
        var cancelled: Set<UInt64> = []
    }

    private enum Attempt {
        case acquired, queued, cancelled
    }

    private let state = Mutex(State())

    /// Creates a set of locks, all free.
    package init() {}

    /// Runs `body` holding the conversation's lock, after every earlier holder and waiter.
    /// - Throws: `CancellationError` when the task is cancelled while waiting (the lock was not
    ///   taken and `body` did not run), or what `body` throws.
    package func withLock<T>(_ id: String, _ body: () async throws -> T) async throws -> T {
        try await acquire(id)
        defer { release(id) }
        return try await body()
    }

    /// Conversations held now.
    package var held: Int { state.withLock { $0.held.count } }

    /// Callers waiting for the conversation.
    package func waiting(on id: String) -> Int { state.withLock { $0.waiting[id]?.count ?? 0 } }

    private func acquire(_ id: String) async throws {
        if state.withLock({ $0.held.insert(id).inserted }) { return }
        let ticket = state.withLock { state in
            state.nextTicket += 1
            return state.nextTicket
        }
        defer { state.withLock { _ = $0.cancelled.remove(ticket) } }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let attempt = state.withLock { state -> Attempt in
                    if state.cancelled.remove(ticket) != nil { return .cancelled }
                    // Released since the first look: take it now.
                    if state.held.insert(id).inserted { return .acquired }
                    state.waiting[id, default: []].append(Waiter(ticket: ticket, continuation: continuation))
                    return .queued
                }
                switch attempt {
                case .acquired: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .queued: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                if let index = state.waiting[id]?.firstIndex(where: { $0.ticket == ticket }) {
                    let waiter = state.waiting[id]!.remove(at: index)
                    if state.waiting[id]!.isEmpty { state.waiting[id] = nil }
                    return waiter
                }
                // Not queued yet, or already handed the lock (then it runs; the mark is dropped).
                state.cancelled.insert(ticket)
                return nil
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Frees the conversation, or hands it to the next waiter.
    private func release(_ id: String) {
        let next = state.withLock { state -> Waiter? in
            guard var queue = state.waiting[id], !queue.isEmpty else {
                state.held.remove(id)
                return nil
            }
            let next = queue.removeFirst()
            state.waiting[id] = queue.isEmpty ? nil : queue
            return next
        }
        next?.continuation.resume()
    }
}

/// How a daemon's in-memory index takes a knowledge change made elsewhere.
package struct IndexUpdates: Sendable {
    /// Puts an entry in (replacing one with its id).
    package var upsert: @Sendable (KnowledgeEntry) -> Void
    /// Takes an entry out.
    package var retire: @Sendable (String) -> Void

    /// Updates through these two functions.
    package init(upsert: @escaping @Sendable (KnowledgeEntry) -> Void, retire: @escaping @Sendable (String) -> Void) {
        self.upsert = upsert
        self.retire = retire
    }
}
