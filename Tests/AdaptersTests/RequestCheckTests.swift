import Foundation
import Testing

@testable import Dialogue
@testable import Server
@testable import Wire

/// Values from the wire are checked before anything is done with them, and every refusal
/// answers its request.
@Suite struct RequestCheckTests {
    /// A wrong type, a value out of range or an unknown name is `bad-request` (or
    /// `missing-field`), carrying the request's `re`; the session goes on.
    @Test(arguments: [
        (#"{"type":"say","text":42,"id":1}"#, "bad-request"),
        (#"{"type":"say","text":null,"id":1}"#, "missing-field"),
        (#"{"type":"pick","number":"2","id":1}"#, "bad-request"),
        (#"{"type":"pick","number":1.5,"id":1}"#, "bad-request"),
        (#"{"type":"pick","number":1e300,"id":1}"#, "bad-request"),
        (#"{"type":"feedback","helpful":"yes","id":1}"#, "bad-request"),
        (#"{"type":"escalate","text":"Câu hỏi","kind":"khác","id":1}"#, "bad-request"),
        (#"{"type":"hello","name":["An"],"id":1}"#, "bad-request"),
        (#"{"type":"hello","conversation":12,"id":1}"#, "bad-request"),
        (#"{"type":"docs","limit":0,"id":1}"#, "bad-request"),
        (#"{"type":"docs","year":99999,"id":1}"#, "bad-request"),
        (#"{"type":123,"id":1}"#, "bad-request"),
        (#"{"id":1}"#, "missing-field"),
    ])
    func refusedValues(line: String, code: String) async throws {
        let session = ChatSession(service: try await TestDaemon.service(), mode: .json)
        let error = try JSONValue.parse(await session.handle(.text(line)).lines[0])
        #expect(error["type"] == "error" && error["code"] == .string(code))
        #expect(error["re"] == 1)
        let after = try JSONValue.parse(await session.handle(.text(#"{"type":"say","text":"xin chào"}"#)).lines[0])
        #expect(after["type"] == "chat")
    }

    /// Handler requests check their values the same way (and an unknown status is not taken
    /// for "the open ones").
    @Test func handlerValuesAreChecked() async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let session = ChatSession(service: try await daemon.service(), mode: .json)
        _ = await session.handle(.text(JSONValue.object(["type": "login", "token": .string(attt)]).encoded()))
        for (line, code) in [
            (#"{"type":"queue","status":"mở","id":1}"#, "bad-request"),
            (#"{"type":"show","ticket":"1","id":1}"#, "bad-request"),
            (#"{"type":"show","ticket":0,"id":1}"#, "bad-request"),
            (#"{"type":"kind","ticket":1,"kind":"thư","id":1}"#, "bad-request"),
            (#"{"type":"reply","ticket":1,"text":"x","reusable":"no","id":1}"#, "bad-request"),
            (#"{"type":"kb","kb":"cap-do","action":"burn","id":1}"#, "bad-request"),
            (#"{"type":"stats","since":"0001-01-01","id":1}"#, "bad-request"),
            (#"{"type":"update","ticket":1,"id":1}"#, "missing-field"),
            (#"{"type":"ack","delivery":-3,"id":1}"#, "bad-request"),
            (#"{"type":"rate","ticket":1,"score":0,"id":1}"#, "bad-request"),
        ] {
            let error = try JSONValue.parse(await session.handle(.text(line)).lines[0])
            #expect(error["code"] == .string(code) && error["re"] == 1, "\(line)")
        }
        let text = ChatSession(service: try await daemon.service())
        _ = await text.handle(.text("/login \(attt)"))
        #expect(await text.handle(.text("/queue mở")).lines.first?.hasPrefix("Lỗi (bad-request)") == true)
        #expect(await text.handle(.text("/help")).lines.contains { $0.contains("/reply N nội dung") }, "the handlers' help")
    }

    /// Who may make a request is told before what is wrong with it: an asker who sends a
    /// handler's request with broken fields is told it is the handlers' (`not-allowed`), and a
    /// handler whose token was revoked is told the session ended (`bad-token`), whatever the
    /// line says.
    @Test func permissionIsToldBeforeTheFields() async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let service = try await daemon.service()
        let asker = ChatSession(service: service, mode: .json)
        for line in [#"{"type":"show","ticket":"x","id":1}"#, #"{"type":"reply","ticket":1,"id":1}"#,
                     #"{"type":"queue","status":"mở","id":1}"#, #"{"type":"kind","ticket":0,"kind":"thư","id":1}"#,
                     #"{"type":"kind","ticket":1,"id":1}"#, #"{"type":"kb","kb":"x","action":"burn","id":1}"#,
                     #"{"type":"review","action":"burn","id":1}"#]
        {
            let error = try JSONValue.parse(await asker.handle(.text(line)).lines[0])
            #expect(error["code"] == "not-allowed" && error["re"] == 1, "\(line)")
        }
        // An asker's own request with a broken field is still told what is wrong.
        let own = try JSONValue.parse(await asker.handle(.text(#"{"type":"rate","ticket":1,"score":9,"id":2}"#)).lines[0])
        #expect(own["code"] == "bad-request" && own["re"] == 2)
        let text = ChatSession(service: service)
        for line in ["/show abc", "/queue bogus", "/kb", "/review foo", "/kind 5 bogus", "/claim 0"] {
            #expect(await text.handle(.text(line)).lines.first?.hasPrefix("Lỗi (not-allowed)") == true, "\(line)")
        }
        let handler = ChatSession(service: service, mode: .json)
        _ = await handler.handle(.text(JSONValue.object(["type": "login", "token": .string(attt)]).encoded()))
        try await daemon.revoke(try #require(HandlerTokens.parse(attt)).id)
        let ended = try JSONValue.parse(await handler.handle(.text(#"{"type":"show","ticket":"x","id":3}"#)).lines[0])
        #expect(ended["code"] == "bad-token" && ended["re"] == 3, "\(ended)")
    }

    /// What the asker did rather than wrote (feedback, asking for more) reaches the unit in
    /// words, the same from a text client as from a JSON one.
    @Test func ticketContextSaysWhatTheAskerDid() async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let service = try await daemon.service()
        var contexts: [[String]] = []
        for lines in [["Hệ thống thông tin có mấy cấp độ an toàn?", "/No", "/more", "/human"],
                      [#"{"type":"say","text":"Hệ thống thông tin có mấy cấp độ an toàn?"}"#, #"{"type":"feedback","helpful":false}"#,
                       #"{"type":"more"}"#, #"{"type":"escalate"}"#]]
        {
            let asker = ChatSession(service: service)
            for line in lines { _ = await asker.handle(.text(line)) }
            let handler = ChatSession(service: service, mode: .json)
            _ = await handler.handle(.text(JSONValue.object(["type": "login", "token": .string(attt)]).encoded()))
            let queue = try JSONValue.parse(await handler.handle(.text(#"{"type":"queue"}"#)).lines[0])
            let number = try #require(queue["tickets"]?.array?.compactMap { $0["ticket"]?.int }.max())
            let shown = try JSONValue.parse(await handler.handle(.text(#"{"type":"show","ticket":\#(number)}"#)).lines[0])
            let context = shown["ticket"]?["context"]?.array ?? []
            contexts.append(context.compactMap { $0.string })
        }
        #expect(contexts.count == 2)
        for context in contexts {
            #expect(context.contains("Người hỏi: (đánh giá câu trả lời: chưa đúng)"), "\(context)")
            #expect(context.contains("Người hỏi: (xem câu trả lời khác)"), "\(context)")
            #expect(!context.contains { $0 == "Người hỏi: " || $0.contains("not helpful") })
        }
    }

    /// `whoami` says who the connection is, in both modes (the request added to show what a new
    /// request takes: its case, its executor branch, its codec lines).
    @Test func whoami() async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let service = try await daemon.service()
        let session = ChatSession(service: service, mode: .json)
        let anonymous = try JSONValue.parse(await session.handle(.text(#"{"type":"whoami","id":1}"#)).lines[0])
        #expect(anonymous == ["type": "whoami", "role": "asker", "re": 1])
        let welcome = try JSONValue.parse(await session.handle(.text(#"{"type":"hello"}"#)).lines[0])
        _ = await session.handle(.text(JSONValue.object(["type": "login", "token": .string(attt)]).encoded()))
        let known = try JSONValue.parse(await session.handle(.text(#"{"type":"whoami"}"#)).lines[0])
        #expect(known["role"] == "handler" && known["unit"] == "ATTT" && known["reviewer"] == true)
        #expect(known["conversation"] == welcome["conversation"])
        let text = ChatSession(service: service)
        _ = await text.handle(.text("/login \(attt)"))
        #expect(await text.handle(.text("/whoami")).lines.first == "Cán bộ Cán bộ An toàn (\(HandlerTokens.parse(attt)!.id)), đơn vị ATTT.")
    }

    /// Text-mode `/resume` delivers the replies that waited, and they are acknowledged only once
    /// the transport says it wrote them to a connection still open.
    @Test func textResumeAcknowledgesOnlyWhatWasWritten() async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let service = try await daemon.service()
        let desk = try #require(service.escalation)
        let asker = ChatSession(service: service, mode: .json)
        let welcome = try JSONValue.parse(await asker.handle(.text(#"{"type":"hello"}"#)).lines[0])
        let conversation = try #require(welcome["conversation"]?.string)
        let escalated = try JSONValue.parse(await asker.handle(.text(#"{"type":"escalate","text":"Câu hỏi khó về chi phí"}"#)).lines[0])
        let number = try #require(escalated["ticket"]?.int)
        let handler = try #require(await desk.login(token: attt, source: "test"))
        _ = try await desk.reply(number, by: handler, text: "Câu trả lời của đơn vị.", reusable: false)

        // A text client resumes, but its connection goes away before the lines are written.
        let lost = ChatSession(service: service)
        let output = await lost.handle(.text("/resume \(conversation)"))
        #expect(output.lines.contains("Câu trả lời của đơn vị."))
        #expect(output.deliveredOnWrite.count == 1)
        #expect(try await desk.pending(conversation: conversation).count == 1, "not written: still waiting")
        // The next one is written to.
        let back = ChatSession(service: service)
        let again = await back.handle(.text("/resume \(conversation)"))
        #expect(again.lines.contains("Câu trả lời của đơn vị."))
        await back.written(again)
        #expect(try await desk.pending(conversation: conversation).isEmpty)
    }
}
