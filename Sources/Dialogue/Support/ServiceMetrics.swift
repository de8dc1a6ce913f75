import CoreMetrics

/// What the daemon measures, recorded through the swift-metrics API into the factory the
/// daemon was given — never into `MetricsSystem`'s global one. `MetricsSystem.bootstrap` may run
/// once per process, and the tests run many daemons in one process: each daemon gets a factory
/// of its own (in `serve`, a `PrometheusMetricsFactory` over the registry `/metrics` shows), so
/// two daemons never add into each other's counts. The domain knows only the API; the backend
/// is the caller's choice (none: nothing is recorded).
package struct ServiceMetrics: Sendable {
    /// The metric names: a contract with dashboards and alerts (units in the name, `motcua_`
    /// first). Changing one breaks someone's alert.
    package enum Name {
        /// Counter, label `decision`: asker messages the dialogue replied to, by the reply's kind
        /// (`answer`, `suggest`, `escalate`, `escalated`, `chat`).
        package static let questions = "motcua_questions_total"
        /// Histogram (seconds): one asker message, from arrival at the dialogue to the reply
        /// committed (waiting for the conversation's turn, the search and the store's write).
        package static let answerLatency = "motcua_answer_latency_seconds"
        /// Counter, label `unit`: tickets raised.
        package static let ticketsRaised = "motcua_tickets_raised_total"
        /// Counter, label `unit`: a unit's answers sent to askers.
        package static let ticketsAnswered = "motcua_tickets_answered_total"
        /// Gauge, label `unit`: open tickets past their due time (read from the store on scrape).
        package static let ticketsOverdue = "motcua_tickets_overdue"
        /// Gauge, label `channel`: replies in the outbox not acknowledged yet.
        package static let outboxBacklog = "motcua_outbox_backlog"
        /// Gauge, label `channel`: age of the oldest of them, seconds (0: none).
        package static let outboxOldest = "motcua_outbox_oldest_seconds"
        /// Gauge, label `kind` (`tcp`, `websocket`): connections open now.
        package static let connections = "motcua_connections"
        /// Histogram (seconds): the store's write of one exchange (message in, reply, state, and
        /// the ticket when one is raised).
        package static let storeCommit = "motcua_store_commit_seconds"
        /// Counter: confirmations the learner could not store (the replies went out; what they
        /// would have taught is lost — a store fault to look at).
        package static let learningFailures = "motcua_learning_failures_total"
    }

    /// Where the measurements go.
    package let factory: any MetricsFactory
    private let latency: Timer
    private let commit: Timer
    /// One counter a reply kind, made once (the hot path does not look them up).
    private let decisions: [String: Counter]

    /// Measurements recorded into `factory` (by default nowhere).
    package init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.factory = factory
        latency = Timer(label: Name.answerLatency, factory: factory)
        commit = Timer(label: Name.storeCommit, factory: factory)
        var decisions: [String: Counter] = [:]
        for kind in ["answer", "suggest", "escalate", "escalated", "chat"] {
            decisions[kind] = Counter(label: Name.questions, dimensions: [("decision", kind)], factory: factory)
        }
        self.decisions = decisions
    }

    /// The dialogue replied to an asker's message with `reply`, `elapsed` after it arrived.
    package func replied(_ reply: DialogueReply, after elapsed: Duration) {
        let kind = reply.kind
        (decisions[kind] ?? Counter(label: Name.questions, dimensions: [("decision", kind)], factory: factory)).increment()
        latency.record(elapsed: elapsed)
    }

    /// Runs `write` (the store's commit of an exchange) and records how long it took, also when
    /// it fails.
    package func committing<T>(_ write: () async throws -> T) async throws -> T {
        let started = ContinuousClock.now
        defer { commit.record(elapsed: ContinuousClock.now - started) }
        return try await write()
    }

    /// Recording what an exchange taught failed.
    package func learningFailed() {
        Counter(label: Name.learningFailures, factory: factory).increment()
    }

    /// A ticket was raised for `unit`.
    package func raised(unit: String) {
        Counter(label: Name.ticketsRaised, dimensions: [("unit", unit)], factory: factory).increment()
    }

    /// A unit answered a ticket's asker.
    package func answered(unit: String) {
        Counter(label: Name.ticketsAnswered, dimensions: [("unit", unit)], factory: factory).increment()
    }

    /// The gauge of open connections of a transport (`tcp`, `websocket`).
    package func connections(_ kind: String) -> Meter {
        Meter(label: Name.connections, dimensions: [("kind", kind)], factory: factory)
    }
}

extension Timer {
    /// Records a `Duration` (CoreMetrics takes nanoseconds; the `Metrics` module's own
    /// `record(duration:)` is not linked here).
    func record(elapsed: Duration) {
        let (seconds, attoseconds) = elapsed.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
