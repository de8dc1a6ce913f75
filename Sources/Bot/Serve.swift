import Adapters
import ArgumentParser
import Dialogue
import Foundation
import Logging
import Retrieval
import ServiceLifecycle

/// `motcua serve`: the daemon.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Chạy máy chủ hỏi đáp: TCP (mặc định 127.0.0.1:7420) hoặc một cuộc trò chuyện trên stdin/stdout.")

    @Option(name: .long, help: "Địa chỉ lắng nghe.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Cổng lắng nghe (0–65535).")
    var port = Port(7420)

    @Flag(name: .long, help: "Phục vụ một cuộc trò chuyện trên stdin/stdout rồi thoát khi hết đầu vào.")
    var stdio = false

    @Option(name: .long, help: "Số tin nhắn mỗi giây một kết nối được gửi (sau đợt đầu).")
    var rate = SessionLimits().messagesPerSecond

    @Option(name: .long, help: "Số tin nhắn một kết nối được gửi dồn một lúc.")
    var burst = SessionLimits().burst

    @Option(name: .long, help: "Số kết nối đồng thời tối đa.")
    var maxConnections = SessionLimits().maximumConnections

    @Option(name: .long, help: "Số giây không nhận gì thì đóng kết nối.")
    var idleTimeout = Seconds(SessionLimits().idleTimeout)

    @Option(name: .long, help: "Số giây chờ một kết nối không đọc câu trả lời trước khi ngắt kết nối.")
    var slowReaderTimeout = Seconds(SessionLimits().slowReaderTimeout)

    @Option(name: .long, help: "Số giây tối đa từ lúc kết nối đến khi nhận đủ dòng đầu tiên.")
    var firstLineTimeout = Seconds(SessionLimits().firstLineTimeout)

    @Option(name: .long, help: "Số giây tối đa để nhận đủ một dòng, kể từ byte đầu của dòng.")
    var lineTimeout = Seconds(SessionLimits().lineTimeout)

    @Option(name: .long, help: "Số phiếu một cuộc trò chuyện được tạo trong một giờ (0: không giới hạn; mặc định: desk.json).")
    var ticketsPerConversation: Int?

    @Option(name: .long, help: "Số phiếu một địa chỉ IP được tạo trong một giờ (0: không giới hạn; mặc định: desk.json).")
    var ticketsPerAddress: Int?

    @OptionGroup var store: StoreOptions

    func validate() throws {
        try check(rate, 0.001...1_000_000, "rate")
        try check(burst, 1...1_000_000, "burst")
        try check(maxConnections, 1...1_000_000, "max-connections")
        try check(ticketsPerConversation ?? 0, 0...1_000_000, "tickets-per-conversation")
        try check(ticketsPerAddress ?? 0, 0...1_000_000, "tickets-per-address")
    }

    func run() async throws {
        // A reader that goes away must end its connection, not the daemon.
        signal(SIGPIPE, SIG_IGN)
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "motcua")
        logger.logLevel = .info
        var ticketLimits: TicketQuota.Limits?
        if ticketsPerConversation != nil || ticketsPerAddress != nil {
            var limits = try store.loadCorpus().deskConfiguration.ticketLimits
            if let ticketsPerConversation { limits.perConversation = ticketsPerConversation }
            if let ticketsPerAddress { limits.perAddress = ticketsPerAddress }
            ticketLimits = limits
        }
        let daemon = try await store.openDaemon(logger: logger, ticketLimits: ticketLimits)
        let service: any Service
        var terminate = ServiceGroupConfiguration.ServiceConfiguration.TerminationBehavior.gracefullyShutdownGroup
        if stdio {
            service = StdioServer(service: daemon, logger: logger)
        } else {
            var configuration = ChatServer.Configuration()
            configuration.host = host
            configuration.port = port.value
            configuration.limits.messagesPerSecond = rate
            configuration.limits.burst = burst
            configuration.limits.maximumConnections = maxConnections
            configuration.limits.idleTimeout = idleTimeout.value
            configuration.limits.slowReaderTimeout = slowReaderTimeout.value
            configuration.limits.firstLineTimeout = firstLineTimeout.value
            configuration.limits.lineTimeout = lineTimeout.value
            service = ChatServer(configuration: configuration, service: daemon, logger: logger)
            terminate = .cancelGroup
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: StoreUpkeep(store: daemon.store), successTerminationBehavior: .ignore)
        ]
        if let desk = daemon.escalation {
            services.append(.init(service: DeskUpkeep(desk: desk), successTerminationBehavior: .ignore))
        }
        services.append(.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup,
                              failureTerminationBehavior: terminate))
        var groupConfiguration = ServiceGroupConfiguration(
            // Shut down in reverse order: the server first, the desk's and the store's upkeep after it.
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // Replies in flight get up to 4 s; connections still open after that are cancelled, so
        // the daemon exits within 5 s of SIGTERM even with clients that never hang up.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(4)
        groupConfiguration.maximumCancellationDuration = .milliseconds(800)
        let group = ServiceGroup(configuration: groupConfiguration)
        try await group.run()
    }
}

/// `motcua import`: brings corpus changes into the store without losing what the daemon learned.
/// The store's background upkeep as a service of the daemon's group: it runs until the group
/// shuts down, and stops after the server (the last commits are in by then).
struct StoreUpkeep: Service {
    let store: any ConversationStore

    func run() async throws {
        await cancelWhenGracefulShutdown { await store.maintain() }
    }
}

/// The desk's upkeep as a service of the daemon's group: revoked and expired handler sessions
/// ended, units reminded of tickets that owe their askers news.
struct DeskUpkeep: Service {
    let desk: EscalationService

    func run() async throws {
        await cancelWhenGracefulShutdown { await desk.maintain() }
    }
}

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Nhập corpus vào kho dữ liệu, giữ nguyên những gì máy chủ đã học.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let corpus = try store.loadCorpus()
        let database = try SQLiteStore.open(directory: store.data)
        let summary = try await database.importCorpus(corpus.entries)
        try await database.saveUnits(corpus.unitRecords)
        print("Đã nhập \(corpus.entries.count) mục: \(summary.added) mới, \(summary.updated) cập nhật, "
            + "\(summary.unchanged) không đổi; \(summary.kept) mục đã học được giữ nguyên.")
    }
}

/// Where the daemon keeps its data and finds its corpus.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Thư mục dữ liệu (SQLite).")
    var data = "./motcua-data"

    @Option(name: .long, help: "Thư mục corpus (mặc định: corpus đi kèm).")
    var corpus: String?

    @Option(name: .long, help: "Tệp cấu hình xếp hạng JSON (mặc định: corpus/ranking.json).")
    var config: String?

    /// The corpus (lexicon, topics, catalogue, default entries).
    func loadCorpus() throws -> Corpus {
        try Corpus.load(from: corpus ?? Corpus.defaultDirectory())
    }

    /// Opens the store (importing the corpus on first start), builds the index from the store
    /// and returns the dialogue service over both.
    /// - Parameter ticketLimits: caps on tickets that replace those of `desk.json`.
    func openDaemon(logger: Logger, ticketLimits: TicketQuota.Limits? = nil) async throws -> DialogueService {
        let corpus = try loadCorpus()
        let store = try SQLiteStore.open(directory: data)
        var entries = try await store.knowledgeEntries()
        if entries.isEmpty {
            let summary = try await store.importCorpus(corpus.entries)
            logger.info("first start: corpus imported", metadata: ["entries": "\(summary.added)"])
            entries = try await store.knowledgeEntries()
        }
        if try await store.units().isEmpty { try await store.saveUnits(corpus.unitRecords) }
        let configuration = try config.map(Corpus.loadRanking(from:)) ?? corpus.ranking
        let index = corpus.makeIndex(entries: entries, configuration: configuration)
        logger.info("index built", metadata: ["entries": "\(index.count)"])
        let engine = SearchEngine(index)
        let dialogue = Dialogue(engine: engine, analyzer: Analyzer(lexicon: corpus.lexicon))
        var deskConfiguration = corpus.deskConfiguration
        if let ticketLimits { deskConfiguration.ticketLimits = ticketLimits }
        let year = CivilDay(containing: Date()).year
        for missing in [year, year + 1] where !deskConfiguration.calendar.listedYears.contains(missing) {
            logger.warning("desk.json lists no public holidays for this year: due dates count weekdays only",
                           metadata: ["year": "\(missing)"])
        }
        let escalation = EscalationService(
            store: store, configuration: deskConfiguration,
            search: { engine.search($0) }, entry: { engine.entry($0) },
            learn: { engine.upsert($0) }, forget: { engine.retire($0) })
        let catalogue = DocumentCatalogue(corpus.documents + (try await store.addedDocuments()), lexicon: corpus.lexicon)
        return DialogueService(store: store, dialogue: dialogue, escalation: escalation, catalogue: catalogue)
    }
}

/// `motcua chat`: talk to a running daemon from a terminal.
struct Chat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Trò chuyện với máy chủ đang chạy từ cửa sổ dòng lệnh.")

    @OptionGroup var server: ServerAddress

    @Option(name: .long, help: "Tệp nhớ mã cuộc trò chuyện giữa các lần chạy.")
    var state = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".motcua-conversation").path

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        try await TerminalChat(host: server.host, port: server.port, stateFile: state).run()
    }
}
