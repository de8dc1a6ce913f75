import Foundation
import Testing

@testable import Dialogue
@testable import Server
@testable import Wire

/// The protocol without sockets: modes, requests, errors, limits.
@Suite struct ChatSessionTests {
    func json(_ line: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    /// JSON mode: hello gives a conversation, say an answer echoing the request id as `re`.
    @Test func jsonHelloAndSay() async throws {
        let service = try await TestDaemon.service()
        let session = ChatSession(service: service)
        let welcome = try json(await session.handle(.text(#"{"type":"hello","id":7,"name":"Lan"}"#)).lines[0])
        #expect(welcome["type"] as? String == "welcome")
        #expect(welcome["re"] as? Int == 7)
        #expect(welcome["resumed"] as? Bool == false)
        let id = try #require(welcome["conversation"] as? String)
        #expect(id.count == 32)
        let answer = try json(await session.handle(.text(#"{"type":"say","text":"he thong co may cap do an toan","id":"a"}"#)).lines[0])
        #expect(answer["type"] as? String == "answer")
        #expect(answer["kb"] as? String == "cap-do")
        #expect(answer["re"] as? String == "a")
        #expect(answer["refs"] as? [String] == ["85-2016-nd-cp"])
        #expect((answer["confidence"] as? Double ?? 0) > 0)
        let stored = try await service.store.messages(of: id, last: 10)
        #expect(stored.map(\.kind) == ["say", "answer"])
    }

    /// Naming a channel's user is a gateway's right: a plain client's `hello` with a channel
    /// and user, or a request carrying a `user`, is refused; an unknown id is unknown.
    @Test func channelIdentityIsNotForPlainClients() async throws {
        let service = try await TestDaemon.service()
        let hello = #"{"type":"hello","channel":"zalo","user":"84912345678"}"#
        let refused = try json(await ChatSession(service: service).handle(.text(hello)).lines[0])
        #expect(refused["code"] as? String == "not-allowed")
        let asserted = try json(await ChatSession(service: service).handle(
            .text(#"{"type":"say","user":"84912345678","text":"xin chào"}"#)).lines[0])
        #expect(asserted["code"] as? String == "not-allowed")
        let unknown = try json(await ChatSession(service: service).handle(
            .text(#"{"type":"hello","conversation":"00000000000000000000000000000000"}"#)).lines[0])
        #expect(unknown["code"] as? String == "unknown-conversation")
    }

    /// Errors have stable codes and the session lives on after them.
    @Test(arguments: [
        ("not json", "bad-json"), (#"{"text":"x"}"#, "missing-field"), (#"{"type":"say"}"#, "missing-field"),
        (#"{"type":"fly"}"#, "unknown-type"), (#"{"type":"feedback"}"#, "missing-field"),
    ])
    func jsonErrors(line: String, code: String) async throws {
        let session = ChatSession(service: try await TestDaemon.service(), mode: .json)
        let error = try json(await session.handle(.text(line)).lines[0])
        #expect(error["type"] as? String == "error")
        #expect(error["code"] as? String == code)
        let after = try json(await session.handle(.text(#"{"type":"say","text":"xin chào"}"#)).lines[0])
        #expect(after["type"] as? String == "chat")
    }

    /// Framing errors reach the client in its mode.
    @Test func framingErrors() async throws {
        let session = ChatSession(service: try await TestDaemon.service(), mode: .json)
        #expect(try json(await session.handle(.tooLong).lines[0])["code"] as? String == "line-too-long")
        #expect(try json(await session.handle(.badUTF8).lines[0])["code"] as? String == "bad-utf8")
        let text = ChatSession(service: try await TestDaemon.service())
        #expect(await text.handle(.badUTF8).lines.first?.contains("bad-utf8") == true)
    }

    /// Text mode: replies end with a dot line; the first reply names the conversation; commands work.
    @Test func textMode() async throws {
        let session = ChatSession(service: try await TestDaemon.service())
        let first = await session.handle(.text("chữ ký số chuyên dùng công vụ cấp cho ai?"))
        #expect(session.mode == .text)
        #expect(first.lines.last == ".")
        #expect(first.lines[0].contains("Mã cuộc trò chuyện"))
        #expect(first.lines.contains { $0.contains("cán bộ, công chức") })
        let help = await session.handle(.text("/help"))
        #expect(help.lines.contains { $0.hasPrefix("/human") })
        #expect(await session.handle(.text("/bay")).lines[0].contains("unknown-command"))
        let quit = await session.handle(.text("/quit"))
        #expect(quit.close)
        #expect(TextWire.frame([".ẩn"]) == ["..ẩn", "."])
    }

    /// A flood is cut by the rate limit, with a clear error, and nothing else is lost.
    @Test func rateLimit() async throws {
        var limits = SessionLimits()
        limits.burst = 3
        limits.messagesPerSecond = 0.001
        let session = ChatSession(service: try await TestDaemon.service(), limits: limits, mode: .json)
        var codes: [String] = []
        for _ in 0..<5 {
            let reply = try json(await session.handle(.text(#"{"type":"say","text":"xin chào"}"#)).lines[0])
            codes.append(reply["code"] as? String ?? reply["type"] as? String ?? "")
        }
        #expect(codes == ["chat", "chat", "chat", "rate-limited", "rate-limited"])
    }
}

/// The document catalogue on the protocol.
@Suite struct CatalogueProtocolTests {
    /// `docs` finds a document by number and filters by year; `/docs` lists it readably; an answer
    /// whose entry cites a document shows its number and title.
    @Test func docsAndCitedDocuments() async throws {
        let service = try await TestDaemon.service()
        let json = ChatSession(service: service)
        let found = try JSONValue.parse(await json.handle(.text(#"{"type":"docs","query":"NĐ 47/2020","id":1}"#)).lines[0])
        #expect(found["type"] == "docs" && found["re"] == 1)
        #expect(found["results"]?.array?.first?["number"] == "47/2020/NĐ-CP")
        let filtered = try JSONValue.parse(await json.handle(.text(#"{"type":"docs","query":"nghị định","year":2016}"#)).lines[0])
        #expect(filtered["results"]?.array?.map { $0["id"] } == ["85-2016-nd-cp"])
        let answer = try JSONValue.parse(
            await json.handle(.text(#"{"type":"say","text":"Hệ thống thông tin có mấy cấp độ an toàn?"}"#)).lines[0])
        #expect(answer["documents"]?.array?.first?["number"] == "85/2016/NĐ-CP")

        let text = ChatSession(service: service)
        let listed = await text.handle(.text("/docs 85/2016")).lines
        #expect(listed.first?.hasPrefix("Nghị định 85/2016/NĐ-CP (Chính phủ, 2016-07-01)") == true)
        let shown = await text.handle(.text("Hệ thống thông tin có mấy cấp độ an toàn?")).lines
        #expect(shown.contains { $0.contains("85/2016/NĐ-CP") && $0.contains("an toàn hệ thống thông tin theo cấp độ") })
    }
}

/// The hand-written JSON reader and writer.
@Suite struct JSONValueTests {
    /// Ids, booleans, numbers and strings keep their JSON types; text is escaped; keys sorted.
    @Test func typesAndEscaping() throws {
        let parsed = try JSONValue.parse(#"{"one":1,"yes":true,"half":0.5}"#)
        let line = JSONValue.object([
            "re": parsed["one"]!, "b": parsed["yes"]!, "x": parsed["half"]!, "n": 7, "t": true,
            "s": "dòng \"một\"\nhai\\", "a": [1, "x"], "o": ["k": false], "z": nil,
        ]).encoded()
        #expect(line == #"{"a":[1,"x"],"b":true,"n":7,"o":{"k":false},"re":1,"s":"dòng \"một\"\nhai\\","t":true,"x":0.5,"z":null}"#)
        let back = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(back["s"] as? String == "dòng \"một\"\nhai\\")
        #expect(try JSONValue.parse(line)["re"] == .int(1))
    }

    /// What Foundation writes, including escapes and surrogate pairs, reads back the same.
    @Test func readsEscapesAndUnicode() throws {
        let value = try JSONValue.parse(#" { "t" : "a\u0111\u1ED3ng \ud83d\ude00 \/ \b\f\n\r\t\"\\" , "n": -12.5e1, "l": [ ], "o": {} } "#)
        #expect(value["t"]?.string == "ađồng 😀 / \u{8}\u{c}\n\r\t\"\\")
        #expect(value["n"] == .double(-125))
        #expect(value["l"] == .array([]))
        #expect(value["o"] == .object([:]))
        #expect(try JSONValue.parse("12345678901234567").int == 12_345_678_901_234_567)
        #expect(try JSONValue.parse(#""thủ tục""#).string == "thủ tục")
        // A value written and read again is the same value.
        let round = JSONValue.object(["s": .string("xin chào\u{1}\u{1F600}"), "d": 0.25, "i": -3, "b": false])
        #expect(try JSONValue.parse(round.encoded()) == round)
    }

    /// Broken JSON is refused, never half read.
    @Test(arguments: [
        "", "{", "{\"a\":}", "{\"a\" 1}", "[1,]", "{\"a\":1,}", "tru", "01", "1.", "-", "\"abc", "\"\\x\"",
        "\"\\ud800\"", "\"\\udc00\"", "{} {}", "\"a\u{1}b\"", "nul", "{'a':1}",
    ])
    func refusesBrokenJSON(_ text: String) {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(text) }
    }

    /// Nesting is bounded, so a hostile line cannot exhaust the stack.
    @Test func boundsNesting() throws {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(deep) }
        #expect(try JSONValue.parse(String(repeating: "[", count: 20) + "7" + String(repeating: "]", count: 20)) != .null)
    }
}
