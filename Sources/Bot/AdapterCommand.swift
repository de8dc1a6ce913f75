import ArgumentParser
import Clients
import CommandOptions
import Dialogue
import Foundation
import Gateways
import Logging
import ServiceLifecycle

/// `motcua adapter telegram|zalo`: gateway processes that bring messaging users into daemon
/// conversations (docs/ADAPTERS.md). Each logs in to the daemon with a gateway token
/// (`motcua gateways add`) and runs as a service that SIGTERM and SIGINT stop gracefully.
struct AdapterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adapter", abstract: "Cổng kết nối các ứng dụng nhắn tin (Telegram, Zalo OA).", subcommands: [Telegram.self, Zalo.self])

    /// Telegram Bot API, long polling or a webhook.
    struct Telegram: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Kết nối Telegram (long polling getUpdates hoặc webhook).")

        @OptionGroup var link: GatewayLinkOptions
        @Option(name: .long, help: "Tệp chứa token của bot (hoặc biến môi trường TELEGRAM_BOT_TOKEN).")
        var tokenFile: String?
        @Option(name: .long, help: "Địa chỉ Bot API.")
        var apiBase = "https://api.telegram.org"
        @Option(name: .long, help: "Tệp lưu vị trí đã đọc (offset) giữa các lần chạy.")
        var state = "./motcua-telegram.offset"
        @Option(name: .long, help: "Chế độ webhook: địa chỉ nhận, dạng HOST:PORT (bỏ trống: long polling).")
        var webhookListen: String?
        @Option(name: .long, help: "Tệp chứa secret token của webhook (hoặc TELEGRAM_WEBHOOK_SECRET).")
        var webhookSecretFile: String?

        func run() async throws {
            signal(SIGPIPE, SIG_IGN)
            LoggingSystem.bootstrap(StreamLogHandler.standardError)
            let logger = Logger(label: "motcua.telegram")
            let token = try Secrets.read(file: tokenFile, variable: "TELEGRAM_BOT_TOKEN")
            let adapter = TelegramAdapter(api: TelegramAPI(apiBase: apiBase, token: token, logger: logger),
                                          link: try link.settings(), stateFile: state, logger: logger)
            guard let webhookListen else {
                try await runAsService(adapter, logger: logger)
                return
            }
            let secret = try Secrets.read(file: webhookSecretFile, variable: "TELEGRAM_WEBHOOK_SECRET")
            let (listenHost, listenPort) = try DaemonAddress.parse(webhookListen)
            let receiver = try await HTTPReceiver(host: listenHost, port: listenPort) {
                await adapter.handleWebhook($0, secret: secret)
            }
            logger.info("telegram webhook listening", metadata: ["port": "\(receiver.port)"])
            try await runAsService(WebhookService(adapter: adapter, receiver: receiver), logger: logger)
        }
    }

    /// Telegram in webhook mode: the link until shutdown, then the receiver stops.
    struct WebhookService: Service {
        let adapter: TelegramAdapter
        let receiver: HTTPReceiver

        func run() async throws {
            try await adapter.runForWebhook()
            await receiver.stop()
        }
    }
}

extension AdapterCommand {
    /// Zalo Official Account: a webhook receiver and the OA message API.
    struct Zalo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Kết nối Zalo OA (webhook POST /zalo/webhook).")

        @OptionGroup var link: GatewayLinkOptions
        @Option(name: .long, help: "Địa chỉ nhận webhook, dạng HOST:PORT.")
        var listen = "0.0.0.0:8080"
        @Option(name: .long, help: "App ID của ứng dụng Zalo (hoặc ZALO_APP_ID).")
        var appId: String?
        @Option(name: .long, help: "Tệp chứa OA secret key (hoặc ZALO_OA_SECRET).")
        var secretFile: String?
        @Option(name: .long, help: "Tệp chứa secret key của ứng dụng, để gia hạn access token (hoặc ZALO_APP_SECRET).")
        var appSecretFile: String?
        @Option(name: .long, help: "Tệp chứa access token của OA (hoặc ZALO_ACCESS_TOKEN).")
        var tokenFile: String?
        @Option(name: .long, help: "Tệp chứa refresh token của OA (hoặc ZALO_REFRESH_TOKEN).")
        var refreshTokenFile: String?
        @Option(name: .long, help: "Tệp lưu cặp token mới sau mỗi lần gia hạn (chỉ chủ sở hữu đọc được).")
        var tokenState = "./motcua-zalo-tokens.json"
        @Option(name: .long, help: "Địa chỉ OpenAPI của Zalo.")
        var apiBase = "https://openapi.zalo.me"
        @Option(name: .long, help: "Địa chỉ OAuth của Zalo (gia hạn token).")
        var oauthBase = "https://oauth.zaloapp.com"
        @Option(name: .long, help: "Tệp lưu thời điểm người dùng nhắn gần nhất.")
        var state = "./motcua-zalo.json"

        func run() async throws {
            signal(SIGPIPE, SIG_IGN)
            LoggingSystem.bootstrap(StreamLogHandler.standardError)
            let logger = Logger(label: "motcua.zalo")
            let environment = ProcessInfo.processInfo.environment
            guard let appID = appId ?? environment["ZALO_APP_ID"] else { throw ValidationError("thiếu --app-id hoặc ZALO_APP_ID") }
            let (host, port) = try DaemonAddress.parse(listen)
            var settings = ZaloAdapter.Settings(appID: appID, secret: try Secrets.read(file: secretFile, variable: "ZALO_OA_SECRET"),
                                                stateFile: state)
            settings.apiBase = apiBase
            settings.listenHost = host
            settings.listenPort = port
            // Expiry unknown at first: renewed at once, then about every 24 hours.
            let initial = ZaloTokens.Pair(accessToken: try Secrets.read(file: tokenFile, variable: "ZALO_ACCESS_TOKEN"),
                                          refreshToken: try Secrets.read(file: refreshTokenFile, variable: "ZALO_REFRESH_TOKEN"),
                                          expiresAt: Date())
            let tokens = ZaloTokens(initial: initial, stateFile: tokenState, appID: appID,
                                    secretKey: try Secrets.read(file: appSecretFile, variable: "ZALO_APP_SECRET"),
                                    oauthBase: oauthBase, logger: logger)
            try await runAsService(ZaloAdapter(settings: settings, link: try link.settings(), tokens: tokens, logger: logger),
                                   logger: logger)
        }
    }
}

/// The options of an adapter's link to the daemon.
struct GatewayLinkOptions: ParsableArguments {
    @Option(name: .long, help: "Máy chủ motcua, dạng HOST:PORT; nhiều máy chủ dùng chung một kho dữ liệu thì cách nhau bằng dấu phẩy (h1:p1,h2:p2): mất kết nối thì chuyển sang máy chủ kế tiếp.")
    var daemon = "127.0.0.1:7420"
    @Option(name: .long, help: "Tệp chứa token của cổng (motcua gateways add; hoặc biến môi trường MOTCUA_GATEWAY_TOKEN).")
    var gatewayTokenFile: String?
    @Option(name: .long, help: "Số kết nối tới máy chủ motcua (1–16).")
    var links = 2
    @OptionGroup var tls: DaemonTLSOptions

    func validate() throws {
        guard (1...16).contains(links) else { throw ValidationError("--links phải từ 1 đến 16") }
        _ = try DaemonAddressList.parse(daemon)
    }

    /// The daemons of `--daemon`, in the order the link tries them.
    func endpoints() throws -> [DaemonEndpoint] {
        try DaemonAddressList.parse(daemon).map { DaemonEndpoint(host: $0.host, port: $0.port) }
    }

    func settings() throws -> GatewayLink.Settings {
        var settings = GatewayLink.Settings(endpoints: try endpoints(),
                                            token: try Secrets.read(file: gatewayTokenFile, variable: "MOTCUA_GATEWAY_TOKEN"))
        settings.pool = links
        settings.tls = try tls.connectionTLS()
        return settings
    }
}

/// Runs an adapter as the one service of a group that SIGTERM and SIGINT shut down gracefully.
func runAsService(_ service: some Service, logger: Logger) async throws {
    let group = ServiceGroup(configuration: ServiceGroupConfiguration(
        services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    try await group.run()
}

/// `HOST:PORT` of the daemon.
enum DaemonAddress {
    static func parse(_ text: String) throws -> (String, Int) {
        guard let address = HostPort(argument: text) else {
            throw ValidationError("địa chỉ phải có dạng HOST:PORT, cổng 0–65535: \(text)")
        }
        return (address.host, address.port)
    }
}
