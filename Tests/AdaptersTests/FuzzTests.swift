import Dialogue
import Foundation
import Retrieval
import Testing

@testable import Fuzzing
@testable import Server
@testable import Wire

/// Random and mutated input, seeded, through the framer and the sessions of every role, then
/// raw bytes over TCP: nothing stops the daemon, every request is answered by its `re`.
@Suite(.serialized) struct FuzzTests {
    /// Seeds of the bounded run in the suite; `MOTCUA_FUZZ_SEED` adds one (to replay a
    /// finding of `motcua-bench fuzz`).
    static let seeds: [UInt64] = [20_261_201, 7, 42]
        + (ProcessInfo.processInfo.environment["MOTCUA_FUZZ_SEED"].flatMap(UInt64.init).map { [$0] } ?? [])

    /// A short fuzz run per seed keeps every promise, and the daemon answers a question after it.
    @Test(arguments: seeds)
    func fuzzedSessionsKeepTheirPromises(seed: UInt64) async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let admin = try await daemon.addHandler(unit: "ATTT", name: "Quản trị", admin: true)
        let (_, gateway) = try await daemon.addGateway(channel: "zalo")
        let service = try await daemon.service()
        // Tickets, a reply and a draft for the mutations to reach.
        let asker = ChatSession(service: service)
        for text in [DeskDaemon.entries[0].question + " chi phí", "Kiến nghị sửa quy định", "Phản ánh cổng lỗi"] {
            _ = await asker.handle(.text(JSONValue.object(["type": "escalate", "text": .string(text)]).encoded()))
        }
        var fuzzer = SessionFuzzer(seed: seed, handlerToken: attt, adminToken: admin.token, gatewayToken: gateway, tickets: [1, 2, 3, 4],
                                   entries: ["phieu-1", "phieu-2", "cap-do", "lgsp"])
        let report = await fuzzer.run(service: service, lines: 1_500)
        #expect(report.findings.isEmpty, "seed \(seed): \(report.findings.joined(separator: "\n"))")
        #expect(report.lines >= 1_500)
        // The run went past the parser: handler requests were carried out and refused for reasons.
        #expect(report.replies["ok", default: 0] > 0 && report.replies["queue", default: 0] > 0, "\(report.replies)")
        // Gateway sessions got past the login to their users' requests.
        #expect(report.replies["tickets", default: 0] > 0 && report.errors["missing-field", default: 0] > 0, "\(report.replies)")
        #expect(report.errors["bad-request", default: 0] > 0 && report.errors["bad-json", default: 0] > 0, "\(report.errors)")
        let after = ChatSession(service: service)
        let reply = try #require(try? JSONValue.parse(await after.handle(.text(#"{"type":"say","text":"Thời hạn nộp báo cáo định kỳ là khi nào?","id":1}"#)).lines[0]))
        #expect(reply["type"] == "answer" && reply["re"] == 1)
    }

    /// Random bytes over real sockets, on several connections at once, then a normal client:
    /// the daemon is still serving.
    @Test func randomBytesOverTCP() async throws {
        let (daemon, _, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        try await daemon.run { port in
            var random = SplitMix64(seed: 99)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    let chunks = (0..<40).map { _ in
                        (0..<Int(random.next() % 3000)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                    }
                    group.addTask {
                        let client = try await RawClient(port: port)
                        for chunk in chunks { try? await client.write(bytes: chunk) }
                    }
                }
                try await group.waitForAll()
            }
            let client = try await JSONClient(port: port)
            #expect(try await client.ask(["type": "say", "text": "Nền tảng LGSP của tỉnh dùng để làm gì?"])["type"] == "answer")
            await client.close()
        }
    }
}
