import ArgumentParser
import Clients
import CommandOptions
import Foundation

/// `motcua chat`: talk to a running daemon from a terminal.
struct Chat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Trò chuyện với máy chủ đang chạy từ cửa sổ dòng lệnh.")

    @OptionGroup var server: ClientAddressOptions
    @OptionGroup var tls: DaemonTLSOptions

    @Option(name: .long, help: "Tệp nhớ mã cuộc trò chuyện giữa các lần chạy.")
    var state = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".motcua-conversation").path

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        try await TerminalChat(endpoints: try server.endpoints(), stateFile: state, tls: try tls.connectionTLS()).run()
    }
}

extension ClientAddressOptions {
    /// The daemons, as the clients dial them.
    func endpoints() throws -> [DaemonEndpoint] {
        try addresses().map { DaemonEndpoint(host: $0.host, port: $0.port) }
    }
}
