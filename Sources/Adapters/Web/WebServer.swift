import Dialogue
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle
import Server
import Synchronization
import Wire

/// The daemon's HTTP face (`motcua serve --http HOST:PORT`), on Hummingbird: the WebSocket at
/// `/ws` carries exactly the JSON protocol of docs/PROTOCOL.md, one JSON object per text frame —
/// no second API — through the same `ChatSession` as TCP (rate limits, roles, the desk), and
/// `/health` says it is up, `/metrics` shows the daemon's metrics in Prometheus's text format
/// (when it is given its registry). A browser's upgrade is accepted only from the configured site
/// (`Origin`, by default the listener's own address): another site's page cannot speak for its
/// visitor. A `Service`: it stops with the daemon's group.
package final class WebServer: Service, Sendable {
    /// Where to listen and whom to let in.
    package struct Configuration: Sendable {
        package var host = "127.0.0.1"
        /// 0: any free port, reported through `onBound`.
        package var port = 8080
        /// Per-connection limits, as on TCP (a frame is a line).
        package var limits = SessionLimits()
        /// Origins a browser's WebSocket may come from (`http://host:port`); empty: the
        /// listener's own address (and `localhost` for a loopback listener).
        package var origins: [String] = []
        /// TLS (HTTPS, and `wss://` for the WebSocket); nil: plain HTTP, for a loopback
        /// listener, behind a proxy that terminates TLS, or with `--insecure`.
        package var tls: TLSConfiguration?

        /// The defaults.
        package init() {}
    }

    let configuration: Configuration
    let service: DialogueService
    let logger: Logger
    let onBound: @Sendable (Int) -> Void
    private let bound = BoundPort()
    /// The console's and dashboard's signed-in browsers.
    package let consoleSessions: ConsoleSessions
    /// What `/metrics` shows (nil: no such page).
    let metrics: DaemonMetrics?

    /// Creates the server.
    /// - Parameters:
    ///   - metrics: the registry the daemon records into, shown at `/metrics`.
    ///   - onBound: called with the port once listening (tests bind port 0).
    package init(configuration: Configuration, service: DialogueService, logger: Logger, metrics: DaemonMetrics? = nil,
                 onBound: @escaping @Sendable (Int) -> Void = { _ in })
    {
        self.configuration = configuration
        self.service = service
        self.logger = logger
        self.metrics = metrics
        self.onBound = onBound
        consoleSessions = ConsoleSessions(clock: service.clock,
                                          shared: service.store.isShared ? service.escalation?.store : nil)
    }

    /// Serves until the group shuts down.
    package func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            let application = try self.application()
            group.addTask { try await application.run() }
            // Sessions past their time end on their own: their pages are told and let go.
            group.addTask { [consoleSessions] in
                while !Task.isCancelled {
                    try await Task.sleep(for: .seconds(1))
                    consoleSessions.expire()
                    await consoleSessions.reconcile()
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// The Hummingbird application (tests run it with `HummingbirdTesting`).
    /// - Throws: when the TLS configuration cannot be used.
    package func application() throws -> some ApplicationProtocol {
        let router = Router(context: WebRequestContext.self)
        router.get("/health") { _, _ in "ok" }
        // Ready: the index is loaded (the server runs only over a built service) and the store
        // answers a read; else 503, so that a load balancer sends no one here.
        router.get("/ready") { [service] _, _ -> Response in
            do {
                _ = try await service.store.conversation("00000000000000000000000000000000")
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ready")))
            } catch {
                return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "store unavailable")))
            }
        }
        if let metrics {
            // Prometheus's scraper: the desk's gauges are read from the store at each scrape.
            router.get("/metrics") { [service, logger] _, _ -> Response in
                let text = await metrics.exposition(service: service, logger: logger)
                return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: text)))
            }
        }
        StaticPages.add(to: router, embedders: configuration.origins)
        let limits = configuration.limits
        let service = self.service
        let logger = self.logger
        let live = bound
        let origins = OriginCheck(configured: configuration.origins, host: configuration.host,
                                  port: { [bound] in bound.port.load(ordering: .relaxed) })
        let consoleSessions = self.consoleSessions
        ConsoleRoutes.add(to: router, sessions: consoleSessions, service: service, origins: origins,
                          servesTLS: configuration.tls != nil)
        ConsoleRoutes.addReport(to: router, sessions: consoleSessions, service: service)
        LearnedRoutes.add(to: router, sessions: consoleSessions, service: service, origins: origins)
        // Frames up to 1 MiB are read, so that one over the line limit is answered as a long line
        // is (the connection stays); beyond that the WebSocket layer closes it.
        let websockets = service.metrics.connections("websocket")
        let http = HTTPServerBuilder.http1WebSocketUpgrade(configuration: .init(maxFrameSize: 1 << 20), shouldUpgrade: {
            request, channel, _ in
            let (path, query) = Self.split(request.path ?? "")
            guard path == "/ws" else { return .dontUpgrade }
            // `/ws?console=1`: the console's and dashboard's socket, signed in by the session
            // cookie (an asker's page in the same browser opens `/ws` and stays an asker).
            var console: WebSocketSession.Console?
            if Self.asksForConsole(query) {
                await consoleSessions.adopt(fromCookieHeader: request.headerFields[.cookie]) { id in
                    try? await service.escalation?.store.handler(id)?.0
                }
                guard let id = consoleSessions.liveID(fromCookieHeader: request.headerFields[.cookie]),
                    let handler = consoleSessions.handler(for: id)
                else {
                    logger.notice("console websocket without a live session refused")
                    return .dontUpgrade
                }
                console = WebSocketSession.Console(sessions: consoleSessions, id: id, handler: handler)
            }
            guard origins.allows(request.headerFields[.origin]) else {
                logger.notice("websocket from another site refused")
                return .dontUpgrade
            }
            // At most `maximumConnections` WebSockets at once (each holds a descriptor and a session).
            guard live.sessions.wrappingAdd(1, ordering: .relaxed).newValue <= limits.maximumConnections else {
                live.sessions.wrappingSubtract(1, ordering: .relaxed)
                logger.notice("websocket refused: at the connection limit")
                return .dontUpgrade
            }
            let source = channel.remoteAddress?.ipAddress ?? "unknown"
            let eventLoop = channel.eventLoop
            let signedIn = console
            return .upgrade([:]) { inbound, outbound, _ in
                websockets.increment()
                defer {
                    live.sessions.wrappingSubtract(1, ordering: .relaxed)
                    websockets.decrement()
                }
                try await WebSocketSession.serve(inbound: inbound, outbound: outbound, service: service, limits: limits,
                                                 source: source, eventLoop: eventLoop, console: signedIn)
            }
        })
        // The same HTTP and WebSocket handling, inside TLS when it is configured.
        let server = try configuration.tls.map { try HTTPServerBuilder.tls(http, tlsConfiguration: $0) } ?? http
        return Application(
            router: router, server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "motcua"),
            onServerRunning: { [bound, onBound] channel in
                let port = channel.localAddress?.port ?? 0
                bound.port.store(port, ordering: .relaxed)
                onBound(port)
            }, logger: logger)
    }
}

extension WebServer {
    /// A request target's path and query (`/ws?console=1` → `/ws`, `console=1`).
    static func split(_ target: String) -> (path: String, query: String) {
        guard let mark = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<mark]), String(target[target.index(after: mark)...]))
    }

    /// Whether a query names the console's socket: a parameter `console=1` exactly (not
    /// `noconsole=1` or `console=10`).
    static func asksForConsole(_ query: String) -> Bool {
        query.split(separator: "&").contains("console=1")
    }
}

/// Which browser pages may open the WebSocket: a request without a web page's `Origin` (not a
/// browser: a script, a gateway, a WebSocket library that names its own `ws://` origin) is let
/// in; a browser's page (`http://`, `https://`, or `null` from a sandboxed or local file) only
/// from the configured site.
struct OriginCheck: Sendable {
    let configured: [String]
    let host: String
    let port: @Sendable () -> Int

    /// Whether every origin the request names (one header, or several joined) may come in.
    func allows(_ origin: String?) -> Bool {
        guard let origin else { return true }
        return origin.split(separator: ",").allSatisfy { allowsOne(String($0).trimmingCharacters(in: .whitespaces)) }
    }

    func allowsOne(_ origin: String) -> Bool {
        let given = origin.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard given == "null" || given.hasPrefix("http://") || given.hasPrefix("https://") else { return true }
        if !configured.isEmpty {
            return configured.contains { $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "/")) == given }
        }
        let port = port()
        var own = ["http://\(host):\(port)", "https://\(host):\(port)"]
        if host == "127.0.0.1" || host == "::1" || host == "localhost" {
            for scheme in ["http", "https"] {
                own += ["\(scheme)://localhost:\(port)", "\(scheme)://127.0.0.1:\(port)", "\(scheme)://[::1]:\(port)"]
            }
        }
        return own.contains(given)
    }
}

/// The port the server listens on, once it does, and the WebSockets open now.
final class BoundPort: Sendable {
    let port = Atomic<Int>(0)
    let sessions = Atomic<Int>(0)
}
