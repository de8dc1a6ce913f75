import ArgumentParser
import CommandOptions
import Foundation
import Gateways
import Logging

/// `motcua adapter telegram|zalo`: gateway processes that bring messaging users into daemon
/// conversations (docs/ADAPTERS.md).
struct AdapterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adapter", abstract: "Cổng kết nối các ứng dụng nhắn tin (Telegram, Zalo OA).", subcommands: [Telegram.self, Zalo.self])

    /// Telegram Bot API, long polling.
    struct Telegram: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Kết nối Telegram (long polling getUpdates).")

        @Option(name: .long, help: "Máy chủ motcua, dạng HOST:PORT.")
        var daemon = "127.0.0.1:7420"
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
            let (host, port) = try DaemonAddress.parse(daemon)
            let adapter = TelegramAdapter(api: TelegramAPI(apiBase: apiBase, token: token, logger: logger),
                                          daemonHost: host, daemonPort: port, stateFile: state, logger: logger)
            guard let webhookListen else {
                try await adapter.run()
                return
            }
            let secret = try Secrets.read(file: webhookSecretFile, variable: "TELEGRAM_WEBHOOK_SECRET")
            let (listenHost, listenPort) = try DaemonAddress.parse(webhookListen)
            let receiver = try await HTTPReceiver(host: listenHost, port: listenPort) {
                await adapter.handleWebhook($0, secret: secret)
            }
            logger.info("telegram webhook listening", metadata: ["port": "\(receiver.port)"])
            try await Task.sleep(for: .seconds(Int64.max / 2_000_000_000))
        }
    }
}

extension AdapterCommand {
    /// Zalo Official Account: a webhook receiver and the OA message API.
    struct Zalo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Kết nối Zalo OA (webhook POST /zalo/webhook).")

        @Option(name: .long, help: "Máy chủ motcua, dạng HOST:PORT.")
        var daemon = "127.0.0.1:7420"
        @Option(name: .long, help: "Địa chỉ nhận webhook, dạng HOST:PORT.")
        var listen = "0.0.0.0:8080"
        @Option(name: .long, help: "App ID của ứng dụng Zalo (hoặc ZALO_APP_ID).")
        var appId: String?
        @Option(name: .long, help: "Tệp chứa OA secret key (hoặc ZALO_OA_SECRET).")
        var secretFile: String?
        @Option(name: .long, help: "Tệp chứa access token của OA (hoặc ZALO_ACCESS_TOKEN).")
        var tokenFile: String?
        @Option(name: .long, help: "Địa chỉ OpenAPI của Zalo.")
        var apiBase = "https://openapi.zalo.me"
        @Option(name: .long, help: "Tệp lưu thời điểm người dùng nhắn gần nhất.")
        var state = "./motcua-zalo.json"

        func run() async throws {
            signal(SIGPIPE, SIG_IGN)
            LoggingSystem.bootstrap(StreamLogHandler.standardError)
            let logger = Logger(label: "motcua.zalo")
            let environment = ProcessInfo.processInfo.environment
            guard let appID = appId ?? environment["ZALO_APP_ID"] else { throw ValidationError("thiếu --app-id hoặc ZALO_APP_ID") }
            let (daemonHost, daemonPort) = try DaemonAddress.parse(daemon)
            let (host, port) = try DaemonAddress.parse(listen)
            var settings = ZaloAdapter.Settings(
                appID: appID, secret: try Secrets.read(file: secretFile, variable: "ZALO_OA_SECRET"),
                accessToken: try Secrets.read(file: tokenFile, variable: "ZALO_ACCESS_TOKEN"), daemonHost: daemonHost, daemonPort: daemonPort,
                stateFile: state)
            settings.apiBase = apiBase
            let adapter = ZaloAdapter(settings: settings, logger: logger)
            let receiver = try await HTTPReceiver(host: host, port: port) { await adapter.handle($0) }
            logger.info("zalo webhook listening", metadata: ["port": "\(receiver.port)"])
            try await Task.sleep(for: .seconds(Int64.max / 2_000_000_000))
        }
    }
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
