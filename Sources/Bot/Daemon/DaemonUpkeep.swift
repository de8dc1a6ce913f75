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
