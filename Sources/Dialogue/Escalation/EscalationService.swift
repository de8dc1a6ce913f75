import Foundation
import Retrieval
import Synchronization

/// The other half of the desk: what the bot cannot answer becomes a ticket for the unit that
/// owns the field; handlers of that unit claim, answer, annotate, transfer, close and reopen it;
/// the answer goes to the asker's outbox and their live connections, and becomes knowledge the
/// bot answers the next person with. Every change is committed before anyone is told of it, and
/// audited. No transport in it: the protocol sessions in Adapters call it.
package final class EscalationService: Sendable {
    /// Routing, time limits and the desk's rules (`corpus/desk.json`).
    package struct Configuration: Sendable {
        /// Topics and the unit that owns each.
        package var topics: [Topic]
        /// Working days until an answer is due, per kind: 20 for recommendations and complaints,
        /// as the rules on handling them set.
        package var dueWorkingDays: [TicketKind: Int] = [.question: 3, .opinion: 5, .recommendation: 20, .complaint: 20]
        /// Weekends, public holidays and make-up days.
        package var calendar = WorkingCalendar()
        /// How long an open ticket may go without news to the asker (7 days).
        package var updateInterval: TimeInterval = 7 * 86_400
        /// Reusable answers wait for a reviewer before they answer anyone else.
        package var review = true
        /// Tickets per conversation and per address in an hour.
        package var ticketLimits = TicketQuota.Limits()
        /// The unit that gets tickets whose topic has no owner.
        package var fallbackUnit: String?
        /// The provinces askers' agencies are placed in (reports).
        package var provinces: ProvinceDirectory = .empty

        /// Creates a configuration.
        package init(topics: [Topic], fallbackUnit: String? = nil) {
            self.topics = topics
            self.fallbackUnit = fallbackUnit
        }

        /// When a ticket of `kind` received at `date` is due.
        package func due(of kind: TicketKind, receivedAt date: Date) -> Date {
            calendar.due(from: date, workingDays: dueWorkingDays[kind] ?? 3)
        }
    }

    /// The store.
    package let store: any DeskStore
    /// Live listeners.
    package let hub: EventHub
    /// Due times and routing.
    package let configuration: Configuration
    let classifier: TopicClassifier
    let kinds = KindDetector()
    let search: @Sendable (String) -> SearchResponse
    let learn: @Sendable (KnowledgeEntry) -> Void
    let forget: @Sendable (String) -> Void
    let throttle: LoginThrottle
    /// The clock due dates, expiry, owed updates and the login slowdown read (tests move it).
    package let clock: any WallClock
    /// Where tickets raised and answered are counted.
    package let metrics: ServiceMetrics
    /// Caps on tickets per conversation and address.
    package let quota: TicketQuota
    let masker = PersonalDataMasker()
    /// Who has which ticket open now.
    package let presence = PresenceBoard()
    /// Unit code → name, filled from the store on a miss (units are few and change rarely).
    private let unitNames = Mutex<[String: String]>([:])

    /// Creates the service.
    /// - Parameters:
    ///   - search: the bot's search (for topics and for similar earlier answers).
    ///   - entry: a live knowledge-base entry by id.
    ///   - learn: puts an entry in the live index (at once).
    ///   - forget: takes an entry out of the live index.
    ///   - clock: the time (the machine's unless a test moves it).
    ///   - topicModel: a question's topic probabilities from the model trained on the knowledge
    ///     base (`SearchEngine.topicProbabilities`); nil routes by the nearest answers only.
    package init(store: any DeskStore, hub: EventHub = EventHub(), configuration: Configuration,
                 search: @escaping @Sendable (String) -> SearchResponse,
                 entry: @escaping @Sendable (String) -> KnowledgeEntry?,
                 learn: @escaping @Sendable (KnowledgeEntry) -> Void,
                 forget: @escaping @Sendable (String) -> Void,
                 clock: any WallClock = SystemClock(), metrics: ServiceMetrics = ServiceMetrics(),
                 topicModel: (@Sendable (String) -> [String: Double])? = nil)
    {
        self.metrics = metrics
        self.store = store
        self.hub = hub
        self.configuration = configuration
        self.search = search
        self.learn = learn
        self.forget = forget
        self.clock = clock
        throttle = LoginThrottle(clock: clock)
        quota = TicketQuota(limits: configuration.ticketLimits)
        classifier = TopicClassifier(topics: configuration.topics, search: search, entry: entry, model: topicModel)
    }

    /// The time now, by the desk's clock.
    package func now() -> Date { clock.now }

    // MARK: - Askers

    /// The kind a message reads as.
    package func kind(of text: String) -> TicketKind { kinds.kind(of: text) }

    /// Where a question's ticket goes: kind, topic, owning unit, due time (no context yet).
    /// - Parameter nearest: what the bot's search already found for the question, if it searched.
    package func draft(conversation: String, question: String, kind: TicketKind?, nearest: [NearestEntry]? = nil)
        -> TicketDraft
    {
        let kind = kind ?? kinds.kind(of: question)
        let topic = classifier.topic(of: question, nearest: nearest) ?? "khac"
        let unit = configuration.topics.first { $0.id == topic }?.unit ?? configuration.fallbackUnit
            ?? configuration.topics.first?.unit ?? "VP"
        let now = self.now()
        return TicketDraft(conversation: conversation, kind: kind, topic: topic, unit: unit, question: question,
                           context: [], due: configuration.due(of: kind, receivedAt: now),
                           updateDue: now.addingTimeInterval(configuration.updateInterval), createdAt: now)
    }

    /// The conversation's open ticket for this question, if it has one (asking for a person
    /// again returns it instead of raising another).
    package func openTicket(conversation: String, question: String) async throws -> Ticket? {
        try await store.openTicket(conversation: conversation, question: question)
    }

    /// Raises a ticket for a question; returns it once it is committed (and tells the unit).
    package func escalate(conversation: String, question: String, kind: TicketKind?, context: [String]) async throws
        -> Ticket
    {
        var draft = draft(conversation: conversation, question: question, kind: kind)
        draft.context = context
        let ticket = try await store.createTicket(draft)
        announce(ticket)
        return ticket
    }

    /// Tells the unit's handlers of a committed ticket (and counts it raised).
    package func announce(_ ticket: Ticket) {
        metrics.raised(unit: ticket.unit)
        hub.publish(.ticket(ticket, .raised))
    }

    /// The name of a unit (its code when unknown).
    package func unitName(_ code: String) async -> String {
        // A shared store's units can be renamed through another daemon: read them each time.
        if !store.isShared, let name = unitNames.withLock({ $0[code] }) { return name }
        let units = (try? await store.units()) ?? []
        unitNames.withLock { names in
            for unit in units { names[unit.id] = unit.name }
        }
        return units.first { $0.id == code }?.name ?? code
    }

    /// Replies waiting for the conversation's client.
    /// - Parameter limit: at most this many, the oldest.
    package func pending(conversation: String, limit: Int = 1_000) async throws -> [Delivery] {
        try await store.pendingDeliveries(conversation: conversation, limit: limit)
    }

    /// Replies a gateway channel's login sends in one page (each up to a 16 KiB line: a page is
    /// a few megabytes at most, whatever the backlog).
    package static let backlogPage = 200

    /// A page of the replies waiting for the users of a gateway channel: those after delivery
    /// `after`, oldest first (a gateway's login, then its `pending` requests).
    package func pending(channel: String, after: Int) async throws -> [Delivery] {
        try await store.pendingDeliveries(channel: channel, after: after, limit: Self.backlogPage)
    }

    /// The client got a reply: it is not sent again.
    package func acknowledge(delivery: Int, conversation: String) async throws {
        guard try await store.acknowledge(delivery: delivery, conversation: conversation, at: now()) else {
            throw EscalationError(code: "unknown-delivery", description: "Không có tin trả lời số \(delivery).")
        }
    }

    /// A gateway could not deliver a reply (yet): handlers see it on the ticket, with why and
    /// after how many attempts.
    package func undeliverable(delivery: Int, conversation: String, reason: String? = nil, attempts: Int = 1) async throws {
        guard try await store.markUndelivered(delivery: delivery, conversation: conversation, reason: reason,
                                              attempts: attempts, at: now())
        else {
            throw EscalationError(code: "unknown-delivery", description: "Không có tin trả lời số \(delivery).")
        }
    }

    /// The asker rates the answer to one of their tickets (1–5, with an optional comment).
    package func rate(conversation: String, ticket number: Int, score: Int, comment: String?) async throws {
        guard (1...5).contains(score) else { throw EscalationError.badRequest("Điểm đánh giá phải từ 1 đến 5.") }
        guard let ticket = try await store.ticket(number), ticket.conversation == conversation else {
            throw EscalationError.unknownTicket(number)
        }
        guard ticket.status == .answered || ticket.status == .closed else {
            throw EscalationError.badState(ticket, "đánh giá khi chưa có câu trả lời")
        }
        try await store.rate(ticket: number, score: score, comment: comment?.isBlank == false ? comment : nil, at: now())
    }

    // MARK: - Handlers

    /// The handler a token belongs to; nil for a wrong, malformed or revoked token. Failures
    /// from one `source` (the client's address) are answered more and more slowly.
    package func login(token: String, source: String) async -> Handler? {
        await throttled(source) {
            guard let (id, secret) = HandlerTokens.parse(token),
                let (handler, stored) = try? await store.handler(id), handler.isActive(at: now()),
                HandlerTokens.equalInConstantTime(HandlerTokens.hash(secret), stored)
            else { return nil }
            return handler
        }
    }

    /// The gateway a token belongs to; nil for a wrong, malformed or revoked token (failures
    /// slowed down per source like handlers').
    package func loginGateway(token: String, source: String) async -> Gateway? {
        await throttled(source) {
            guard let (id, secret) = HandlerTokens.parse(token, prefix: HandlerTokens.gatewayPrefix),
                let (gateway, stored) = try? await store.gateway(id), !gateway.revoked,
                HandlerTokens.equalInConstantTime(HandlerTokens.hash(secret), stored)
            else { return nil }
            return gateway
        }
    }

    /// A credential check whose failures from one `source` (the client's address) are answered
    /// late, later each time: a good token from the same address (a NAT, the gateway's machine)
    /// is checked first and not held up by someone else's mistakes.
    func throttled<Holder>(_ source: String, _ check: () async -> Holder?) async -> Holder? {
        guard let holder = await check() else {
            await throttle.waitIfNeeded(source)
            throttle.failed(source)
            return nil
        }
        throttle.succeeded(source)
        return holder
    }

    /// Whether a gateway's token still works (a live link checks it now and then).
    package func stillActive(_ gateway: Gateway) async throws -> Bool {
        guard let (current, _) = try await store.gateway(gateway.id) else { return false }
        return !current.revoked
    }

    /// The handler as the store has them now, if their token still works: a session checks
    /// this before each request, so a revoked or expired token stops working at once.
    /// - Throws: the store's error (the request cannot be checked, so it is not done).
    package func stillActive(_ handler: Handler) async throws -> Handler? {
        guard let (current, _) = try await store.handler(handler.id), current.isActive(at: now()) else { return nil }
        return current
    }

    /// Ends the live sessions of handlers whose tokens were revoked or expired since they
    /// logged in (by `motcua handlers revoke` in another process, or by the clock): they are
    /// told, and hear of no more tickets.
    package func endStaleSessions() async throws {
        let gateways = hub.gateways()
        if !gateways.isEmpty {
            let known = Dictionary(try await store.gateways().map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let ended = gateways.filter { known[$0]?.revoked ?? true }
            if !ended.isEmpty { hub.signOut(gateways: ended) }
        }
        let live = hub.handlers()
        guard !live.isEmpty else { return }
        let now = self.now()
        let known = Dictionary(try await store.handlers().map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var ended: [String: SignOutReason] = [:]
        for id in live {
            guard let handler = known[id] else {
                ended[id] = .revoked
                continue
            }
            if handler.revoked {
                ended[id] = .revoked
            } else if !handler.isActive(at: now) {
                ended[id] = .expired
            }
        }
        if !ended.isEmpty { hub.signOut(ended) }
    }

    /// Tells each unit of its open tickets whose asker has had no news for the update interval
    /// (once each time a ticket falls due for an update).
    package func remindUpdates() async throws {
        for ticket in try await store.remindUpdates(at: now()) {
            hub.publish(.ticket(ticket, .owesUpdate))
        }
    }

    /// The desk's upkeep until cancelled: revoked and expired sessions ended and stale
    /// presence let go every second, reminders of owed updates every minute.
    package func maintain() async {
        var tick = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            try? await endStaleSessions()
            for change in presence.expire(now: now()) { hub.publish(.presence(change)) }
            if tick % 60 == 0 { try? await remindUpdates() }
            tick += 1
        }
    }

    /// The tickets a handler sees: their unit's (all units for an admin), the earliest due
    /// first; without a status, the open ones (new, assigned, waiting for the asker). At most 500, so that a queue
    /// stays one readable line however much history a unit has.
    package func queue(for handler: Handler, status: TicketStatus?) async throws -> [Ticket] {
        try await store.tickets(unit: handler.admin ? nil : handler.unit, statuses: status.map { [$0] } ?? TicketStatus.open,
                                limit: 500)
    }

    /// A ticket with its trail and similar earlier answers.
    package func show(_ number: Int, for handler: Handler) async throws -> TicketDetail {
        let ticket = try await visibleTicket(number, to: handler)
        let similar = search(ticket.question).results.prefix(3).compactMap { classifier.entry($0.entryID) }
        return TicketDetail(ticket: ticket, events: try await store.events(of: number), similar: similar,
                            deliveries: try await store.deliveryStates(ticket: number))
    }

    /// Takes a ticket: it is the handler's now.
    package func claim(_ number: Int, by handler: Handler) async throws -> Ticket {
        try await change(number, by: handler, action: .claimed) { ticket in
            guard ticket.status == .new || ticket.status == .assigned else {
                throw EscalationError.badState(ticket, "nhận xử lý")
            }
            ticket.status = .assigned
            ticket.handler = handler.id
        }
    }

    /// An internal note: kept on the ticket, never sent to the asker.
    package func note(_ number: Int, by handler: Handler, text: String) async throws -> Ticket {
        guard text.hasVisibleText else { throw EscalationError.badRequest("Ghi chú không được để trống.") }
        return try await change(number, by: handler, action: .noted, detail: text) { _ in }
    }

    /// Hands a ticket to another unit (it becomes new there, and its handlers are told).
    package func transfer(_ number: Int, by handler: Handler, to unit: String) async throws -> Ticket {
        guard try await store.units().contains(where: { $0.id == unit }) else { throw EscalationError.unknownUnit(unit) }
        let ticket = try await change(number, by: handler, action: .transferred, detail: unit) { ticket in
            guard ticket.status != .closed else { throw EscalationError.badState(ticket, "chuyển đơn vị") }
            ticket.unit = unit
            ticket.status = .new
            ticket.handler = nil
        }
        hub.publish(.ticket(ticket, .transferred))
        return ticket
    }

    /// Corrects a ticket's kind (the detected one was wrong); its due date is counted again
    /// from when it was received, with the new kind's time limit.
    package func setKind(_ number: Int, by handler: Handler, to kind: TicketKind) async throws -> Ticket {
        let configuration = self.configuration
        return try await change(number, by: handler, action: .kind, detail: kind.rawValue) { ticket in
            ticket.kind = kind
            ticket.due = configuration.due(of: kind, receivedAt: ticket.createdAt)
        }
    }

    /// Closes a ticket.
    package func close(_ number: Int, by handler: Handler) async throws -> Ticket {
        try await change(number, by: handler, action: .closed) { ticket in
            guard ticket.status != .closed else { throw EscalationError.badState(ticket, "đóng") }
            ticket.status = .closed
        }
    }

    /// Reopens an answered or closed ticket.
    package func reopen(_ number: Int, by handler: Handler) async throws -> Ticket {
        let ticket = try await change(number, by: handler, action: .reopened) { ticket in
            // Its asker was erased: no answer could reach anyone.
            guard !ticket.isAnonymised, ticket.status == .answered || ticket.status == .closed else {
                throw EscalationError.badState(ticket, "mở lại")
            }
            ticket.status = ticket.handler == nil ? .new : .assigned
        }
        hub.publish(.ticket(ticket, .reopened))
        return ticket
    }

    /// The unit's answer: committed with the asker's outbox entry, then pushed to the asker's
    /// live connections. Unless `reusable` is false it also becomes knowledge, with personal
    /// data masked: a draft that answers no one until a reviewer approves it, or (review
    /// switched off) an entry indexed at once.
    package func reply(_ number: Int, by handler: Handler, text: String, reusable: Bool) async throws
        -> (Ticket, Delivery)
    {
        let text = text.trimmedWhitespace
        guard text.hasVisibleText else { throw EscalationError.badRequest("Câu trả lời không được để trống.") }
        let current = try await visibleTicket(number, to: handler)
        let now = self.now()
        var learned: LearnedEntry?
        if reusable {
            let name = try await store.conversation(current.conversation)?.name
            let draft = DraftEntry(kb: Self.entryID(number), ticket: number, unit: current.unit, topic: current.topic,
                                   question: masker.mask(current.question, askerName: name),
                                   answer: masker.mask(text, askerName: name, source: .answer(question: current.question)),
                                   createdAt: now)
            learned = configuration.review ? .draft(draft) : .live(draft.entry)
        }
        let interval = configuration.updateInterval
        let (ticket, delivery) = try await store.sendToAsker(
            number, kind: .answer, event: TicketEvent(actor: handler.id, action: .replied, detail: text, date: now),
            learned: learned, state: nil
        ) { ticket in
            guard handler.covers(ticket.unit) else { throw EscalationError.unknownTicket(number) }
            guard ticket.status != .closed else { throw EscalationError.badState(ticket, "trả lời") }
            ticket.status = .answered
            if ticket.answeredAt == nil { ticket.answeredAt = now }
            ticket.updateDue = now.addingTimeInterval(interval)
        }
        switch learned {
        case .live(let entry)?: learn(entry)
        case .draft(let draft)?: hub.publish(.draft(draft))
        case nil: break
        }
        // A ticket is counted answered when it becomes so (a second reply to it is not another).
        if current.status != .answered { metrics.answered(unit: ticket.unit) }
        hub.publish(.reply(delivery))
        return (ticket, delivery)
    }

    /// A progress update to the asker of an open ticket ("hồ sơ đang được thẩm định …"):
    /// delivered like an answer (outbox, live push, acknowledgment), the ticket stays open, and
    /// the week before the next update is owed starts again.
    package func update(_ number: Int, by handler: Handler, text: String) async throws -> (Ticket, Delivery) {
        let text = text.trimmedWhitespace
        guard text.hasVisibleText else { throw EscalationError.badRequest("Nội dung cập nhật không được để trống.") }
        let now = self.now()
        let interval = configuration.updateInterval
        let (ticket, delivery) = try await store.sendToAsker(
            number, kind: .progress, event: TicketEvent(actor: handler.id, action: .updated, detail: text, date: now),
            learned: nil, state: nil
        ) { ticket in
            guard handler.covers(ticket.unit) else { throw EscalationError.unknownTicket(number) }
            guard ticket.isOpen else { throw EscalationError.badState(ticket, "gửi cập nhật tiến độ") }
            ticket.updateDue = now.addingTimeInterval(interval)
        }
        hub.publish(.reply(delivery))
        return (ticket, delivery)
    }

    /// A handler asks the asker for details: the question goes to the asker like a reply
    /// (outbox, live push, acknowledgment), the ticket waits for the asker, and `state` — the
    /// asker's conversation, told that its next messages go to this ticket — is stored with it.
    /// The caller holds the conversation's lock (`DialogueService.ask`).
    package func ask(_ number: Int, by handler: Handler, text: String, state: ConversationState) async throws
        -> (Ticket, Delivery)
    {
        let text = text.trimmedWhitespace
        guard text.hasVisibleText else { throw EscalationError.badRequest("Câu hỏi cho người hỏi không được để trống.") }
        let now = self.now()
        let (ticket, delivery) = try await store.sendToAsker(
            number, kind: .question, event: TicketEvent(actor: handler.id, action: .asked, detail: text, date: now),
            learned: nil, state: state
        ) { ticket in
            guard handler.covers(ticket.unit) else { throw EscalationError.unknownTicket(number) }
            guard ticket.isOpen else { throw EscalationError.badState(ticket, "hỏi thêm người hỏi") }
            ticket.status = .waitingForAsker
            if ticket.handler == nil { ticket.handler = handler.id }
        }
        hub.publish(.reply(delivery))
        return (ticket, delivery)
    }

    /// The asker's message goes to their ticket (the details a handler asked for, or more of
    /// them): stored on its trail with the exchange, the ticket back with its handler, the unit
    /// told. The caller holds the conversation's lock.
    /// - Returns: the ticket, or nil when it is no longer open (the message goes to the bot).
    package func addDetails(_ number: Int, text: String, messages: [StoredMessage], state: ConversationState) async throws
        -> Ticket?
    {
        let now = self.now()
        let ticket: Ticket
        do {
            ticket = try await store.recordTicketMessage(
                number, event: TicketEvent(actor: "asker", action: .askerReplied, detail: text, date: now), messages: messages,
                state: state
            ) { ticket in
                guard ticket.isOpen else { throw EscalationError.badState(ticket, "bổ sung") }
                if ticket.status == .waitingForAsker { ticket.status = ticket.handler == nil ? .new : .assigned }
            }
        } catch let error as EscalationError where error.code == "bad-state" || error.code == "unknown-ticket" {
            return nil
        }
        hub.publish(.ticket(ticket, .askerReplied))
        return ticket
    }

    /// The asker's tickets, newest first.
    package func tickets(conversation: String) async throws -> [Ticket] {
        try await store.tickets(conversation: conversation)
    }

    // MARK: - Review

    /// The drafts a reviewer decides: their unit's (all units for an admin), oldest first.
    package func drafts(for handler: Handler) async throws -> [DraftEntry] {
        guard handler.admin || handler.reviewer else { throw EscalationError.notAllowed }
        return try await store.drafts(unit: handler.admin ? nil : handler.unit, limit: 500)
    }

    /// Approves a draft, optionally edited (edits are masked too): it answers the next asker at
    /// once.
    package func approve(_ id: String, by handler: Handler, question: String?, answer: String?) async throws
        -> KnowledgeEntry
    {
        guard handler.admin || handler.reviewer else { throw EscalationError.notAllowed }
        let (name, asked) = try await asker(ofDraft: id)
        let masker = self.masker
        let (_, entry) = try await store.reviewDraft(
            id, event: TicketEvent(actor: handler.id, action: .approved, detail: id, date: now())
        ) { draft in
            // Another unit's draft is reported as unknown, like another unit's ticket.
            guard handler.reviews(draft.unit) else { throw EscalationError.unknownEntry(id) }
            var entry = draft.entry
            if let question, question.hasVisibleText {
                entry.question = masker.mask(question.trimmedWhitespace, askerName: name)
            }
            if let answer, answer.hasVisibleText {
                entry.answer = masker.mask(answer.trimmedWhitespace, askerName: name, source: .answer(question: asked))
            }
            return entry
        }
        guard let entry else { throw EscalationError.unknownEntry(id) }
        learn(entry)
        return entry
    }

    /// Rejects a draft: it never answers anyone.
    package func reject(_ id: String, by handler: Handler) async throws {
        guard handler.admin || handler.reviewer else { throw EscalationError.notAllowed }
        _ = try await store.reviewDraft(id, event: TicketEvent(actor: handler.id, action: .rejected, detail: id,
                                                                date: now())) { draft in
            guard handler.reviews(draft.unit) else { throw EscalationError.unknownEntry(id) }
            return nil
        }
    }

    /// The name the asker of a draft's ticket gave and their question as they wrote it, to mask
    /// them in a reviewer's edits (a reply's draft, `phieu-N`, or one proposed from a group,
    /// `nhom-N`).
    func asker(ofDraft id: String) async throws -> (name: String?, question: String) {
        let prefix = ["phieu-", "nhom-"].first { id.hasPrefix($0) }
        guard let prefix, let number = Int(id.dropFirst(prefix.count)), let ticket = try await store.ticket(number) else {
            return (nil, "")
        }
        return (try await store.conversation(ticket.conversation)?.name, ticket.question)
    }

    /// The knowledge-base id of what an answered ticket teaches.
    package static func entryID(_ ticket: Int) -> String { "phieu-\(ticket)" }

    /// Edits a knowledge-base entry (question and/or answer), masked like an approved draft;
    /// indexed at once. Changing what the bot tells everyone is a reviewer's act while review is
    /// on: a handler who is neither a reviewer nor an admin may not.
    package func editEntry(_ id: String, by handler: Handler, question: String?, answer: String?) async throws
        -> KnowledgeEntry
    {
        guard var entry = try await store.entry(id) else { throw EscalationError.unknownEntry(id) }
        guard handler.admin || entry.unit == nil || entry.unit == handler.unit else { throw EscalationError.notAllowed }
        guard !configuration.review || handler.admin || handler.reviewer else { throw EscalationError.notAllowed }
        guard question?.hasVisibleText == true || answer?.hasVisibleText == true else {
            throw EscalationError.badRequest("Không có gì để sửa: câu hỏi và câu trả lời đều trống.")
        }
        // An entry a ticket taught still holds that asker's words: their name is masked too.
        let (name, asked) = try await asker(ofDraft: id)
        if let question, question.hasVisibleText {
            entry.question = masker.mask(question.trimmedWhitespace, askerName: name)
        }
        if let answer, answer.hasVisibleText {
            entry.answer = masker.mask(answer.trimmedWhitespace, askerName: name, source: .answer(question: asked))
        }
        try await store.saveEntry(entry, source: "handler:\(handler.id)")
        learn(entry)
        return entry
    }

    /// Retires a knowledge-base entry; the bot stops answering with it at once.
    package func retireEntry(_ id: String, by handler: Handler) async throws {
        guard let entry = try await store.entry(id) else { throw EscalationError.unknownEntry(id) }
        guard handler.admin || entry.unit == nil || entry.unit == handler.unit else { throw EscalationError.notAllowed }
        guard try await store.retireEntry(id) else { throw EscalationError.unknownEntry(id) }
        forget(id)
    }

    /// The report a handler may read: their unit's (all units for an admin).
    package func report(for handler: Handler, period: ReportPeriod) async throws -> Report {
        try await report(for: handler, period: period, unit: nil)
    }

    // MARK: - Helpers

    func visibleTicket(_ number: Int, to handler: Handler) async throws -> Ticket {
        // Another unit's ticket is reported as unknown: its number tells nothing.
        guard let ticket = try await store.ticket(number), handler.covers(ticket.unit) else {
            throw EscalationError.unknownTicket(number)
        }
        return ticket
    }

    func change(_ number: Int, by handler: Handler, action: TicketAction, detail: String = "",
                _ edit: @escaping @Sendable (inout Ticket) throws -> Void) async throws -> Ticket
    {
        try await store.updateTicket(number, event: TicketEvent(actor: handler.id, action: action, detail: detail, date: now())) {
            ticket in
            guard handler.covers(ticket.unit) else { throw EscalationError.unknownTicket(number) }
            try edit(&ticket)
        }
    }
}

/// Failed logins from one source are answered later each time (0.25 s, doubling, at most 8 s);
/// a success clears the count. A good token is checked first and never waits, so nobody behind
/// the same address (a NAT, the gateway's machine) can lock a handler out by failing. Parallel
/// guesses are slowed only per connection — with 256-bit secrets guessing is hopeless anyway;
/// the slowdown is for a leaked, mistyped or half-copied token tried over and over.
final class LoginThrottle: Sendable {
    private let failures = Mutex<[String: Int]>([:])
    private let clock: any WallClock

    init(clock: any WallClock) { self.clock = clock }

    func waitIfNeeded(_ source: String) async {
        let count = failures.withLock { $0[source] ?? 0 }
        guard count > 0 else { return }
        let seconds = min(8, 0.25 * pow(2, Double(count - 1)))
        try? await clock.sleep(seconds: seconds)
    }

    func failed(_ source: String) {
        failures.withLock { table in
            if table.count > 100_000 { table.removeAll() }
            table[source, default: 0] += 1
        }
    }

    func succeeded(_ source: String) {
        _ = failures.withLock { $0.removeValue(forKey: source) }
    }
}
