import Dialogue
import Logging
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

/// Retention (`serve --retention-days`) as a service of the daemon's group: once at the start
/// and then every hour, conversations with no activity for `days` days and no open ticket are
/// erased as `motcua privacy erase` erases one (their tickets kept anonymised for the reports).
/// It logs counts only.
package struct RetentionUpkeep: Service {
    /// Time between two passes, in seconds.
    static let interval: Double = 3_600

    let store: any PrivacyStore
    let days: Int
    let clock: any WallClock
    let logger: Logger

    /// Retention of `days` days over `store`, by the daemon's `clock`.
    package init(store: any PrivacyStore, days: Int, clock: any WallClock, logger: Logger) {
        self.store = store
        self.days = days
        self.clock = clock
        self.logger = logger
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await expireOnce()
                do { try await clock.sleep(seconds: Self.interval) } catch { return }
            }
        }
    }

    /// One pass: erases what has been inactive longer than the retention period.
    /// - Returns: how many conversations were erased (nil: the store failed; logged, and the
    ///   next pass tries again).
    @discardableResult
    package func expireOnce() async -> Int? {
        let cutoff = clock.now.addingTimeInterval(-Double(days) * 86_400)
        do {
            let erased = try await store.expireConversations(inactiveSince: cutoff)
            if erased > 0 {
                logger.info("retention: inactive conversations erased", metadata: ["count": "\(erased)", "days": "\(days)"])
            }
            return erased
        } catch {
            // The store's error names the statement, never its values.
            logger.error("retention pass failed", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
