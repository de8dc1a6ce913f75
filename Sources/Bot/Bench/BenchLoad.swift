import ArgumentParser
import CommandOptions
import Dialogue
import Foundation
import Retrieval
import Wire

/// `motcua-bench load`: questions per second and latency against a running daemon, beside a bare
/// NIO echo over the same number of connections (the ceiling), and the daemon's memory.
struct BenchLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load", abstract: "Đo tải máy chủ đang chạy: câu hỏi/giây, độ trễ, bộ nhớ; so với máy chủ echo NIO.")

    @OptionGroup var server: ServerAddress

    @Option(name: .long, parsing: .upToNextOption, help: "Số kết nối đồng thời cần đo (vd: 1 100 1000).")
    var connections: [Int] = [1, 100, 1000]

    @Option(name: .long, help: "Số giây mỗi phép đo.")
    var duration = 10.0

    @Option(name: .long, help: "PID của máy chủ để đọc bộ nhớ thường trú.")
    var pid: Int?

    @Option(name: .long, help: "Giữ thêm chừng này kết nối nhàn rỗi và đo bộ nhớ máy chủ (0: bỏ qua).")
    var idle = 0

    @Option(name: .long, help: "Tổng số câu hỏi/giây các kết nối cùng gửi theo lịch (bỏ trống: gửi liên tục, đo mức bão hòa).")
    var rate: Double?

    @Option(name: .long, help: "Thư mục corpus (câu hỏi để gửi).")
    var corpus: String?

    @Option(name: .long, help: "Cổng HTTP của máy chủ (serve --http): đo thêm WebSocket /ws bên cạnh TCP, cùng lượt.")
    var wsPort: Int?

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let corpus = try Corpus.load(from: self.corpus ?? Corpus.defaultDirectory())
        let queries = (try? JSONLines.read(EvaluationQuery.self, from: "\(corpus.directory)/eval/queries.jsonl")) ?? []
        let questions = queries.map(\.query).map { JSONValue.object(["type": "say", "text": .string($0)]).encoded() }
        guard !questions.isEmpty else { throw ValidationError("không có câu hỏi để gửi") }
        let echo = try await EchoServer()
        print("# motcua-bench load — \(Machine.describe()); daemon \(server.host):\(server.port)")
        if let rate { print(String(format: "offered: %.0f questions/s in all, on a schedule", rate)) }
        for count in connections {
            let cpuBefore = pid.map { Machine.cpuSeconds(pid: $0) } ?? 0
            let daemon = try await LoadGenerator(host: server.host, port: server.port).run(
                connections: count, duration: duration, lines: questions, rate: rate)
            let cpu = pid.map { Machine.cpuSeconds(pid: $0) - cpuBefore } ?? 0
            let memory = pid.map { Machine.residentBytes(pid: $0) } ?? 0
            let ceiling = try await LoadGenerator(host: "127.0.0.1", port: echo.port).run(
                connections: count, duration: duration, lines: questions, rate: rate)
            print(String(format: "%d connections: daemon %.0f answers/s, p50 %.2f ms, p99 %.2f ms, %d error replies, %d failed; daemon CPU %.0f µs an answer, resident %.0f MB | echo %.0f lines/s, p50 %.2f ms, p99 %.2f ms | daemon/echo %.2f",
                         count, daemon.perSecond, daemon.p50 * 1e3, daemon.p99 * 1e3, daemon.errors, daemon.failures,
                         cpu / Double(max(daemon.replies, 1)) * 1e6, Double(memory) / 1e6,
                         ceiling.perSecond, ceiling.p50 * 1e3, ceiling.p99 * 1e3,
                         daemon.perSecond / max(ceiling.perSecond, 1e-9)))
            if let wsPort {
                let wsCPUBefore = pid.map { Machine.cpuSeconds(pid: $0) } ?? 0
                let ws = try await LoadGenerator(host: server.host, port: wsPort, webSocket: true).run(
                    connections: count, duration: duration, lines: questions, rate: rate)
                let wsCPU = pid.map { Machine.cpuSeconds(pid: $0) - wsCPUBefore } ?? 0
                print(String(format: "%d WebSocket connections: daemon %.0f answers/s, p50 %.2f ms, p99 %.2f ms, %d error replies, %d failed; daemon CPU %.0f µs an answer | WebSocket/TCP %.2f",
                             count, ws.perSecond, ws.p50 * 1e3, ws.p99 * 1e3, ws.errors, ws.failures,
                             wsCPU / Double(max(ws.replies, 1)) * 1e6, ws.perSecond / max(daemon.perSecond, 1e-9)))
            }
        }
        if idle > 0 {
            let before = pid.map { Machine.residentBytes(pid: $0) } ?? 0
            let pid = self.pid
            let opened = try await LoadGenerator(host: server.host, port: server.port).holdIdle(idle, seconds: 2) {
                try? await Task.sleep(for: .seconds(1))
                let during = pid.map { Machine.residentBytes(pid: $0) } ?? 0
                print(String(format: "%d idle connections: daemon resident %.0f MB (%.0f MB before, +%.1f KB a connection)",
                             idle, Double(during) / 1e6, Double(before) / 1e6,
                             Double(during - before) / 1e3 / Double(max(idle, 1))))
            }
            print("(opened \(opened))")
        }
        try await echo.stop()
    }
}
