import Dialogue
import Retrieval
import Foundation

/// Text mode, for people at a terminal: a line is a message, `/` starts a command, and every
/// reply ends with a line holding a single dot (docs/PROTOCOL.md).
extension ChatSession {
    func handleText(_ line: String) async -> SessionOutput {
        let text = line.trimmedWhitespace
        if let refusal = await recheckHandler(re: nil) { return refusal }
        do {
            guard text.hasPrefix("/") else {
                if text.isEmpty { return SessionOutput(lines: []) }
                let (reply, started) = try await reply(to: .say(text), kind: "say", text: text)
                return show(reply, started: started)
            }
            let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
            let argument = parts.count > 1 ? parts[1].trimmedWhitespace : ""
            switch parts[0].lowercased() {
            case "/help":
                return SessionOutput(lines: TextWire.frame(
                    (handler == nil ? SmallTalk.helpText : Self.handlerHelp).split(separator: "\n").map(String.init)))
            case "/resume":
                guard !argument.isEmpty, argument.utf8.count <= RequestFields.shortLimit,
                    let record = try await service.store.conversation(argument)
                else {
                    return error(.unknownConversation, re: nil)
                }
                conversation = record.id
                throughGateway = record.channel != nil && record.user != nil && isLoopback
                // The replies that waited count as delivered only once they are written.
                var output = await pendingLines()
                output.lines = TextWire.frame(["Đã tiếp tục cuộc trò chuyện \(record.id)."]) + output.lines
                return output
            case "/yes", "/no":
                let helpful = parts[0].lowercased() == "/yes"
                let (reply, started) = try await reply(to: .feedback(helpful: helpful), kind: "feedback",
                                                       text: parts[0])
                return show(reply, started: started)
            case "/more":
                let (reply, started) = try await reply(to: .more, kind: "more", text: "/more")
                return show(reply, started: started)
            case "/human":
                let (reply, started) = try await reply(to: .human(argument.isEmpty ? nil : argument), kind: "escalate",
                                                       text: argument)
                return show(reply, started: started)
            case "/docs":
                return handleDocsText(argument)
            case "/quit":
                return SessionOutput(lines: TextWire.frame(["Tạm biệt anh/chị!"]), close: true)
            default:
                if let output = await handleDeskText(parts[0].lowercased(), argument) { return output }
                return error(.unknownCommand(String(parts[0].prefix(40))), re: nil)
            }
        } catch let failure as EscalationError {
            return error(ProtocolError(failure), re: nil)
        } catch {
            return self.error(.unavailable, re: nil)
        }
    }

    /// What `/help` shows a logged-in handler.
    static let handlerHelp = """
        Lệnh của cán bộ xử lý phiếu:
          /queue [new|assigned|answered|closed]   phiếu của đơn vị (mặc định: phiếu đang mở, hạn sớm trước)
          /show N                  phiếu N: trao đổi trước đó, lịch sử, câu trả lời tương tự
          /claim N                 nhận xử lý phiếu N
          /reply N nội dung        trả lời người hỏi (câu trả lời vào cơ sở tri thức sau khi được duyệt)
          /replyonce N nội dung    trả lời riêng người hỏi, không đưa vào cơ sở tri thức
          /update N nội dung       báo tiến độ cho người hỏi (phiếu vẫn mở)
          /note N nội dung         ghi chú nội bộ (người hỏi không thấy)
          /transfer N ĐƠN_VỊ       chuyển phiếu sang đơn vị khác
          /kind N loại             đổi loại: câu hỏi, kiến nghị, phản ánh, xin ý kiến
          /close N, /reopen N      đóng, mở lại phiếu
          /review                  câu trả lời chờ duyệt (người duyệt, quản trị)
          /review approve MÃ [nội dung sửa lại], /review reject MÃ
          /kb edit MÃ nội dung, /kb retire MÃ   sửa, gỡ một mục của cơ sở tri thức
          /docs số hiệu hoặc từ    tìm văn bản
          /quit                    thoát
        """

    func show(_ reply: DialogueReply, started: Bool) -> SessionOutput {
        var lines: [String] = []
        if started, let conversation {
            lines.append("(Mã cuộc trò chuyện: \(conversation) — gõ /resume \(conversation) để tiếp tục lần sau.)")
        }
        var body = TextWire.lines(reply)
        if case .answer(let answer) = reply, let cited = citedLines(answer.refs),
            let index = body.firstIndex(where: { $0.hasPrefix("Văn bản liên quan:") })
        {
            body.replaceSubrange(index...index, with: cited)
        }
        lines += body
        return SessionOutput(lines: TextWire.frame(lines))
    }
}

/// Text-mode rendering and framing.
package enum TextWire {
    /// The readable lines of a reply.
    package static func lines(_ reply: DialogueReply) -> [String] {
        switch reply {
        case .answer(let answer):
            var lines = answer.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if !answer.refs.isEmpty { lines.append("Văn bản liên quan: \(answer.refs.joined(separator: ", "))") }
            lines.append("(Câu trả lời cho: \(answer.question) — gõ /yes nếu hữu ích, /no nếu chưa đúng"
                + (answer.alternatives.isEmpty ? ".)" : ", /more để xem câu trả lời khác.)"))
            return lines
        case .suggest, .escalate, .escalated, .chat:
            return reply.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// Frames a reply: lines starting with a dot get one more (dot-stuffing), then a line with a
    /// single dot ends the reply — as SMTP and NNTP do.
    package static func frame(_ lines: [String]) -> [String] {
        lines.map { $0.hasPrefix(".") ? "." + $0 : $0 } + ["."]
    }
}
