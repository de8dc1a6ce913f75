import ArgumentParser
import CommandOptions
import Dialogue
import Foundation
import Fuzzing
import Logging
import Server
import Wire

/// `motcua-bench fuzz`: the session fuzzer for as long as it is given, against a daemon
/// assembled as `serve` assembles it (the bundled corpus, the desk, handler and admin tokens),
/// in process. Prints how many lines it tried and every broken promise with its input; a crash
/// ends the process, with the seed printed first so the run can be replayed.
struct BenchFuzz: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz", abstract: "Thử giao thức bằng đầu vào ngẫu nhiên và biến đổi (người hỏi, cán bộ, quản trị).")

    @Option(name: .long, help: "Số giây chạy.")
    var seconds = Seconds(60)
    @Option(name: .long, help: "Hạt giống ngẫu nhiên (mặc định: ngẫu nhiên, in ra để chạy lại).")
    var seed: UInt64?
    @Option(name: .long, help: "Số dòng mỗi lượt (mỗi lượt một hạt giống tiếp theo).")
    var batch = 2_000

    func validate() throws {
        try check(batch, 1...1_000_000, "batch")
    }

    func run() async throws {
        let seed = self.seed ?? UInt64.random(in: 1...UInt64.max)
        print("# motcua-bench fuzz — \(Machine.describe()); seed \(seed), \(seconds) s")
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("motcua-fuzz-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        let options = try StoreOptions.parse(["--data", data])
        let store = try await openDesk(options.location)
        func add(_ name: String, admin: Bool) async throws -> String {
            let (id, token, hash) = HandlerTokens.make()
            try await store.addHandler(Handler(id: id, unit: "ATTT", name: name, admin: admin, reviewer: true), secretHash: hash)
            return token
        }
        let handler = try await add("Cán bộ thử", admin: false)
        let admin = try await add("Quản trị thử", admin: true)
        let (gatewayID, gateway, gatewayHash) = HandlerTokens.make(prefix: HandlerTokens.gatewayPrefix)
        try await store.addGateway(Gateway(id: gatewayID, channel: "zalo", name: "Cổng thử", createdAt: Date()), secretHash: gatewayHash)
        var logger = Logger(label: "motcua.fuzz")
        logger.logLevel = .warning
        let service = try await options.openDaemon(logger: logger, ticketsPerConversation: 0, ticketsPerAddress: 0)
        let asker = ChatSession(service: service)
        for text in ["Chi phí thuê chuyên gia đánh giá cấp độ 3 tính thế nào?", "Kiến nghị sửa thông tư", "Phản ánh cổng lỗi"] {
            _ = await asker.handle(.text(JSONValue.object(["type": "escalate", "text": .string(text)]).encoded()))
        }
        let entries = try await service.store.knowledgeEntries().prefix(20).map(\.id) + ["phieu-1", "phieu-2"]
        let start = Date()
        var total = SessionFuzzer.Report()
        var round: UInt64 = 0
        while Date().timeIntervalSince(start) < seconds.value {
            var fuzzer = SessionFuzzer(seed: seed &+ round, handlerToken: handler, adminToken: admin, gatewayToken: gateway,
                                       tickets: Array(1...6),
                                       entries: entries)
            let report = await fuzzer.run(service: service, lines: batch)
            total.lines += report.lines
            total.outputs += report.outputs
            total.findings += report.findings.map { "seed \(seed &+ round): \($0)" }
            total.errors.merge(report.errors, uniquingKeysWith: +)
            total.replies.merge(report.replies, uniquingKeysWith: +)
            round += 1
        }
        let elapsed = Date().timeIntervalSince(start)
        let served = await ChatSession(service: service).handle(.text(#"{"type":"say","text":"chữ ký số chuyên dùng cấp cho ai","id":1}"#))
        print(String(format: "%d lines in %.0f s (%.0f lines/s), %d rounds, %d lines out; findings: %d",
                     total.lines, elapsed, Double(total.lines) / elapsed, round, total.outputs, total.findings.count))
        for finding in total.findings.prefix(20) { print("  finding: \(finding)") }
        print("errors: " + total.errors.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        print("replies: " + total.replies.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        print("after the run, a question: " + (served.lines.first?.prefix(60).description ?? "no answer"))
        if !total.findings.isEmpty { throw ExitCode(1) }
    }
}
