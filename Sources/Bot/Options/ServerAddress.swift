import ArgumentParser
import Foundation

/// Where a client command finds the daemon (`--host`, `--port`), shared by `chat`, `tickets`
/// and the load benchmarks.
package struct ServerAddress: ParsableArguments {
    package init() {}

    @Option(name: .long, help: "Địa chỉ máy chủ.")
    package var host = "127.0.0.1"

    @Option(name: .long, help: "Cổng máy chủ.")
    package var port = 7420

    package func validate() throws {
        try check(port, 1...65_535, "port")
    }
}

/// Where a terminal client finds its daemons (`chat`, `tickets`): `--host`/`--port` for one, or
/// `--daemon h1:p1,h2:p2` for several on one store (it replaces `--host`/`--port`); the client
/// moves to the next when the one it uses goes away.
package struct ClientAddressOptions: ParsableArguments {
    package init() {}

    @OptionGroup package var server: ServerAddress

    @Option(
        name: .long,
        help:
            "Các máy chủ motcua dùng chung một kho dữ liệu, dạng HOST:PORT cách nhau bằng dấu phẩy (thay cho --host/--port); mất kết nối thì chuyển sang máy chủ kế tiếp."
    )
    package var daemon: String?

    package func validate() throws {
        if let daemon { _ = try DaemonAddressList.parse(daemon) }
    }

    /// The daemons to use, in the order they are tried.
    package func addresses() throws -> [HostPort] {
        guard let daemon else { return [HostPort(host: server.host, port: server.port)] }
        return try DaemonAddressList.parse(daemon)
    }
}

/// A list of daemons as `--daemon` takes it: `HOST:PORT` entries separated by commas, in the
/// order they are tried.
package enum DaemonAddressList {
    /// The entries of `text`.
    /// - Throws: a `ValidationError` naming the first entry that is not `HOST:PORT` with a port
    ///   1–65535, or saying that the list is empty.
    package static func parse(_ text: String, option: String = "--daemon") throws -> [HostPort] {
        let entries = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { String($0).trimmingCharacters(in: [" ", "\t"]) }
        guard entries.contains(where: { !$0.isEmpty }) else {
            throw ValidationError(
                "\(option) cần ít nhất một máy chủ, dạng HOST:PORT (nhiều máy chủ cách nhau bằng dấu phẩy)")
        }
        return try entries.map { entry in
            guard !entry.isEmpty else {
                throw ValidationError("\(option): có một máy chủ để trống giữa hai dấu phẩy trong \"\(text)\"")
            }
            guard let address = HostPort(argument: entry), address.port > 0, !address.host.isEmpty else {
                throw ValidationError(
                    "\(option): máy chủ \"\(entry)\" không hợp lệ; mỗi máy chủ phải có dạng HOST:PORT, cổng 1–65535 (vd: 10.0.0.5:7420,10.0.0.6:7420)"
                )
            }
            return address
        }
    }
}
