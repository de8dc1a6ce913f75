import Dialogue
import Foundation
import Logging
import NIOCore
import NIOPosix
import Retrieval
import ServiceLifecycle
import Testing

@testable import Adapters

/// A daemon with the escalation desk on a store in a directory (so it can be restarted), two
/// units and a handler token for each, serving TCP on a free port.
struct DeskDaemon {
    static let entries = [
        KnowledgeEntry(id: "cap-do", question: "Hệ thống thông tin có mấy cấp độ an toàn?",
                       answer: "Có 5 cấp độ, từ cấp độ 1 đến cấp độ 5.", topic: "an-toan", unit: "ATTT"),
        KnowledgeEntry(id: "giam-sat", question: "Ai giám sát an toàn thông tin cho hệ thống của tỉnh?",
                       answer: "Trung tâm giám sát an toàn không gian mạng quốc gia phối hợp với tỉnh.", topic: "an-toan",
                       unit: "ATTT"),
        KnowledgeEntry(id: "lgsp", question: "Nền tảng LGSP của tỉnh dùng để làm gì?",
                       answer: "Kết nối, chia sẻ dữ liệu giữa các hệ thống trong tỉnh.", topic: "nen-tang", unit: "CDS"),
        KnowledgeEntry(id: "bao-cao", question: "Thời hạn nộp báo cáo định kỳ là khi nào?",
                       answer: "Trước ngày 15 của tháng cuối kỳ báo cáo.", topic: "nen-tang", unit: "CDS"),
    ]
    static let topics = [
        Topic(id: "an-toan", name: "An toàn thông tin", unit: "ATTT"),
        Topic(id: "nen-tang", name: "Nền tảng, hạ tầng kỹ thuật", unit: "CDS"),
    ]

    let directory: String

    /// A fresh directory with units and two handlers; returns the daemon and the tokens.
    static func make() async throws -> (DeskDaemon, attt: String, cds: String, revoked: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("motcua-desk-\(UUID().uuidString)").path
        let store = try SQLiteStore.open(directory: directory)
        try await store.saveUnits([UnitRecord(id: "ATTT", name: "Cục An toàn thông tin"),
                                   UnitRecord(id: "CDS", name: "Cục Chuyển đổi số quốc gia")])
        var tokens: [String] = []
        for (unit, name) in [("ATTT", "Cán bộ An toàn"), ("CDS", "Cán bộ Nền tảng"), ("ATTT", "Cán bộ đã nghỉ")] {
            let (id, token, hash) = HandlerTokens.make()
            try await store.addHandler(Handler(id: id, unit: unit, name: name), secretHash: hash)
            tokens.append(token)
        }
        _ = try await store.revokeHandler(HandlerTokens.parse(tokens[2])!.id)
        _ = try await store.importCorpus(entries)
        return (DeskDaemon(directory: directory), tokens[0], tokens[1], tokens[2])
    }

    /// The service over the directory's store, as the daemon opens it.
    func service() async throws -> DialogueService {
        let store = try SQLiteStore.open(directory: directory)
        var configuration = RankingConfiguration()
        configuration.answerThreshold = 0.5
        configuration.suggestThreshold = 0.45
        var index = KnowledgeIndex(analyzer: Analyzer(lexicon: Lexicon(abbreviationsText: "")), configuration: configuration)
        index.load(try await store.knowledgeEntries())
        let engine = SearchEngine(index)
        let escalation = EscalationService(
            store: store, configuration: EscalationService.Configuration(topics: Self.topics),
            search: { engine.search($0) }, entry: { engine.entry($0) }, learn: { engine.upsert($0) },
            forget: { engine.retire($0) })
        return DialogueService(store: store, dialogue: Dialogue(engine: engine, analyzer: Analyzer(lexicon: Lexicon(abbreviationsText: ""))),
                               escalation: escalation)
    }

    /// Runs the daemon for `body` (given its port), then shuts it down.
    func run(port: Int = 0, _ body: @Sendable @escaping (Int) async throws -> Void) async throws {
        try await ServerTests.serve(try await service(), port: port, body)
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// A JSON Lines client for tests: send objects, read the next object (with a timeout).
final class JSONClient: Sendable {
    let channel: NIOAsyncChannel<InputLine, ByteBuffer>
    let received = LineBuffer()
    let reader: Task<Void, Never>

    init(port: Int) async throws {
        channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: 1 << 20)))
                    return try NIOAsyncChannel<InputLine, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let inbound = channel.inbound
        let received = self.received
        reader = Task {
            do {
                for try await line in inbound {
                    if case .text(let text) = line { await received.append(text) }
                }
            } catch {}
            await received.finish()
        }
    }

    deinit {
        // A test that fails halfway drops its client without closing it.
        channel.outbound.finish()
        reader.cancel()
        channel.channel.close(promise: nil)
    }

    func send(_ object: JSONValue) async throws {
        try await channel.outbound.write(ByteBuffer(string: object.encoded() + "\n"))
    }

    /// The next object the server sends; fails after `seconds` without one.
    func next(within seconds: Double = 10) async throws -> JSONValue {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if let line = await received.take() { return try JSONValue.parse(line) }
            if await received.finished { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw ClientTimeout()
    }

    /// Whether nothing more arrives within `seconds`.
    func isQuiet(for seconds: Double) async throws -> Bool {
        try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        return await received.isEmpty
    }

    /// Sends a request and returns the next object.
    func ask(_ object: JSONValue) async throws -> JSONValue {
        try await send(object)
        return try await next()
    }

    func close() async {
        channel.outbound.finish()
        reader.cancel()
        try? await channel.channel.close()
    }
}

/// Lines received and not yet read.
actor LineBuffer {
    private var lines: [String] = []
    private(set) var finished = false

    func append(_ line: String) { lines.append(line) }
    func finish() { finished = true }
    func take() -> String? { lines.isEmpty ? nil : lines.removeFirst() }
    var isEmpty: Bool { lines.isEmpty }
}

/// Nothing arrived in time.
struct ClientTimeout: Error {}
