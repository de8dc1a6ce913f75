import Synchronization

/// What the desk pushes to live connections on its own.
package enum DeskEvent: Sendable, Hashable {
    /// A new (or transferred, or reopened) ticket, for the handlers of its unit and admins.
    case ticket(Ticket)
    /// A unit's reply, for the connections of the asker's conversation.
    case reply(Delivery)
}

/// Who is listening: live connections register here and are told of the events that concern
/// them. No transport in it — a subscriber is a function the transport gives (it writes the
/// event to its socket on its own thread).
package final class EventHub: Sendable {
    /// What one connection listens for.
    package struct Interest: Sendable, Hashable {
        /// The asker's conversation (replies).
        package var conversation: String?
        /// The handler's unit (new tickets); nil for askers.
        package var unit: String?
        /// An admin hears of every unit's tickets.
        package var admin = false

        /// Creates an interest.
        package init(conversation: String? = nil, unit: String? = nil, admin: Bool = false) {
            self.conversation = conversation
            self.unit = unit
            self.admin = admin
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

    /// Tells every interested listener; returns how many were told.
    @discardableResult
    package func publish(_ event: DeskEvent) -> Int {
        let targets = subscribers.withLock { state in
            state.all.values.filter { subscriber in
                switch event {
                case .ticket(let ticket):
                    subscriber.interest.admin || subscriber.interest.unit == ticket.unit
                case .reply(let delivery):
                    subscriber.interest.conversation == delivery.conversation
                }
            }.map(\.deliver)
        }
        for deliver in targets { deliver(event) }
        return targets.count
    }
}
