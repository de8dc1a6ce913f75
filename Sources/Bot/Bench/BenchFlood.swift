import ArgumentParser
import Clients
import CommandOptions
import Foundation
import NIOCore
import Wire

/// `motcua-bench flood`: what a flood costs everyone else. A probe client asks on a schedule
/// while nothing else runs, then again while one connection pipelines requests as fast as the
/// socket takes them; prints the probe's latency in both, beside each other, and how the
/// flooder was answered (every refusal must carry its request's `re`).
struct BenchFlood: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flood", abstract: "Đo độ trễ của một người dùng khác khi một kết nối gửi dồn dập.")

    @OptionGroup var server: ServerAddress
    @Option(name: .long, help: "Số giây mỗi pha.")
    var duration = Seconds(10)
    @Option(name: .long, help: "Câu hỏi mỗi giây của người dùng đo độ trễ.")
    var probeRate = 20.0
    @Option(name: .long, help: "PID của máy chủ để đọc CPU.")
    var pid: Int?

    func validate() throws {
        try check(probeRate, 0.1...1000, "probe-rate")
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let question = JSONValue.object(["type": "say", "text": "Chữ ký số chuyên dùng công vụ cấp cho ai?"]).encoded()
        let probe = LoadGenerator(host: server.host, port: server.port)
        print("# motcua-bench flood — \(Machine.describe()); daemon \(server.host):\(server.port)")
        let quiet = try await probe.run(connections: 1, duration: duration.value, lines: [question], rate: probeRate)
        let cpuBefore = pid.map { Machine.cpuSeconds(pid: $0) } ?? 0
        let flooder = Flooder(host: server.host, port: server.port)
        let flooding = Task { try await flooder.run(seconds: duration.value + 1) }
        try await Task.sleep(for: .milliseconds(300))
        let loud = try await probe.run(connections: 1, duration: duration.value, lines: [question], rate: probeRate)
        let flood = try await flooding.value
        let cpu = pid.map { Machine.cpuSeconds(pid: $0) - cpuBefore } ?? 0
        print(String(format: "probe alone: %d answers, p50 %.2f ms, p99 %.2f ms", quiet.replies, quiet.p50 * 1e3, quiet.p99 * 1e3))
        print(String(format: "probe during the flood: %d answers, p50 %.2f ms, p99 %.2f ms (p99 × %.2f)", loud.replies,
                     loud.p50 * 1e3, loud.p99 * 1e3, loud.p99 / max(quiet.p99, 1e-9)))
        print(String(format: "flooder: %d sent (%.0f/s), %d answered, %d rate-limited, %d other errors, %d without their re; daemon CPU %.2f s",
                     flood.sent, Double(flood.sent) / flood.seconds, flood.answered, flood.limited, flood.otherErrors,
                     flood.withoutRe, cpu))
    }
}

/// One connection that pipelines requests with ids as fast as the socket takes them, and reads
/// every reply.
struct Flooder: Sendable {
    struct Result: Sendable {
        var sent = 0
        var answered = 0
        var limited = 0
        var otherErrors = 0
        var withoutRe = 0
        var seconds = 0.0
    }

    let host: String
    let port: Int

    func run(seconds: Double) async throws -> Result {
        let channel = try await DaemonConnection.connect(host: host, port: port)
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int(seconds * 1000))
        return try await channel.executeThenClose { inbound, outbound in
            try await withThrowingTaskGroup(of: Result.self) { group in
                group.addTask {
                    var result = Result()
                    var id = 0
                    while ContinuousClock.now < deadline {
                        var buffer = ByteBuffer()
                        for _ in 0..<50 {
                            id += 1
                            buffer.writeString(#"{"type":"say","text":"xin chào","id":\#(id)}"# + "\n")
                        }
                        try await outbound.write(buffer)
                        result.sent += 50
                    }
                    return result
                }
                group.addTask {
                    var result = Result()
                    for try await line in inbound {
                        guard case .text(let text) = line, let value = try? JSONValue.parse(text) else { continue }
                        if value["re"] == nil { result.withoutRe += 1 }
                        switch value["code"]?.string {
                        case "rate-limited"?: result.limited += 1
                        case nil: result.answered += 1
                        default: result.otherErrors += 1
                        }
                        if ContinuousClock.now >= deadline { break }
                    }
                    return result
                }
                var total = Result()
                for try await part in group {
                    total.sent += part.sent
                    total.answered += part.answered
                    total.limited += part.limited
                    total.otherErrors += part.otherErrors
                    total.withoutRe += part.withoutRe
                    if part.sent > 0 { group.cancelAll() }
                }
                let elapsed = ContinuousClock.now - start
                total.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                return total
            }
        }
    }
}
