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

        /// Creates an interest.
        package init(conversation: String? = nil, handler: String? = nil, unit: String? = nil, admin: Bool = false,
                     reviewer: Bool = false)
        {
            self.conversation = conversation
            self.handler = handler
            self.unit = unit
            self.admin = admin
            self.reviewer = reviewer
        }

        func wants(_ event: DeskEvent) -> Bool {
            switch event {
            case .ticket(let ticket, _): handler != nil && (admin || unit == ticket.unit)
            case .reply(let delivery): conversation == delivery.conversation
            case .draft(let draft): handler != nil && (admin || (reviewer && unit == draft.unit))
            case .signedOut(let id, _): handler == id
            }
        }
    }

    private struct Subscriber {
        var interest: Interest
        var deliver: @Sendable (DeskEvent) -> Void
    }

    private let subscribers = Mutex<(next: Int, all: [Int: Subscriber])>((0, [:]))

    /// Creates an empty hub.
    package init() {}

    /// Registers a listener; returns its key for `update` and `unsubscribe`.
    package func subscribe(_ interest: Interest, deliver: @escaping @Sendable (DeskEvent) -> Void) -> Int {
        subscribers.withLock { state in
            state.next += 1
            state.all[state.next] = Subscriber(interest: interest, deliver: deliver)
            return state.next
        }
    }

    /// Changes what a listener hears (after a `hello`, a `login`, …).
    package func update(_ key: Int, _ interest: Interest) {
        subscribers.withLock { $0.all[key]?.interest = interest }
    }

    /// Removes a listener.
    package func unsubscribe(_ key: Int) {
        _ = subscribers.withLock { $0.all.removeValue(forKey: key) }
    }

    /// The handlers with a live session.
    package func handlers() -> Set<String> {
        subscribers.withLock { state in Set(state.all.values.compactMap(\.interest.handler)) }
    }

    /// Ends the live sessions of these handlers: each is told why, and hears nothing more for
    /// a handler (replies to the conversation it is in still come).
    package func signOut(_ handlers: [String: SignOutReason]) {
        let told = subscribers.withLock { state -> [(@Sendable (DeskEvent) -> Void, DeskEvent)] in
            var told: [(@Sendable (DeskEvent) -> Void, DeskEvent)] = []
            for (key, subscriber) in state.all {
                guard let id = subscriber.interest.handler, let reason = handlers[id] else { continue }
                state.all[key]?.interest = Interest(conversation: subscriber.interest.conversation)
                told.append((subscriber.deliver, .signedOut(handler: id, reason: reason)))
            }
            return told
        }
        for (deliver, event) in told { deliver(event) }
    }

    /// Tells every interested listener; returns how many were told.
    @discardableResult
    package func publish(_ event: DeskEvent) -> Int {
        let targets = subscribers.withLock { state in
            state.all.values.filter { $0.interest.wants(event) }.map(\.deliver)
        }
        for deliver in targets { deliver(event) }
        return targets.count
    }
}
