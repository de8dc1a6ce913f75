import Synchronization

/// What the desk pushes to live connections on its own.
package enum DeskEvent: Sendable, Hashable {
    /// A ticket the handlers of its unit (and admins) should know of now, and why.
    case ticket(Ticket, TicketNotice)
    /// A unit's message (answer or progress update), for the connections of the asker's
    /// conversation.
    case reply(Delivery)
    /// A unit's answer waiting for review, for the unit's reviewers and admins.
    case draft(DraftEntry)
    /// A handler's session ended: their token was revoked or expired.
    case signedOut(handler: String, reason: SignOutReason)
    /// A gateway's token was revoked: its live links speak for no one any more.
    case gatewayRevoked(gateway: String)
    /// Who is on a ticket's page now, for the handlers of its unit (and admins).
    case presence(PresenceChange)
}

/// Why a handler's live session ended.
package enum SignOutReason: String, Sendable, Hashable {
    case revoked
    case expired
}

/// Who is listening: live connections register here and are told of the events that concern
/// them. No transport in it — a subscriber is a function the transport gives (it writes the
/// event to its socket on its own thread).
package final class EventHub: Sendable {
    /// What one connection listens for.
    package struct Interest: Sendable, Hashable {
        /// The asker's conversation (replies).
        package var conversation: String?
        /// The logged-in handler's id (nil for askers).
        package var handler: String?
        /// The handler's unit (new tickets); nil for askers.
        package var unit: String?
        /// An admin hears of every unit's tickets and drafts.
        package var admin = false
        /// A reviewer hears of their unit's drafts.
        package var reviewer = false
        /// A gateway's link: its id, and the channel whose replies it carries (one link of the
        /// channel hears each reply).
        package var gateway: String?
        package var channel: String?

        /// Creates an interest.
        package init(conversation: String? = nil, handler: String? = nil, unit: String? = nil, admin: Bool = false,
                     reviewer: Bool = false, gateway: String? = nil, channel: String? = nil)
        {
            self.conversation = conversation
            self.handler = handler
            self.unit = unit
            self.admin = admin
            self.reviewer = reviewer
            self.gateway = gateway
            self.channel = channel
        }

        func wants(_ event: DeskEvent) -> Bool {
            switch event {
            case .ticket(let ticket, _): handler != nil && (admin || unit == ticket.unit)
            case .reply(let delivery):
                conversation == delivery.conversation || (gateway != nil && channel != nil && channel == delivery.channel)
            case .draft(let draft): handler != nil && (admin || (reviewer && unit == draft.unit))
            case .signedOut(let id, _): handler == id
            case .gatewayRevoked(let id): gateway == id
            case .presence(let change): handler != nil && (admin || unit == change.unit)
            }
        }
    }

    private struct Subscriber {
        var interest: Interest
        var deliver: @Sendable (DeskEvent) -> Void
    }

    /// Every listener, and two indexes into them, so that an event looks only at those it can
    /// concern: a reply at its conversation's connections, a ticket at the handlers' (a
    /// thousand askers connected cost a ticket nothing).
    private struct Registry {
        var next = 0
        var all: [Int: Subscriber] = [:]
        var byConversation: [String: Set<Int>] = [:]
        var handlers: Set<Int> = []
        /// Gateway links by channel, in the order they came (a reply goes to one of them).
        var byChannel: [String: [Int]] = [:]

        mutating func set(_ key: Int, _ interest: Interest) {
            if let old = all[key]?.interest {
                if let conversation = old.conversation {
                    byConversation[conversation]?.remove(key)
                    if byConversation[conversation]?.isEmpty == true { byConversation[conversation] = nil }
                }
                handlers.remove(key)
                if old.gateway != nil, let channel = old.channel {
                    byChannel[channel]?.removeAll { $0 == key }
                    if byChannel[channel]?.isEmpty == true { byChannel[channel] = nil }
                }
            }
            all[key]?.interest = interest
            if let conversation = interest.conversation { byConversation[conversation, default: []].insert(key) }
            if interest.handler != nil { handlers.insert(key) }
            if interest.gateway != nil, let channel = interest.channel { byChannel[channel, default: []].append(key) }
        }

        mutating func remove(_ key: Int) {
            guard let subscriber = all[key] else { return }
            var empty = subscriber.interest
            empty.conversation = nil
            empty.handler = nil
            empty.gateway = nil
            set(key, empty)
            all[key] = nil
        }

        func candidates(for event: DeskEvent) -> [Int] {
            switch event {
            case .reply(let delivery):
                var keys = Array(byConversation[delivery.conversation] ?? [])
                // One link of the user's gateway channel carries it (the adapter behind a pool of
                // links must not send it twice), the same link for the same conversation.
                if let channel = delivery.channel, let links = byChannel[channel], !links.isEmpty {
                    var hasher = Hasher()
                    hasher.combine(delivery.conversation)
                    keys.append(links[Int(UInt(bitPattern: hasher.finalize()) % UInt(links.count))])
                }
                return keys
            case .ticket, .draft, .signedOut, .presence: return Array(handlers)
            case .gatewayRevoked: return byChannel.values.flatMap { $0 }
            }
        }
    }

    private let subscribers = Mutex(Registry())

    /// Creates an empty hub.
    package init() {}

    /// Registers a listener; returns its key for `update` and `unsubscribe`.
    package func subscribe(_ interest: Interest, deliver: @escaping @Sendable (DeskEvent) -> Void) -> Int {
        subscribers.withLock { state in
            state.next += 1
            state.all[state.next] = Subscriber(interest: Interest(), deliver: deliver)
            state.set(state.next, interest)
            return state.next
        }
    }

    /// Changes what a listener hears (after a `hello`, a `login`, …).
    package func update(_ key: Int, _ interest: Interest) {
        subscribers.withLock { state in
            guard state.all[key] != nil else { return }
            state.set(key, interest)
        }
    }

    /// Removes a listener.
    package func unsubscribe(_ key: Int) {
        subscribers.withLock { $0.remove(key) }
    }

    /// The handlers with a live session.
    package func handlers() -> Set<String> {
        subscribers.withLock { state in Set(state.handlers.compactMap { state.all[$0]?.interest.handler }) }
    }

    /// The gateways with a live link.
    package func gateways() -> Set<String> {
        subscribers.withLock { state in Set(state.byChannel.values.joined().compactMap { state.all[$0]?.interest.gateway }) }
    }

    /// Ends the live links of these gateways (their tokens were revoked): each is told, and
    /// carries no more replies.
    package func signOut(gateways: Set<String>) {
        let told = subscribers.withLock { state -> [(@Sendable (DeskEvent) -> Void, DeskEvent)] in
            var told: [(@Sendable (DeskEvent) -> Void, DeskEvent)] = []
            for key in state.byChannel.values.joined() {
                guard let subscriber = state.all[key], let id = subscriber.interest.gateway, gateways.contains(id) else { continue }
                state.set(key, Interest())
                told.append((subscriber.deliver, .gatewayRevoked(gateway: id)))
            }
            return told
        }
        for (deliver, event) in told { deliver(event) }
    }

    /// Ends the live sessions of these handlers: each is told why, and hears nothing more for
    /// a handler (replies to the conversation it is in still come).
    package func signOut(_ handlers: [String: SignOutReason]) {
        let told = subscribers.withLock { state -> [(@Sendable (DeskEvent) -> Void, DeskEvent)] in
            var told: [(@Sendable (DeskEvent) -> Void, DeskEvent)] = []
            for key in state.handlers {
                guard let subscriber = state.all[key], let id = subscriber.interest.handler, let reason = handlers[id] else {
                    continue
                }
                state.set(key, Interest(conversation: subscriber.interest.conversation))
                told.append((subscriber.deliver, .signedOut(handler: id, reason: reason)))
            }
            return told
        }
        for (deliver, event) in told { deliver(event) }
    }

    /// Where published events also go for the other daemons of a shared store (nil: none).
    private let relayer = Mutex<(@Sendable (DeskEvent) -> Void)?>(nil)

    /// Sends every event published from now on to `relay` as well (a shared store's change log).
    package func relay(to relay: @escaping @Sendable (DeskEvent) -> Void) {
        relayer.withLock { $0 = relay }
    }

    /// Events published while an exchange of a shared store is being stored wait here until it
    /// is committed (and are dropped if it is rolled back): no one hears of a ticket that a
    /// read on another connection could not find yet.
    @TaskLocal package static var deferred: DeferredEvents?

    /// Tells every interested listener (and the relay); returns how many were told here
    /// (0 for an event deferred to the end of its exchange).
    @discardableResult
    package func publish(_ event: DeskEvent) -> Int {
        if let deferred = Self.deferred {
            deferred.add { self.publish(event) }
            return 0
        }
        relayer.withLock { $0 }?(event)
        return deliver(event)
    }

    /// Tells this daemon's interested listeners only (an event another daemon published).
    @discardableResult
    package func deliver(_ event: DeskEvent) -> Int {
        let targets = subscribers.withLock { state in
            state.candidates(for: event).compactMap { key in
                state.all[key].flatMap { $0.interest.wants(event) ? $0.deliver : nil }
            }
        }
        for deliver in targets { deliver(event) }
        return targets.count
    }
}

/// Publications held back until an exchange is committed (`EventHub.deferred`).
package final class DeferredEvents: Sendable {
    private let waiting = Mutex<[@Sendable () -> Void]>([])

    /// An empty list.
    package init() {}

    func add(_ publication: @escaping @Sendable () -> Void) { waiting.withLock { $0.append(publication) } }

    /// Publishes what waited, in order (outside the deferral).
    package func flush() {
        let publications = waiting.withLock { list in
            defer { list.removeAll() }
            return list
        }
        EventHub.$deferred.withValue(nil) { for publication in publications { publication() } }
    }
}
