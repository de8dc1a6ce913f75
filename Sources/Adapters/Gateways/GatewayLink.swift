import Clients
import Foundation
import Logging
import NIOCore
import Wire

/// An adapter's link to the daemon, logged in as a gateway (docs/PROTOCOL.md, "Gateways"): a
/// small fixed pool of connections that carries every user of the adapter, each request naming
/// its `user`. Each connection is kept up for as long as the link lives: it reconnects by itself
/// with backoff (0.2 s doubling to 10 s, a little jitter), forever, logs in again, and the daemon
/// then sends every reply of the channel not yet acknowledged. Pings every `pingInterval`
/// detect a daemon that went away without closing; the daemon's own pings are answered.
///
/// Given several daemons on one store (`Settings.fallbacks`), a connection that could not be
/// opened, or was lost, moves on to the next daemon of the list (round-robin), so a daemon that
/// is gone is not tried again and again while another is up; it stays where it logged in. The
/// backoff doubles once per round of the list that brought no login.
///
/// A user's requests always go over the same connection (by a hash of the user), so they reach
/// the daemon in order. A request waits at most `requestTimeout` for its answer.
package actor GatewayLink {
    /// What the link is configured with.
    package struct Settings: Sendable {
        /// The first daemon tried.
        package var host: String
        package var port: Int
        /// Other daemons on the same store, tried in turn after `host:port` when a connection
        /// cannot be opened or is lost.
        package var fallbacks: [DaemonEndpoint] = []
        /// The gateway token (`motcua gateways add`).
        package var token: String
        /// Connections to the daemon.
        package var pool = 2
        /// Seconds between the link's pings.
        package var pingInterval: Double = 20
        /// Seconds a request waits for the daemon's answer.
        package var requestTimeout: Double = 30
        /// TLS to the daemon (nil: plain TCP, for a daemon on the same machine); the same for
        /// every daemon of the list.
        package var tls: DaemonConnection.TLS?
        /// Seconds a TCP connect may take before the next daemon is tried.
        package var connectTimeout: Double = 10

        /// Creates settings for one daemon.
        package init(host: String, port: Int, token: String) {
            self.host = host
            self.port = port
            self.token = token
        }

        /// Creates settings for the daemons of `endpoints` (at least one), tried in this order.
        package init(endpoints: [DaemonEndpoint], token: String) {
            precondition(!endpoints.isEmpty, "a gateway link needs a daemon")
            self.init(host: endpoints[0].host, port: endpoints[0].port, token: token)
            fallbacks = Array(endpoints.dropFirst())
        }

        /// Every daemon of the link, the first one first.
        package var endpoints: [DaemonEndpoint] { [DaemonEndpoint(host: host, port: port)] + fallbacks }
    }

    /// The daemon did not answer (the link is down or the answer is late).
    package struct Unavailable: Error, CustomStringConvertible {
        package var description: String
    }

    /// One connection of the pool.
    private final class Slot {
        var connection: NIOAsyncChannel<InputLine, ByteBuffer>?
        /// Logged in, so requests may go.
        var ready = false
        var waiting: [Int: CheckedContinuation<JSONValue, any Error>] = [:]
        var readyWaiters: [CheckedContinuation<Void, Never>] = []
        /// When the daemon last sent anything (an answer, a push, a pong): it is alive.
        var lastHeard = ContinuousClock.now
    }

    let settings: Settings
    let logger: Logger
    /// Everything the daemon sends on its own (replies, questions to users): called on the
    /// link's reader, so it must not wait long (adapters queue the work).
    let onEvent: @Sendable (JSONValue) -> Void
    /// Waits until the adapter can take another page of the backlog.
    let pace: @Sendable () async -> Void
    private var slots: [Slot] = []
    private var supervisors: [Task<Void, Never>] = []
    private var nextID = 0
    private var closed = false

    /// Creates a link; `start()` connects it.
    /// - Parameter pace: waited for before each page of the backlog after a login (the adapter
    ///   returns once it has room for more).
    package init(settings: Settings, logger: Logger, pace: @escaping @Sendable () async -> Void = {},
                 onEvent: @escaping @Sendable (JSONValue) -> Void)
    {
        self.settings = settings
        self.logger = logger
        self.pace = pace
        self.onEvent = onEvent
    }

    /// Opens the pool's connections and keeps them up until `close()`.
    package func start() {
        guard supervisors.isEmpty, !closed else { return }
        for index in 0..<max(1, settings.pool) {
            slots.append(Slot())
            supervisors.append(Task { await self.supervise(index) })
        }
    }

    /// Connections logged in now.
    package var connected: Int { slots.filter(\.ready).count }

    /// Sends a request for `user` and returns the daemon's answer to it.
    /// - Throws: `Unavailable` when no answer came within the request timeout.
    package func request(_ object: [String: JSONValue], user: String?) async throws -> JSONValue {
        guard !slots.isEmpty else { throw Unavailable(description: "the link is not started") }
        var hasher = Hasher()
        hasher.combine(user ?? "")
        let index = Int(UInt(bitPattern: hasher.finalize()) % UInt(slots.count))
        try await waitReady(index, until: ContinuousClock.now + .milliseconds(Int(settings.requestTimeout * 1000)))
        return try await send(object, user: user, on: index)
    }

    /// Closes every connection; nothing reconnects after.
    package func close() {
        closed = true
        for supervisor in supervisors { supervisor.cancel() }
        for slot in slots { drop(slot, because: "closed") }
    }

    // MARK: - Connections

    /// Keeps connection `index` up: connect, log in, read until it ends, wait, again — on the
    /// next daemon of the list each time a connect failed or a connection was lost.
    private func supervise(_ index: Int) async {
        let endpoints = settings.endpoints
        let timeout = TimeAmount.milliseconds(Int64(settings.connectTimeout * 1000))
        var current = 0
        var delay = 0.2
        // Daemons tried without a login since the last one (a whole round doubles the delay).
        var failures = 0
        while !Task.isCancelled, !closed {
            let endpoint = endpoints[current]
            var loggedIn = false
            do {
                let connection = try await DaemonConnection.connect(endpoint, tls: settings.tls, timeout: timeout)
                let slot = slots[index]
                slot.connection = connection
                slot.lastHeard = .now
                let pinger = Task { await self.ping(index) }
                loggedIn = await read(index, connection, endpoint)
                pinger.cancel()
                drop(slot, because: "connection lost")
                if loggedIn, !closed {
                    logger.notice("lost the daemon", metadata: ["daemon": "\(endpoint)", "link": "\(index)"])
                }
            } catch {
                logger.info("daemon unreachable", metadata: [
                    "daemon": "\(endpoint)", "error": "\(error)", "link": "\(index)",
                ])
            }
            if Task.isCancelled || closed { break }
            if loggedIn {
                delay = 0.2
                failures = 0
            } else {
                failures += 1
            }
            if endpoints.count > 1 {
                current = (current + 1) % endpoints.count
                logger.notice("moving to the next daemon", metadata: [
                    "daemon": "\(endpoints[current])", "link": "\(index)",
                ])
            }
            let jitter = Double.random(in: 0.8...1.2)
            try? await Task.sleep(for: .milliseconds(Int(delay * jitter * 1000)))
            if failures >= endpoints.count {
                delay = min(delay * 2, 10)
                failures = 0
            }
        }
    }

    /// Logs in on a new connection and reads it until it ends; true when the login worked.
    private func read(_ index: Int, _ connection: NIOAsyncChannel<InputLine, ByteBuffer>, _ endpoint: DaemonEndpoint)
        async -> Bool
    {
        var loggedIn = false
        do {
            try await connection.outbound.write(ByteBuffer(
                string: JSONValue.object(["type": "login", "token": .string(settings.token), "id": "login"]).encoded() + "\n"))
            for try await line in connection.inbound {
                guard case .text(let text) = line, let value = try? JSONValue.parse(text) else { continue }
                if value["re"] == "login" {
                    guard value["type"] == "welcome", value["role"] == "gateway" else {
                        logger.error("the daemon refused the gateway token", metadata: [
                            "daemon": "\(endpoint)", "code": "\(value["code"]?.string ?? "-")",
                        ])
                        break
                    }
                    loggedIn = true
                    becomeReady(index)
                    // A long backlog comes a page at a time, as the adapter takes it.
                    if value["more"] == true {
                        let after = value["last"]?.int ?? 0
                        Task { await self.fetchBacklog(index, after: after) }
                    }
                    logger.info("linked to the daemon", metadata: [
                        "daemon": "\(endpoint)", "link": "\(index)", "channel": "\(value["channel"]?.string ?? "-")",
                        "pending": "\(value["pending"]?.int ?? 0)",
                    ])
                    continue
                }
                received(index, value, connection)
            }
        } catch {
            logger.debug("link read ended", metadata: ["error": "\(error)"])
        }
        return loggedIn
    }

    private func received(_ index: Int, _ value: JSONValue, _ connection: NIOAsyncChannel<InputLine, ByteBuffer>) {
        let slot = slots[index]
        slot.lastHeard = .now
        if let id = value["re"]?.int, let continuation = slot.waiting.removeValue(forKey: id) {
            continuation.resume(returning: value)
            return
        }
        switch value["type"]?.string {
        case "ping":
            Task { try? await connection.outbound.write(ByteBuffer(string: #"{"type":"pong"}"# + "\n")) }
        case "signed-out":
            logger.error("the daemon ended the gateway's session", metadata: ["reason": "\(value["reason"]?.string ?? "-")"])
        default:
            onEvent(value)
        }
    }

    /// Asks for the next pages of the channel's backlog on connection `index`, one after the
    /// other, while more wait (a lost connection stops it: the next login starts again).
    private func fetchBacklog(_ index: Int, after first: Int) async {
        var after = first
        while !closed {
            await pace()
            guard let page = try? await send(["type": "pending", "after": .int(after)], user: nil, on: index),
                page["type"] == "pending", let last = page["last"]?.int
            else { return }
            after = last
            guard page["more"] == true else { return }
        }
    }

    /// Pings the daemon; a connection that brought nothing at all for three intervals — no
    /// answer, no push, no pong — is dropped (the supervisor reconnects). A busy link is alive:
    /// any line counts, so a pong queued behind many answers does not end it.
    private func ping(_ index: Int) async {
        let interval = Duration.milliseconds(Int(settings.pingInterval * 1000))
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { return }
            let slot = slots[index]
            guard slot.ready else { continue }
            if ContinuousClock.now - slot.lastHeard > interval * 3 {
                logger.notice("the daemon stopped answering pings; reconnecting", metadata: ["link": "\(index)"])
                slot.connection?.channel.close(promise: nil)
                return
            }
            Task { _ = try? await self.send(["type": "ping"], user: nil, on: index) }
        }
    }

    /// Sends a request on connection `index` and waits for its answer (at most the timeout).
    private func send(_ object: [String: JSONValue], user: String?, on index: Int) async throws -> JSONValue {
        let slot = slots[index]
        guard let connection = slot.connection, slot.ready else { throw Unavailable(description: "the daemon is unreachable") }
        nextID += 1
        let id = nextID
        var object = object
        object["id"] = .int(id)
        if let user { object["user"] = .string(user) }
        let line = ByteBuffer(string: JSONValue.object(object).encoded() + "\n")
        let deadline = ContinuousClock.now + .milliseconds(Int(settings.requestTimeout * 1000))
        let timeout = Task { [weak self] in
            try? await Task.sleep(until: deadline)
            await self?.expire(index, id)
        }
        defer { timeout.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            slot.waiting[id] = continuation
            Task { try? await connection.outbound.write(line) }
        }
    }

    private func becomeReady(_ index: Int) {
        let slot = slots[index]
        slot.ready = true
        // Quiet is counted from the login (a slow one is not a dead daemon).
        slot.lastHeard = .now
        let waiters = slot.readyWaiters
        slot.readyWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until connection `index` is logged in, or the deadline.
    private func waitReady(_ index: Int, until deadline: ContinuousClock.Instant) async throws {
        while !slots[index].ready {
            if closed { throw Unavailable(description: "the link is closed") }
            guard ContinuousClock.now < deadline else { throw Unavailable(description: "the daemon is unreachable") }
            // Woken by the login, or looked at again in a moment (the deadline).
            let waiter = Task { [weak self] in
                try? await Task.sleep(for: .milliseconds(200))
                await self?.wakeReadyWaiters(index)
            }
            await withCheckedContinuation { slots[index].readyWaiters.append($0) }
            waiter.cancel()
        }
    }

    private func wakeReadyWaiters(_ index: Int) {
        let slot = slots[index]
        let waiters = slot.readyWaiters
        slot.readyWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
    }

    private func expire(_ index: Int, _ id: Int) {
        guard index < slots.count, let continuation = slots[index].waiting.removeValue(forKey: id) else { return }
        continuation.resume(throwing: Unavailable(description: "no answer within \(Int(settings.requestTimeout)) s"))
    }

    private func drop(_ slot: Slot, because reason: String) {
        slot.ready = false
        if let connection = slot.connection {
            // NIO requires the writer finished before the channel object goes away.
            connection.outbound.finish()
            connection.channel.close(promise: nil)
        }
        slot.connection = nil
        let waiting = slot.waiting
        slot.waiting.removeAll()
        for continuation in waiting.values { continuation.resume(throwing: Unavailable(description: reason)) }
    }
}
