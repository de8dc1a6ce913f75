import ArgumentParser

/// `motcua-bench`: speed figures, the fuzzer and the crash test's load, in their own
/// executable so that the load generator and the echo ceiling are never linked into the daemon.
@main
struct MotcuaBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "motcua-bench", abstract: "Đo tốc độ và thử tải máy chủ motcua.",
        subcommands: [BenchRetrieval.self, BenchLoad.self, BenchReport.self, BenchDeskLoad.self, BenchDeskVerify.self,
                      BenchFuzz.self, BenchFlood.self, BenchMask.self, BenchGateway.self, BenchStores.self])
}
