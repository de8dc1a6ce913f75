import ArgumentParser

/// `motcua bench`: speed figures.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Đo tốc độ.", subcommands: [BenchRetrieval.self])
}

/// Placeholder until the retrieval benchmark lands in the next step.
struct BenchRetrieval: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retrieval", abstract: "Đo tốc độ truy hồi.")
    func run() throws {}
}
