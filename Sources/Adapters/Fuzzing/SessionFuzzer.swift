import Dialogue
import Foundation
import Retrieval
import Server
import Wire

/// Drives the protocol with random and mutated input — bytes through the line framer, then
/// sessions of an asker, a handler, an admin and a gateway, in JSON and text mode — and checks what every
/// honest client relies on: each JSON line out is an object with a `type`; each JSON request
/// that carried an `id` is answered with it as `re`, errors included; each text reply ends with
/// its dot line. A crash or a trap ends the process, which is the other finding. Seeded, so a
/// finding can be replayed (`motcua-bench fuzz --seed`, and the suite's bounded run).
package struct SessionFuzzer {
    /// What a run found.
    package struct Report: Sendable {
        /// Input lines handled.
        package var lines = 0
        /// Output lines checked.
        package var outputs = 0
        /// Broken promises, with the input that broke each (at most 20 kept).
        package var findings: [String] = []
        /// Lines that were errors, by code (how deep the run got).
        package var errors: [String: Int] = [:]
        /// Lines that were not errors, by type.
        package var replies: [String: Int] = [:]

        /// An empty report.
        package init() {}
    }

    /// Who a session is.
    package enum Role: String, Sendable, CaseIterable {
        case asker, handler, admin, gateway
    }

    private var random: SplitMix64
    let handlerToken: String
    let adminToken: String
    /// The token a gateway's sessions log in with (nil: no gateway sessions).
    let gatewayToken: String?
    /// Ticket numbers and entry ids that exist, so that mutations reach the desk's deep paths.
    let tickets: [Int]
    let entries: [String]

    /// A fuzzer.
    /// - Parameters:
    ///   - seed: the seed of every choice it makes.
    ///   - handlerToken, adminToken, gatewayToken: tokens sessions log in with.
    ///   - tickets, entries: numbers and ids that exist in the store.
    package init(seed: UInt64, handlerToken: String, adminToken: String, gatewayToken: String? = nil, tickets: [Int],
                 entries: [String])
    {
        random = SplitMix64(seed: seed)
        self.handlerToken = handlerToken
        self.adminToken = adminToken
        self.gatewayToken = gatewayToken
        self.tickets = tickets.isEmpty ? [1] : tickets
        self.entries = entries.isEmpty ? ["phieu-1"] : entries
    }

    /// Runs `lines` inputs, spread over sessions of every role (a fresh session every few dozen
    /// lines), against `service`.
    package mutating func run(service: DialogueService, lines: Int, limits: SessionLimits = Self.limits) async -> Report {
        var report = Report()
        while report.lines < lines {
            let roles = Role.allCases.filter { $0 != .gateway || gatewayToken != nil }
            let role = roles[Int(random.next() % UInt64(roles.count))]
            let json = role == .gateway || random.next() % 4 != 0
            // Many sources, as many clients would be (one source's failed logins are slowed down).
            let session = ChatSession(service: service, limits: limits,
                                      source: "198.51.\(random.next() % 256).\(random.next() % 256)")
            var framer = LineFramer(maximumLineBytes: limits.maximumLineBytes)
            var prelude: [String] = []
            switch role {
            case .asker: break
            case .handler: prelude.append(json ? login(handlerToken) : "/login \(handlerToken)")
            case .admin: prelude.append(json ? login(adminToken) : "/login \(adminToken)")
            case .gateway: prelude.append(login(gatewayToken ?? ""))
            }
            if json, role != .gateway { prelude.insert(#"{"type":"hello","id":"hello"}"#, at: 0) }
            for line in prelude { _ = await session.handle(.text(line)) }
            let count = 1 + Int(random.next() % 60)
            var closed = false
            for _ in 0..<count where report.lines < lines && !closed {
                let bytes = role == .gateway ? gatewayInput() : nextInput(json: json)
                for input in framer.feed(bytes + [0x0a]) where !closed {
                    report.lines += 1
                    let output = await session.handle(input)
                    check(output, for: input, session: session, into: &report)
                    closed = output.close
                }
            }
            session.close()
        }
        return report
    }

    /// Limits for fuzzing: no rate limit, so inputs reach past it.
    package static var limits: SessionLimits {
        var limits = SessionLimits()
        limits.burst = 1 << 30
        limits.messagesPerSecond = 1e9
        return limits
    }

    // MARK: - Checks

    func check(_ output: SessionOutput, for input: InputLine, session: ChatSession, into report: inout Report) {
        report.outputs += output.lines.count
        guard case .text(let line) = input else { return }
        func finding(_ what: String) {
            if report.findings.count < 20 { report.findings.append("\(what) — input: \(line.prefix(300))") }
        }
        switch session.mode {
        case .json:
            var answered = false
            let id = (try? JSONValue.parse(line))?["id"]
            for out in output.lines {
                guard let value = try? JSONValue.parse(out), case .object = value, let type = value["type"]?.string else {
                    finding("a line out is not a JSON object with a type: \(out.prefix(200))")
                    continue
                }
                if type == "error" {
                    report.errors[value["code"]?.string ?? "?", default: 0] += 1
                } else {
                    report.replies[type, default: 0] += 1
                }
                if let id, value["re"] == id { answered = true }
            }
            if let id, !answered, !line.isBlank { finding("request with id \(id.encoded()) not answered") }
        case .text:
            if !output.lines.isEmpty, output.lines.last != "." { finding("a text reply without its dot line") }
            for out in output.lines where out.hasPrefix("Lỗi (") {
                report.errors[String(out.dropFirst(5).prefix { $0 != ")" }), default: 0] += 1
            }
        case .undecided:
            break
        }
    }

    // MARK: - Inputs

    func login(_ token: String) -> String {
        JSONValue.object(["type": "login", "token": .string(token), "id": "login"]).encoded()
    }

    /// One input line's bytes (without its newline; the framer may split it further).
    mutating func nextInput(json: Bool) -> [UInt8] {
        switch random.next() % 20 {
        case 0: return randomBytes(Int(random.next() % 64))
        case 1: return Array(repeating: UInt8(ascii: "a"), count: 16 * 1024 + Int(random.next() % 3))
        case 2: return mutate(Array(validRequest().encoded().utf8))
        case 3: return Array(nestedJSON(depth: Int(random.next() % 300)).utf8)
        default: return json ? Array(mutatedRequest().encoded().utf8) : Array(textCommand().utf8)
        }
    }

    mutating func randomBytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }.filter { $0 != 0x0a }
    }

    /// Flips bits, cuts, doubles or splices garbage into a line.
    mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
        guard !bytes.isEmpty else { return randomBytes(8) }
        var bytes = bytes
        for _ in 0..<(1 + Int(random.next() % 4)) {
            let at = Int(random.next() % UInt64(bytes.count))
            switch random.next() % 5 {
            case 0: bytes[at] ^= UInt8(1 << (random.next() % 8))
            case 1: bytes = Array(bytes[..<at])
            case 2: bytes.insert(contentsOf: randomBytes(1 + Int(random.next() % 6)), at: at)
            case 3: bytes.insert(contentsOf: Array("\",\"id\":".utf8), at: at)
            default: bytes += bytes
            }
            if bytes.isEmpty { bytes = randomBytes(4) }
        }
        return bytes.filter { $0 != 0x0a }
    }

    mutating func nestedJSON(depth: Int) -> String {
        String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
    }

    static let types = [
        "hello", "say", "pick", "more", "feedback", "escalate", "ack", "undeliverable", "rate", "help", "docs", "quit",
        "login", "queue", "show", "claim", "reply", "note", "transfer", "kind", "close", "reopen", "kb", "stats", "update",
        "review", "tickets", "ask", "ping", "pong", "nope", "",
    ]

    /// A gateway's input: mostly a request for one of a few users (sometimes none, or an odd
    /// one), else any input.
    mutating func gatewayInput() -> [UInt8] {
        guard random.next() % 4 != 0, case .object(var object) = validRequest() else { return nextInput(json: true) }
        switch random.next() % 8 {
        case 0: break
        case 1: object["user"] = .int(Int(random.next() % 100))
        case 2: object["user"] = .string(String(repeating: "8", count: 200))
        case 3: object["user"] = "\u{0}\u{7}"
        default: object["user"] = .string("849\(random.next() % 5)")
        }
        return Array(JSONValue.object(object).encoded().utf8)
    }

    /// A request of a random type with sensible fields.
    mutating func validRequest() -> JSONValue {
        let type = Self.types[Int(random.next() % UInt64(Self.types.count))]
        var object: [String: JSONValue] = ["type": .string(type), "id": .int(Int(random.next() % 1000))]
        let ticket = JSONValue.int(tickets[Int(random.next() % UInt64(tickets.count))])
        let entry = JSONValue.string(entries[Int(random.next() % UInt64(entries.count))])
        switch type {
        case "hello":
            if random.next() % 2 == 0 { object["channel"] = "zalo"; object["user"] = .string("849\(random.next() % 100_000)") }
            object["name"] = "Nguyễn Văn An"
        case "say": object["text"] = .string(sentence())
        case "pick": object["number"] = .int(Int(random.next() % 5))
        case "feedback": object["helpful"] = .bool(random.next() % 2 == 0)
        case "escalate": object["text"] = .string(sentence()); object["kind"] = "kien-nghi"
        case "ack", "undeliverable": object["delivery"] = .int(Int(random.next() % 20))
        case "rate": object["ticket"] = ticket; object["score"] = .int(Int(random.next() % 7))
        case "docs": object["query"] = "nghị định 47"; object["year"] = 2020; object["limit"] = 5
        case "login": object["token"] = .string(random.next() % 2 == 0 ? handlerToken : "mc1.00000000." + String(repeating: "0", count: 64))
        case "queue": object["status"] = "new"
        case "show", "claim", "close", "reopen": object["ticket"] = ticket
        case "reply", "note", "update", "ask":
            object["ticket"] = ticket; object["text"] = .string(sentence()); object["reusable"] = true
        case "undeliverable-reason": object["reason"] = "blocked"; object["attempts"] = .int(Int(random.next() % 10))
        case "transfer": object["ticket"] = ticket; object["unit"] = "CDS"
        case "kind": object["ticket"] = ticket; object["kind"] = "phan-anh"
        case "kb": object["kb"] = entry; object["action"] = random.next() % 2 == 0 ? "edit" : "retire"; object["answer"] = "Sửa."
        case "stats": object["since"] = "2026-01-01"; object["until"] = "2026-12-31"
        case "review":
            if random.next() % 2 == 0 { object["action"] = "approve"; object["kb"] = entry; object["answer"] = "Đã duyệt." }
        default: break
        }
        return .object(object)
    }

    /// A request whose fields are replaced, removed or given odd values.
    mutating func mutatedRequest() -> JSONValue {
        guard case .object(var object) = validRequest() else { return .null }
        let keys = ["type", "id", "text", "ticket", "number", "score", "delivery", "since", "until", "kind", "status",
                    "kb", "action", "unit", "token", "conversation", "channel", "user", "name", "helpful", "reusable",
                    "limit", "year", "question", "answer", "comment"]
        for _ in 0..<Int(random.next() % 4) {
            let key = keys[Int(random.next() % UInt64(keys.count))]
            if random.next() % 5 == 0 { object[key] = nil } else { object[key] = oddValue() }
        }
        return .object(object)
    }

    mutating func oddValue() -> JSONValue {
        switch random.next() % 16 {
        case 0: return .null
        case 1: return .int(Int.max)
        case 2: return .int(Int.min + 1)
        case 3: return .int(-1)
        case 4: return .double(1e308)
        case 5: return .double(-0.5)
        case 6: return .bool(true)
        case 7: return .array([.int(1), .string("x")])
        case 8: return .object(["a": .object(["b": .null])])
        case 9: return .string("")
        case 10: return .string(String(repeating: "đ", count: Int(random.next() % 9000)))
        case 11: return .string(["0001-01-01", "4100-01-01", "2026-02-30", "-1", "9999-12-31T23:59:59Z"][Int(random.next() % 5)])
        case 12: return .string("e\u{301}\u{0}\u{7}\u{202E}👩‍👩‍👧 =HYPERLINK(\"x\")")
        case 13: return .string(String(decoding: randomBytes(12), as: UTF8.self))
        case 14: return .string(["new", "closed", "cau-hoi", "phieu-999999", "ATTT", "approve", "reject"][Int(random.next() % 7)])
        default: return .int(Int(random.next() % 10))
        }
    }

    mutating func sentence() -> String {
        let words = ["chữ", "ký", "số", "cấp", "độ", "an", "toàn", "hệ", "thống", "kiến", "nghị", "phản", "ánh", "tôi", "là",
                     "Trần", "Văn", "Bình", "0912345678", "CCCD", "001085012345", "ngõ", "12", "phố", "Huế", "?", "xin", "ý",
                     "kiến", "LGSP", "NĐ", "47/2020/NĐ-CP", "ko", "đc", "ntn", "1", "2"]
        return (0..<(1 + Int(random.next() % 16))).map { _ in words[Int(random.next() % UInt64(words.count))] }
            .joined(separator: " ")
    }

    mutating func textCommand() -> String {
        let commands = ["/help", "/resume", "/yes", "/no", "/more", "/human", "/quit", "/docs", "/login", "/rate", "/queue",
                        "/show", "/claim", "/reply", "/replyonce", "/note", "/transfer", "/kind", "/close", "/reopen", "/kb",
                        "/update", "/review", "/bay", "", "/YES"]
        let command = commands[Int(random.next() % UInt64(commands.count))]
        let arguments = ["", "1", "#2", "-5", "99999999999999999999", "abc", "new", "approve phieu-1", "reject phieu-1",
                         "edit phieu-1 Sửa lại.", "retire cap-do", "1 5 tốt", "1 Trả lời.", "CDS", "1 kiến nghị",
                         "00000000000000000000000000000000", String(repeating: "x", count: 200)]
        let argument = arguments[Int(random.next() % UInt64(arguments.count))]
        return command.isEmpty ? sentence() : "\(command) \(argument)"
    }
}
