import Dialogue
import ServiceLifecycle

/// The store's background upkeep as a service of the daemon's group: it runs until the group
/// shuts down, and stops after the server (the last commits are in by then).
package struct StoreUpkeep: Service {
    let store: any ConversationStore

    /// Upkeep of `store`.
    package init(store: any ConversationStore) { self.store = store }

    package func run() async throws {
        await cancelWhenGracefulShutdown { await store.maintain() }
    }
}

/// The desk's upkeep as a service of the daemon's group: revoked and expired handler sessions
/// ended, units reminded of tickets that owe their askers news.
package struct DeskUpkeep: Service {
    let desk: EscalationService

    /// Upkeep of `desk`.
    package init(desk: EscalationService) { self.desk = desk }

    package func run() async throws {
        await cancelWhenGracefulShutdown { await desk.maintain() }
    }
}

/// A daemon of a shared store follows what the others change: their tickets, replies and
/// drafts reach this daemon's live connections, their knowledge this daemon's index.
package struct ChangeFollower: Service {
    let store: any SharedStore
    let daemon: DialogueService

    /// The follower of `daemon`'s store; nil when no other daemon shares it.
    package init?(daemon: DialogueService) {
        guard let store = daemon.store as? any SharedStore else { return nil }
        self.store = store
        self.daemon = daemon
    }

    package func run() async throws {
        let hub = daemon.escalation?.hub
        let index = daemon.index
        await cancelWhenGracefulShutdown {
            await store.follow { change in
                switch change {
                case .desk(let event): hub?.deliver(event)
                case .knowledge(let id, let entry?) where entry.id == id: index?.upsert(entry)
                case .knowledge(let id, _): index?.retire(id)
                }
            }
        }
    }
}
