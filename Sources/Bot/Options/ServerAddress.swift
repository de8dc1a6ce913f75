import ArgumentParser

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
