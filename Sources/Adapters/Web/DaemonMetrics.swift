import Dialogue
import Logging
import Prometheus
import Synchronization

/// One daemon's metrics: a Prometheus registry of its own, the swift-metrics factory the
/// dialogue, the desk and the transports record into (`serviceMetrics`), and the text
/// `/metrics` serves.
///
/// Why a registry per daemon, passed in, rather than `MetricsSystem.bootstrap` with the
/// default registry: bootstrap may run once per process and every test runs daemons side by
/// side in one process, so a global registry would add their counts together (and a second
/// bootstrap traps). The swift-metrics API stays the only thing the domain sees.
package final class DaemonMetrics: Sendable {
    /// The registry `/metrics` shows.
    package let registry: PrometheusCollectorRegistry
    /// The factory over it, with buckets for the daemon's latencies.
    package let factory: PrometheusMetricsFactory
    /// Label values each scrape-time gauge was given before (set to 0 once they are gone,
    /// rather than left at their last count).
    private let shown = Mutex<[String: Set<String>]>([:])

    /// A new, empty registry.
    package init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Answers take about a millisecond and commits less (group commits): the default
        // buckets (5 ms and up) would put every one of them in the first.
        let buckets: [Duration] = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        factory.durationHistogramBuckets = [
            ServiceMetrics.Name.answerLatency: buckets, ServiceMetrics.Name.storeCommit: buckets,
        ]
        self.factory = factory
    }

    /// What the daemon's parts record into.
    package var serviceMetrics: ServiceMetrics { ServiceMetrics(factory: factory) }

    /// The Prometheus text exposition: the desk's gauges read from the store now (two
    /// indexed reads), then every metric of the registry.
    package func exposition(service: DialogueService, logger: Logger) async -> String {
        if let desk = service.escalation {
            do {
                let backlog = try await desk.store.backlog(at: service.clock.now)
                var units = backlog.overdue.mapValues(Double.init)
                // Every unit shows, with 0 when nothing of it is late (an alert needs the series).
                for unit in (try? await desk.store.units()) ?? [] where units[unit.id] == nil { units[unit.id] = 0 }
                set(ServiceMetrics.Name.ticketsOverdue, label: "unit", units)
                if var outbox = backlog.outbox {
                    // The daemon's own clients and every gateway's channel show, empty or not.
                    let channels = ["direct"] + ((try? await desk.store.gateways()) ?? []).map(\.channel)
                    for channel in channels where outbox[channel] == nil {
                        outbox[channel] = DeskBacklog.Outbox(count: 0, oldestSeconds: 0)
                    }
                    set(ServiceMetrics.Name.outboxBacklog, label: "channel", outbox.mapValues { Double($0.count) })
                    set(ServiceMetrics.Name.outboxOldest, label: "channel", outbox.mapValues(\.oldestSeconds))
                }
            } catch {
                // The counters still show; /ready tells the store is down.
                logger.warning("metrics: the desk's backlog could not be read", metadata: ["error": "\(error)"])
            }
        }
        return registry.emitToString()
    }

    /// Sets a labelled gauge family to `values`, and to 0 the labels it had before that are gone.
    private func set(_ name: String, label: String, _ values: [String: Double]) {
        let gone = shown.withLock { shown in
            let before = shown[name] ?? []
            shown[name] = before.union(values.keys)
            return before.subtracting(values.keys)
        }
        let descriptor = MetricNameDescriptor(metricName: name, unitName: "", helpText: Self.help[name] ?? "")
        for (value, figure) in values {
            registry.makeGauge(descriptor: descriptor, labels: [(label, value)]).set(to: figure)
        }
        for value in gone { registry.makeGauge(descriptor: descriptor, labels: [(label, value)]).set(to: 0) }
    }

    /// What the scrape-time gauges mean, for the `# HELP` lines.
    static let help = [
        ServiceMetrics.Name.ticketsOverdue: "Open tickets past their due time, by unit.",
        ServiceMetrics.Name.outboxBacklog: "Replies to askers not acknowledged yet, by channel.",
        ServiceMetrics.Name.outboxOldest: "Age of the oldest unacknowledged reply, by channel (0: none).",
    ]
}
