import ArgumentParser

/// Where a client command finds the daemon (`--host`, `--port`), shared by `chat`, `tickets`
/// and the load benchmarks.
struct ServerAddress: ParsableArguments {
    @Option(name: .long, help: "Địa chỉ máy chủ.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Cổng máy chủ.")
    var port = 7420

    func validate() throws {
        try check(port, 1...65_535, "port")
    }
}
