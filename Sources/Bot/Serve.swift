import ArgumentParser
import CommandOptions
import Daemon
import Dialogue
import Foundation
import Logging
import NIOSSL
import Retrieval
import Server
import ServiceLifecycle
import Storage
import Web

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

    @Option(name: .long, help: "Cũng phục vụ HTTP và WebSocket (/ws) tại HOST:PORT (vd: 127.0.0.1:8080; bỏ trống: không).")
    var http: HostPort?

    @Option(name: .long, help: "Trang web được mở WebSocket, dạng http://máy:cổng (lặp lại được; mặc định: chính địa chỉ --http).")
    var httpOrigin: [String] = []

    @Option(name: .long, help: "Xoá cuộc trò chuyện không hoạt động quá số ngày này và không còn phiếu mở (khi khởi động, rồi mỗi giờ; phiếu giữ ẩn danh cho thống kê; 0: giữ mãi, mặc định).")
    var retentionDays = 0
    @Option(name: .long, help: "Chứng chỉ TLS (PEM, chứng chỉ của máy chủ trước, rồi các chứng chỉ trung gian) cho cả cổng TCP và --http.")
    var tlsCert: String?

    @Option(name: .long, help: "Khoá riêng của chứng chỉ TLS (PEM).")
    var tlsKey: String?

    @Flag(name: .long, help: "Cho phép lắng nghe không mã hoá trên địa chỉ không phải loopback (khi đã có lớp bảo vệ khác: VPN, proxy TLS).")
    var insecure = false

    @Flag(name: .long, help: "Không học từ người dùng: câu hỏi được xác nhận không trở thành cách hỏi mới của mục tri thức (những cách hỏi đã học vẫn được dùng).")
    var noLearning = false

    @Option(name: .long, help: "Tệp cấu hình JSON: khoá là tên dài của các tuỳ chọn (vd: {\"data\": \"/var/lib/motcua\", \"port\": 7420}); tuỳ chọn trên dòng lệnh được ưu tiên.")
    var configFile: String?

    @OptionGroup var store: StoreOptions

    func validate() throws {
        try check(rate, 0.001...1_000_000, "rate")
        try check(burst, 1...1_000_000, "burst")
        try check(maxConnections, 1...1_000_000, "max-connections")
        try check(ticketsPerConversation ?? 0, 0...1_000_000, "tickets-per-conversation")
        try check(ticketsPerAddress ?? 0, 0...1_000_000, "tickets-per-address")
        try check(retentionDays, 0...36_500, "retention-days")
        guard (tlsCert == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert và --tls-key phải đi cùng nhau (chứng chỉ và khoá riêng của nó).")
        }
        if tlsCert == nil && !insecure {
            var open: [(String, String)] = []
            if !stdio && !ListenerTLS.isLoopback(host) { open.append(("--host", host)) }
            if let http, !stdio, !ListenerTLS.isLoopback(http.host) { open.append(("--http", http.host)) }
            if let (option, address) = open.first {
                throw ValidationError(
                    "Không lắng nghe không mã hoá trên \(address) (\(option)): địa chỉ này không phải loopback, máy khác kết nối "
                        + "được. Hãy cho --tls-cert và --tls-key, hoặc --insecure nếu kết nối đã được bảo vệ cách khác "
                        + "(refusing to listen without TLS on a non-loopback address; give --tls-cert/--tls-key or --insecure).")
            }
        }
    }

    func run() async throws {
        // A reader that goes away must end its connection, not the daemon.
        signal(SIGPIPE, SIG_IGN)
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "motcua")
        logger.logLevel = .info
        let tls = try tlsCert.map { try ListenerTLS.serverConfiguration(certificateFile: $0, keyFile: tlsKey ?? "") }
        let metrics = DaemonMetrics()
        let database = try await store.openStore(logger: logger)
        let daemon = try await store.openDaemon(on: database, logger: logger, ticketsPerConversation: ticketsPerConversation,
                                                ticketsPerAddress: ticketsPerAddress, learning: !noLearning,
                                                metrics: metrics.serviceMetrics)
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
            configuration.tls = tls
            service = ChatServer(configuration: configuration, service: daemon, logger: logger)
            terminate = .cancelGroup
        }
        var limits = SessionLimits()
        limits.messagesPerSecond = rate
        limits.burst = burst
        limits.idleTimeout = idleTimeout.value
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: StoreUpkeep(store: daemon.store), successTerminationBehavior: .ignore)
        ]
        if let desk = daemon.escalation {
            services.append(.init(service: DeskUpkeep(desk: desk), successTerminationBehavior: .ignore))
        }
        if let follower = ChangeFollower(daemon: daemon) {
            services.append(.init(service: follower, successTerminationBehavior: .ignore))
        }
        if retentionDays > 0 {
            services.append(.init(service: RetentionUpkeep(store: database, days: retentionDays, clock: daemon.clock,
                                                           logger: logger),
                                  successTerminationBehavior: .ignore))
        }
        services.append(.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup,
                              failureTerminationBehavior: terminate))
        if let http, !stdio {
            var configuration = WebServer.Configuration()
            configuration.host = http.host
            configuration.port = http.port
            configuration.limits = limits
            configuration.origins = httpOrigin
            configuration.tls = tls
            services.append(.init(service: WebServer(configuration: configuration, service: daemon, logger: logger,
                                                     metrics: metrics),
                                  successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .cancelGroup))
        }
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
