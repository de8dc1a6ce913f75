import ArgumentParser
import CommandOptions
import Foundation
import Gateways
import Logging
import NIOHTTP1
import Synchronization
import Wire

/// `motcua-bench gateway`: many Telegram users through one adapter against a running daemon.
/// A fake Bot API in this process hands out updates from `--users` simulated chats at
/// `--rate` messages a second; the real `TelegramAdapter` (one gateway login, a pool of
/// `--links` connections) carries them. Measured: answers a second, the latency from an update
/// being available to its answer reaching the fake API, the adapter's TCP connections to the
/// daemon (peak, read from /proc) and this process's resident memory after each round — the
/// adapter holds no per-user state once a user's messages are done, so memory after 10,000
/// users stays where it was after 1,000.
struct BenchGateway: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway", abstract: "Đo cổng Telegram với nhiều người dùng qua một liên kết: số kết nối, bộ nhớ, độ trễ.")

    @OptionGroup var server: ServerAddress

    @Option(name: .long, help: "Tệp chứa token của cổng kênh telegram (motcua gateways add; hoặc MOTCUA_GATEWAY_TOKEN).")
    var gatewayTokenFile: String?

    @Option(name: .long, parsing: .upToNextOption, help: "Số người dùng mô phỏng của mỗi vòng (vd: 1000 10000).")
    var users: [Int] = [1_000, 10_000]

    @Option(name: .long, help: "Số tin nhắn mỗi giây, tính chung mọi người dùng.")
    var rate = 400.0

    @Option(name: .long, help: "Số kết nối của cổng tới máy chủ.")
    var links = 2

    @Option(name: .long, help: "PID của máy chủ để đọc bộ nhớ thường trú.")
    var pid: Int?

    func validate() throws {
        try check(links, 1...16, "links")
        for count in users { try check(count, 1...1_000_000, "users") }
        guard rate > 0, rate <= 100_000 else { throw ValidationError("--rate phải từ 0 đến 100000") }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let token = try Secrets.read(file: gatewayTokenFile, variable: "MOTCUA_GATEWAY_TOKEN")
        print("# motcua-bench gateway — \(Machine.describe()); daemon \(server.host):\(server.port); \(links) links, \(rate) messages/s")
        var logger = Logger(label: "motcua.bench.gateway")
        logger.logLevel = .warning
        let fake = FakeBotAPI()
        let receiver = try await HTTPReceiver(host: "127.0.0.1", port: 0) { await fake.respond($0) }
        var settings = GatewayLink.Settings(host: server.host, port: server.port, token: token)
        settings.pool = links
        let stateFile = FileManager.default.temporaryDirectory.appendingPathComponent("motcua-bench-offset-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: stateFile) }
        let adapter = TelegramAdapter(api: TelegramAPI(apiBase: "http://127.0.0.1:\(receiver.port)", token: "bench", logger: logger),
                                      link: settings, stateFile: stateFile, pollTimeout: 1, logger: logger)
        let running = Task { try await adapter.run() }
        let peak = Atomic<Int>(0)
        let daemonPort = server.port
        let sampler = Task {
            while !Task.isCancelled {
                let count = Machine.connections(toPort: daemonPort)
                if count > peak.load(ordering: .relaxed) { peak.store(count, ordering: .relaxed) }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        // Linked before the first round.
        for _ in 0..<100 where await adapter.relay.link.connected < links { try await Task.sleep(for: .milliseconds(50)) }
        let before = Machine.residentBytes()
        print(String(format: "linked: %d connections, resident %.1f MB", await adapter.relay.link.connected, Double(before) / 1e6))
        var nextChat = 1_000_000
        for count in users {
            let started = ContinuousClock.now
            fake.offer(chats: nextChat..<(nextChat + count), perSecond: rate)
            nextChat += count
            while fake.answered < fake.offered {
                try await Task.sleep(for: .milliseconds(100))
                if ContinuousClock.now - started > .seconds(Double(count) / rate * 3 + 60) { break }
            }
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            let (p50, p99) = fake.latencies()
            let resident = Machine.residentBytes()
            let daemonResident = pid.map { Machine.residentBytes(pid: $0) } ?? 0
            print(String(format: "%d users, a message each: %d answered in %.1f s (%.0f/s), latency p50 %.1f ms, p99 %.1f ms; adapter connections to the daemon at most %d; adapter resident %.1f MB (%+.1f MB since linked, %.0f bytes a user so far); lanes busy now %d%@",
                         count, fake.answered, seconds, Double(fake.answered) / max(seconds, 1e-9), p50 * 1e3, p99 * 1e3,
                         peak.load(ordering: .relaxed), Double(resident) / 1e6, Double(resident - before) / 1e6,
                         Double(resident - before) / Double(max(nextChat - 1_000_000, 1)), await adapter.relay.lanes.busyUsers,
                         pid == nil ? "" : String(format: "; daemon resident %.0f MB", Double(daemonResident) / 1e6)))
            fake.reset()
        }
        sampler.cancel()
        running.cancel()
        _ = try? await running.value
        await receiver.stop()
    }
}

/// A Bot API for the benchmark: `getUpdates` hands out the offered updates (at most 100 a
/// call, as Telegram does) once their time has come; `sendMessage` counts answers and their
/// latency. It keeps only what is in flight.
final class FakeBotAPI: Sendable {
    private struct State {
        var queue: [(chat: Int, due: ContinuousClock.Instant)] = []
        /// The next of `queue` to hand out (taken from the front without moving the rest).
        var head = 0
        var nextUpdate = 1
        var handedOut: [Int: ContinuousClock.Instant] = [:]
        var latencies: [Double] = []
        var offered = 0
        var answered = 0
    }

    private let state = Mutex(State())
    static let questions = [
        "Hệ thống thông tin cấp độ 3 phải đáp ứng những yêu cầu gì?", "Nền tảng LGSP của tỉnh dùng để làm gì?",
        "Chữ ký số chuyên dùng công vụ cấp cho ai?", "Thời hạn nộp báo cáo định kỳ là khi nào?",
    ]

    var offered: Int { state.withLock { $0.offered } }
    var answered: Int { state.withLock { $0.answered } }

    /// One message from each chat, spread at `perSecond`.
    func offer(chats: Range<Int>, perSecond: Double) {
        let start = ContinuousClock.now
        state.withLock { state in
            for (index, chat) in chats.enumerated() {
                state.queue.append((chat, start + .milliseconds(Int(Double(index) / perSecond * 1000))))
            }
            state.offered += chats.count
        }
    }

    func reset() {
        state.withLock { state in
            state.latencies.removeAll()
            state.offered = 0
            state.answered = 0
        }
    }

    /// p50 and p99 of the answers' latencies, in seconds.
    func latencies() -> (Double, Double) {
        let sorted = state.withLock { $0.latencies }.sorted()
        guard !sorted.isEmpty else { return (0, 0) }
        return (sorted[sorted.count / 2], sorted[min(sorted.count - 1, sorted.count * 99 / 100)])
    }

    func respond(_ request: HTTPReceiver.Request) async -> (HTTPResponseStatus, String) {
        let body = (try? JSONValue.parse(String(decoding: request.body, as: UTF8.self))) ?? [:]
        if request.path.hasSuffix("/sendMessage") {
            let chat = body["chat_id"]?.int ?? 0
            state.withLock { state in
                if let asked = state.handedOut.removeValue(forKey: chat) {
                    let elapsed = ContinuousClock.now - asked
                    state.latencies.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
                    state.answered += 1
                }
            }
            return (.ok, #"{"ok":true,"result":{"message_id":1}}"#)
        }
        guard request.path.hasSuffix("/getUpdates") else { return (.notFound, #"{"ok":false}"#) }
        for _ in 0..<20 {
            let now = ContinuousClock.now
            let updates = state.withLock { state -> [JSONValue] in
                var taken: [JSONValue] = []
                while taken.count < 100, state.head < state.queue.count, state.queue[state.head].due <= now {
                    let first = state.queue[state.head]
                    state.head += 1
                    if state.head == state.queue.count {
                        state.queue.removeAll(keepingCapacity: true)
                        state.head = 0
                    }
                    state.handedOut[first.chat] = now
                    let text = Self.questions[state.nextUpdate % Self.questions.count]
                    taken.append(["update_id": .int(state.nextUpdate),
                                  "message": ["message_id": 1, "chat": ["id": .int(first.chat), "type": "private"], "text": .string(text)]])
                    state.nextUpdate += 1
                }
                return taken
            }
            if !updates.isEmpty { return (.ok, JSONValue.object(["ok": true, "result": .array(updates)]).encoded()) }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return (.ok, #"{"ok":true,"result":[]}"#)
    }
}

extension Machine {
    /// This process's established TCP connections to `port` (from /proc/self/fd and /proc/net/tcp).
    static func connections(toPort port: Int) -> Int {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        var inodes = Set<String>()
        for fd in fds {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)"),
                target.hasPrefix("socket:[")
            {
                inodes.insert(String(target.dropFirst(8).dropLast()))
            }
        }
        let hexPort = String(format: "%04X", port)
        var count = 0
        for table in ["/proc/self/net/tcp", "/proc/self/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 9, fields[3] == "01", fields[2].hasSuffix(":" + hexPort), inodes.contains(String(fields[9]))
                else { continue }
                count += 1
            }
        }
        return count
    }
}
