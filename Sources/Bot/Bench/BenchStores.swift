import ArgumentParser
import Dialogue
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Retrieval
import Wire

/// `motcua-bench stores`: the load of `bench load`, in one run, against one daemon on SQLite,
/// one on PostgreSQL and two on one PostgreSQL (the connections split between them): answers
/// a second, p99 and the daemons' CPU an answer; each daemon's `/metrics` scraped before and
/// after, its question count checked against the load's own.
struct BenchStores: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stores",
        abstract: "Đo tải một lượt với SQLite, một máy chủ PostgreSQL và hai máy chủ PostgreSQL; đối chiếu /metrics.")

    @Option(name: .long, help: "Cơ sở dữ liệu PostgreSQL (postgres://user@host:port/db; mặc định: MOTCUA_TEST_POSTGRES).")
    var postgres: String?

    @Option(name: .long, help: "Tệp chạy motcua (mặc định: cạnh motcua-bench).")
    var motcua: String?

    @Option(name: .long, parsing: .upToNextOption, help: "Số kết nối đồng thời cần đo.")
    var connections: [Int] = [100]

    @Option(name: .long, help: "Số giây mỗi phép đo.")
    var duration = 10.0

    @Option(name: .long, help: "Số lượt (các cách chạy xen kẽ nhau trong mỗi lượt).")
    var rounds = 1

    @Option(name: .long, help: "Thư mục corpus (câu hỏi để gửi).")
    var corpus: String?

    @Option(name: .long, parsing: .upToNextOption, help: "Chỉ đo các cách chạy này (sqlite, postgres, postgres-pair).")
    var setups: [Setup] = Setup.allCases

    /// One way of running the daemons.
    enum Setup: String, CaseIterable, ExpressibleByArgument {
        case sqlite
        case postgres
        case postgresPair = "postgres-pair"

        /// The setup in words.
        var name: String {
            switch self {
            case .sqlite: "SQLite, 1 daemon"
            case .postgres: "PostgreSQL, 1 daemon"
            case .postgresPair: "PostgreSQL, 2 daemons"
            }
        }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        guard let base = postgres ?? ProcessInfo.processInfo.environment["MOTCUA_TEST_POSTGRES"] else {
            throw ValidationError("cần --postgres hoặc MOTCUA_TEST_POSTGRES")
        }
        let binary = motcua ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("motcua").path
        let corpusDirectory = corpus ?? Corpus.defaultDirectory()
        let corpus = try Corpus.load(from: corpusDirectory)
        let queries = (try? JSONLines.read(EvaluationQuery.self, from: "\(corpus.directory)/eval/queries.jsonl")) ?? []
        let questions = queries.map(\.query).map { JSONValue.object(["type": "say", "text": .string($0)]).encoded() }
        guard !questions.isEmpty else { throw ValidationError("không có câu hỏi để gửi") }
        print("# motcua-bench stores — \(Machine.describe()); \(binary)")
        for round in 1...max(rounds, 1) {
            for setup in setups {
                for count in connections {
                    let schema = "bench_" + ConversationID.make().prefix(12)
                    let store = base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
                    let daemons = setup == .postgresPair ? 2 : 1
                    var running: [BenchDaemon] = []
                    defer { for daemon in running { daemon.stop() } }
                    for _ in 0..<daemons {
                        // The second daemon starts once the first has migrated and imported the corpus.
                        running.append(try await BenchDaemon.start(
                            binary: binary, corpus: corpusDirectory, store: setup == .sqlite ? nil : store))
                    }
                    let before = try await running.asyncMap { try await $0.questionsCounted() }
                    let cpuBefore = running.map { Machine.cpuSeconds(pid: $0.pid) }
                    let serverBefore = PostgresProcesses.cpu()
                    let share = count / daemons
                    let results = try await withThrowingTaskGroup(of: LoadGenerator.Result.self) { group in
                        for (index, daemon) in running.enumerated() {
                            let connections = index == 0 ? count - share * (daemons - 1) : share
                            group.addTask {
                                try await LoadGenerator(host: "127.0.0.1", port: daemon.port).run(
                                    connections: connections, duration: duration, lines: questions)
                            }
                        }
                        var results: [LoadGenerator.Result] = []
                        for try await result in group { results.append(result) }
                        return results
                    }
                    // In-flight replies land after the clients stop counting: wait for them.
                    try await Task.sleep(for: .seconds(1))
                    let cpu = zip(running, cpuBefore).map { Machine.cpuSeconds(pid: $0.pid) - $1 }.reduce(0, +)
                    let serverCPU = PostgresProcesses.cpu(since: serverBefore)
                    let after = try await running.asyncMap { try await $0.questionsCounted() }
                    let replies = results.map(\.replies).reduce(0, +)
                    let counted = zip(after, before).map { $0 - $1 }.reduce(0, +)
                    let perSecond = results.map(\.perSecond).reduce(0, +)
                    print(String(
                        format: "round %d, %@, %d connections: %.0f answers/s, p50 %.2f ms, p99 %.2f ms, %d errors, %d failed; "
                            + "daemon CPU %.0f µs an answer, PostgreSQL's %.0f µs | /metrics counted %.0f questions, the load %d (%+.0f in flight at the end)",
                        round, setup.name, count, perSecond, (results.map(\.p50).max() ?? 0) * 1e3,
                        (results.map(\.p99).max() ?? 0) * 1e3, results.map(\.errors).reduce(0, +),
                        results.map(\.failures).reduce(0, +), cpu / Double(max(replies, 1)) * 1e6,
                        serverCPU / Double(max(replies, 1)) * 1e6, counted, replies,
                        counted - Double(replies)))
                }
            }
        }
    }
}

/// A `motcua serve` the benchmark started, on free ports, with its metrics on `--http`.
struct BenchDaemon {
    let process: Process
    let port: Int
    let httpPort: Int
    let directory: String
    var pid: Int { Int(process.processIdentifier) }

    /// Starts a daemon (a fresh data directory; `store`: PostgreSQL instead of it) and waits
    /// until it is ready.
    static func start(binary: String, corpus: String, store: String?) async throws -> BenchDaemon {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("motcua-stores-\(UUID().uuidString)").path
        let (port, httpPort) = (try freePort(), try freePort())
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--port", "\(port)", "--http", "127.0.0.1:\(httpPort)", "--data", directory,
                             "--corpus", corpus, "--rate", "100000", "--burst", "100000", "--max-connections", "20000",
                             "--tickets-per-conversation", "0", "--tickets-per-address", "0"]
            + (store.map { ["--store", $0] } ?? [])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let daemon = BenchDaemon(process: process, port: port, httpPort: httpPort, directory: directory)
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if process.isRunning == false { throw ValidationError("motcua serve ended at start") }
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(httpPort)/ready")!),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return daemon
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        daemon.stop()
        throw ValidationError("motcua serve was not ready within 120 s")
    }

    /// `motcua_questions_total`, summed over its decisions, from the daemon's `/metrics`.
    func questionsCounted() async throws -> Double {
        let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(httpPort)/metrics")!)
        return String(decoding: data, as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("motcua_questions_total") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0, +)
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A TCP port nothing listens on now.
    static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard bound else { throw ValidationError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

extension Array {
    /// `map` with an async transform, one element after the other.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async throws -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}

/// The CPU time of the PostgreSQL server's processes on this machine (all of them: the
/// benchmark's daemons are its only clients during a run).
enum PostgresProcesses {
    /// CPU seconds of each `postgres` process now.
    static func cpu() -> [Int: Double] {
        var seconds: [Int: Double] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int(entry),
                let name = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8),
                name.trimmingCharacters(in: .whitespacesAndNewlines) == "postgres"
            else { continue }
            seconds[pid] = Machine.cpuSeconds(pid: pid)
        }
        return seconds
    }

    /// CPU seconds the server used since `before` (processes started meanwhile count whole).
    static func cpu(since before: [Int: Double]) -> Double {
        cpu().map { pid, now in now - (before[pid] ?? 0) }.reduce(0, +)
    }
}
