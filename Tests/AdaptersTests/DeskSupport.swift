import Dialogue
import Foundation
import Logging
import NIOCore
import NIOPosix
import Retrieval
import ServiceLifecycle
import Synchronization
import Testing

@testable import Daemon
@testable import Gateways
@testable import PostgresStorage
@testable import Clients
@testable import Server
@testable import Storage
@testable import Wire

/// A daemon with the escalation desk on a store in a directory (so it can be restarted), two
/// units and a handler token for each, serving TCP on a free port.
struct DeskDaemon {
    static let entries = [
        KnowledgeEntry(id: "cap-do", question: "Hệ thống thông tin có mấy cấp độ an toàn?",
                       answer: "Có 5 cấp độ, từ cấp độ 1 đến cấp độ 5.", topic: "an-toan", unit: "ATTT"),
        KnowledgeEntry(id: "giam-sat", question: "Ai giám sát an toàn thông tin cho hệ thống của tỉnh?",
                       answer: "Trung tâm giám sát an toàn không gian mạng quốc gia phối hợp với tỉnh.", topic: "an-toan",
                       unit: "ATTT"),
        KnowledgeEntry(id: "lgsp", question: "Nền tảng LGSP của tỉnh dùng để làm gì?",
                       answer: "Kết nối, chia sẻ dữ liệu giữa các hệ thống trong tỉnh.", topic: "nen-tang", unit: "CDS"),
        KnowledgeEntry(id: "bao-cao", question: "Thời hạn nộp báo cáo định kỳ là khi nào?",
                       answer: "Trước ngày 15 của tháng cuối kỳ báo cáo.", topic: "nen-tang", unit: "CDS"),
    ]
    static let topics = [
        Topic(id: "an-toan", name: "An toàn thông tin", unit: "ATTT"),
        Topic(id: "nen-tang", name: "Nền tảng, hạ tầng kỹ thuật", unit: "CDS"),
    ]

    let directory: String
    /// A PostgreSQL store instead of the directory's SQLite file (each `openStore` a new
    /// connection pool, as another daemon or command would have).
    var postgres: PostgresAddress?
    /// The desk's rules (tests change caps, review, the calendar).
    var desk = EscalationService.Configuration(topics: DeskDaemon.topics)
    /// The desk's clock.
    var clock = TestClock()

    /// A fresh directory with units and two handlers; returns the daemon and the tokens.
    /// - Parameter postgres: on a new PostgreSQL schema (`MOTCUA_TEST_POSTGRES`) instead of SQLite.
    static func make(postgres: Bool = false) async throws -> (DeskDaemon, attt: String, cds: String, revoked: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("motcua-desk-\(UUID().uuidString)").path
        let daemon = DeskDaemon(directory: directory, postgres: postgres ? try PostgresScratch.address() : nil)
        let store = try await daemon.openStore()
        try await store.saveUnits([UnitRecord(id: "ATTT", name: "Cục An toàn thông tin"),
                                   UnitRecord(id: "CDS", name: "Cục Chuyển đổi số quốc gia")])
        var tokens: [String] = []
        // The ATTT handler also reviews the unit's answers.
        for (unit, name, reviewer) in [("ATTT", "Cán bộ An toàn", true), ("CDS", "Cán bộ Nền tảng", false),
                                       ("ATTT", "Cán bộ đã nghỉ", false)]
        {
            let (id, token, hash) = HandlerTokens.make()
            try await store.addHandler(Handler(id: id, unit: unit, name: name, reviewer: reviewer), secretHash: hash)
            tokens.append(token)
        }
        _ = try await store.revokeHandler(HandlerTokens.parse(tokens[2])!.id)
        _ = try await store.importCorpus(entries)
        return (daemon, tokens[0], tokens[1], tokens[2])
    }

    /// The daemon's store (a new connection to it).
    func openStore() async throws -> any DaemonAssembly.Store {
        guard let postgres else { return try SQLiteStore.open(directory: directory) }
        return try await PostgresStore.open(postgres, connections: 8, logger: Logger(label: "test"))
    }

    /// Adds a handler to the directory's store (also while the daemon runs, as `motcua
    /// handlers add` would from another process); returns their id and token.
    func addHandler(unit: String, name: String, admin: Bool = false, reviewer: Bool = false, expiresAt: Date? = nil)
        async throws -> (id: String, token: String)
    {
        let store = try await openStore()
        let (id, token, hash) = HandlerTokens.make()
        try await store.addHandler(Handler(id: id, unit: unit, name: name, admin: admin, reviewer: reviewer,
                                           expiresAt: expiresAt), secretHash: hash)
        return (id, token)
    }

    /// Adds a gateway to the directory's store, as `motcua gateways add` does; returns its id
    /// and token.
    func addGateway(channel: String = "telegram", name: String = "Cổng thử") async throws -> (id: String, token: String) {
        let store = try await openStore()
        let (id, token, hash) = HandlerTokens.make(prefix: HandlerTokens.gatewayPrefix)
        try await store.addGateway(Gateway(id: id, channel: channel, name: name, createdAt: Date()), secretHash: hash)
        return (id, token)
    }

    /// An adapter's link settings to a daemon on `port` with a gateway `token`, quick to notice
    /// a lost daemon.
    static func link(port: Int, token: String, pool: Int = 2) -> GatewayLink.Settings {
        var settings = GatewayLink.Settings(host: "127.0.0.1", port: port, token: token)
        settings.pool = pool
        settings.pingInterval = 1
        settings.requestTimeout = 20
        return settings
    }

    /// Revokes a gateway from another connection to the store, as `motcua gateways revoke` does.
    func revokeGateway(_ id: String) async throws {
        _ = try await openStore().revokeGateway(id)
    }

    /// Revokes a handler from another connection to the store, as `motcua handlers revoke` does.
    func revoke(_ id: String) async throws {
        _ = try await openStore().revokeHandler(id)
    }

    /// The daemon's services over the directory's store, put together by the daemon's own
    /// assembly (the entries and units are in the store already; no catalogue).
    /// - Parameter metrics: where the daemon records what it measures (by default nowhere).
    func service(logger: Logger = Logger(label: "test"), metrics: ServiceMetrics = ServiceMetrics()) async throws
        -> DialogueService
    {
        var ranking = RankingConfiguration()
        ranking.answerThreshold = 0.5
        ranking.suggestThreshold = 0.45
        let recipe = DaemonRecipe(entries: [], topics: DeskDaemon.topics, lexicon: Lexicon(abbreviationsText: ""),
                                  ranking: ranking, desk: desk, catalogue: false)
        return try await DaemonAssembly.open(store: try await openStore(), recipe: recipe,
                                             clock: clock, logger: logger, metrics: metrics)
    }

    /// Runs the daemon for `body` (given its port), then shuts it down.
    func run(port: Int = 0, limits: SessionLimits = SessionLimits(), logger: Logger = Logger(label: "test"),
             _ body: @Sendable @escaping (Int) async throws -> Void) async throws
    {
        try await ServerTests.serve(try await service(logger: logger), limits: limits, port: port, logger: logger, body)
    }

    /// Runs the daemon for `body`, given its port and its desk (to run the upkeep the daemon
    /// runs on its own: ending stale sessions, reminders).
    func run(limits: SessionLimits = SessionLimits(),
             _ body: @Sendable @escaping (Int, EscalationService) async throws -> Void) async throws
    {
        let service = try await service()
        let desk = try #require(service.escalation)
        try await ServerTests.serve(service, limits: limits, port: 0) { port in try await body(port, desk) }
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// The tests' client of the daemon: `JSONLineClient`, failing with `ClientTimeout` when
/// nothing arrives in time.
struct JSONClient: Sendable {
    let client: JSONLineClient

    init(port: Int) async throws {
        client = try await JSONLineClient(host: "127.0.0.1", port: port)
    }

    func send(_ object: JSONValue) async throws { try await client.send(object) }

    /// The next object the server sends; fails after `seconds` without one.
    func next(within seconds: Double = 10) async throws -> JSONValue {
        guard let value = try await client.next(within: seconds) else { throw ClientTimeout() }
        return value
    }

    /// Whether nothing more arrives within `seconds`.
    func isQuiet(for seconds: Double) async throws -> Bool { try await client.isQuiet(for: seconds) }

    /// Sends a request and returns its response (pushes that came meanwhile stay for `next`).
    func ask(_ object: JSONValue) async throws -> JSONValue {
        do {
            return try await client.ask(object)
        } catch is JSONLineClient.Timeout {
            throw ClientTimeout()
        }
    }

    func close() async { await client.close() }
}

/// Nothing arrived in time.
struct ClientTimeout: Error {}

extension JSONClient {
    /// A client logged in as a gateway with `token`; returns it and the welcome.
    static func gateway(port: Int, token: String) async throws -> (JSONClient, welcome: JSONValue) {
        let client = try await JSONClient(port: port)
        let welcome = try await client.ask(["type": "login", "token": .string(token)])
        return (client, welcome)
    }
}

extension JSONClient {
    /// The newest ticket a handler's queue shows, read from the JSON fields (signs in with
    /// `token` on a connection of its own): tests take ticket numbers from here, never from
    /// the words of a receipt.
    static func newestTicket(port: Int, token: String) async throws -> Int {
        let handler = try await JSONClient(port: port)
        defer { Task { await handler.close() } }
        _ = try await handler.ask(["type": "login", "token": .string(token)])
        let queue = try await handler.ask(["type": "queue"])
        let numbers = (queue["tickets"]?.array ?? []).compactMap { $0["ticket"]?.int }
        return try #require(numbers.max())
    }
}

/// The desk's clock in these tests (it moves only when told).
typealias TestClock = ManualClock
