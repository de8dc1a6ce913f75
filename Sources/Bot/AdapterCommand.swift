import Adapters
import ArgumentParser
import Foundation
import Logging

/// `motcua adapter telegram|zalo`: gateway processes that bring messaging users into daemon
/// conversations (docs/ADAPTERS.md).
struct AdapterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adapter", abstract: "Cổng kết nối các ứng dụng nhắn tin (Telegram).", subcommands: [Telegram.self])

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

        func run() async throws {
            signal(SIGPIPE, SIG_IGN)
            LoggingSystem.bootstrap(StreamLogHandler.standardError)
            let logger = Logger(label: "motcua.telegram")
            let token = try tokenFile.map { try String(contentsOfFile: $0, encoding: .utf8) }
                ?? ProcessInfo.processInfo.environment["TELEGRAM_BOT_TOKEN"]
            guard let token = token?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else {
                throw ValidationError("cần token: --token-file hoặc TELEGRAM_BOT_TOKEN")
            }
            let (host, port) = try DaemonAddress.parse(daemon)
            let adapter = TelegramAdapter(api: TelegramAPI(apiBase: apiBase, token: token, logger: logger),
                                          daemonHost: host, daemonPort: port, stateFile: state, logger: logger)
            try await adapter.run()
        }
    }
}

/// `HOST:PORT` of the daemon.
enum DaemonAddress {
    static func parse(_ text: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else {
            throw ValidationError("địa chỉ máy chủ phải có dạng HOST:PORT: \(text)")
        }
        return (String(text[..<colon]), port)
    }
}
