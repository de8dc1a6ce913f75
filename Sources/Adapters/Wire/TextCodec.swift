import Dialogue
import Foundation
import Retrieval

/// Text mode, for people at a terminal (docs/PROTOCOL.md): a line is a message, `/` starts a
/// command; every reply is lines and then a line holding a single dot.
package enum TextCodec {
    // MARK: - Requests

    /// The request a line makes.
    /// - Parameter lenient: read a command typed wrongly as the command with placeholder
    ///   arguments, to learn only which request it meant (never to carry it out).
    /// - Throws: `unknown-command`, `unknown-conversation` (a `/resume` without an id), or a
    ///   usage line for a command typed wrongly.
    package static func request(_ line: String, lenient: Bool = false) throws(ProtocolError) -> Request {
        let text = line.trimmedWhitespace
        guard text.hasPrefix("/") else { return .say(text) }
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        let command = parts[0].lowercased()
        let argument = parts.count > 1 ? parts[1].trimmedWhitespace : ""
        let words = argument.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).map(String.init)
        let number = words.first.flatMap { Int($0.trimmingPrefix("#")) }.flatMap { $0 > 0 ? $0 : nil }
        let rest = words.count > 1 ? words[1...].joined(separator: " ") : ""
        func ticket() throws(ProtocolError) -> Int {
            guard let number else {
                if lenient { return 0 }
                throw .usage("Cú pháp: \(command) <số phiếu> …")
            }
            return number
        }
        switch command {
        case "/help": return .help
        case "/resume":
            guard !argument.isEmpty, argument.utf8.count <= RequestFields.shortLimit else { throw .unknownConversation }
            return .resume(conversation: argument)
        case "/yes", "/no": return .feedback(helpful: command == "/yes")
        case "/more": return .more
        case "/human": return .escalate(text: argument.isEmpty ? nil : argument, kind: nil)
        case "/docs": return .docs(query: argument, filter: DocumentCatalogue.Filter(), limit: 10)
        case "/quit": return .quit
        case "/login": return .login(token: argument)
        case "/whoami": return .whoami
        case "/rate":
            guard let number, words.count >= 2, let score = Int(words[1]) else {
                throw .usage("Cú pháp: /rate <số phiếu> <điểm 1–5> [nhận xét]")
            }
            return .rate(ticket: number, score: score, comment: words.count > 2 ? words[2] : nil)
        case "/queue":
            guard !argument.isEmpty else { return .queue(status: nil) }
            guard let status = TicketStatus(rawValue: argument) else {
                if lenient { return .queue(status: nil) }
                throw .unknownStatus(argument)
            }
            return .queue(status: status)
        case "/kb":
            let usage = ProtocolError.usage("Cú pháp: /kb retire <mã> hoặc /kb edit <mã> <câu trả lời mới>")
            if lenient, words.count < 2 || (words[0] != "retire" && words.count != 3) { return .retireEntry(kb: "") }
            guard words.count >= 2 else { throw usage }
            if words[0] == "retire" { return .retireEntry(kb: words[1]) }
            guard words[0] == "edit", words.count == 3 else { throw usage }
            return .editEntry(kb: words[1], question: nil, answer: words[2])
        case "/review":
            switch words.first {
            case nil: return .review
            case "approve" where words.count >= 2:
                return .approve(kb: words[1], question: nil, answer: words.count > 2 ? words[2] : nil)
            case "reject" where words.count >= 2: return .reject(kb: words[1])
            default:
                if lenient { return .review }
                throw .usage("Cú pháp: /review, /review approve <mã> [câu trả lời sửa lại], /review reject <mã>")
            }
        case "/search":
            guard !argument.isEmpty || lenient else { throw .usage("Cú pháp: /search <từ cần tìm hoặc số phiếu>") }
            return .search(query: argument)
        case "/show": return .show(ticket: try ticket())
        case "/claim": return .claim(ticket: try ticket())
        case "/reply", "/replyonce": return .reply(ticket: try ticket(), text: rest, reusable: command == "/reply")
        case "/update": return .update(ticket: try ticket(), text: rest)
        case "/ask": return .ask(ticket: try ticket(), text: rest)
        case "/tickets": return .tickets
        case "/note": return .note(ticket: try ticket(), text: rest)
        case "/transfer": return .transfer(ticket: try ticket(), unit: rest)
        case "/kind":
            let number = try ticket()
            guard let kind = TicketKind(text: rest) else {
                if lenient { return .setKind(ticket: number, kind: .question) }
                throw .usage("Loại phiếu: câu hỏi, kiến nghị, phản ánh hoặc xin ý kiến.")
            }
            return .setKind(ticket: number, kind: kind)
        case "/close": return .close(ticket: try ticket())
        case "/reopen": return .reopen(ticket: try ticket())
        default: throw .unknownCommand(String(parts[0].prefix(40)))
        }
    }

    // MARK: - Responses

    /// What the text codec needs to know beyond the response.
    package struct Context: Sendable {
        /// The desk's time (for the flags of tickets).
        package var now: Date
        /// Reusable answers wait for review.
        package var review: Bool

        /// Creates a context.
        package init(now: Date, review: Bool) {
            self.now = now
            self.review = review
        }
    }

    /// The lines of `response` to `request`.
    package static func output(_ response: Response, to request: Request, context: Context) -> SessionOutput {
        let now = context.now
        switch response {
        case .dialogue(let reply, let started, let documents, _):
            var lines: [String] = []
            if let started {
                lines.append("(Mã cuộc trò chuyện: \(started) — gõ /resume \(started) để tiếp tục lần sau.)")
            }
            var body = TextWire.lines(reply)
            if !documents.isEmpty, let index = body.firstIndex(where: { $0.hasPrefix("Văn bản liên quan:") }) {
                body.replaceSubrange(index...index, with: ["Văn bản liên quan:"] + documents.map { "  • " + CatalogueWire.line($0) })
            }
            lines += body
            return SessionOutput(lines: TextWire.frame(lines))
        case .welcome(let conversation, _, let pending), .resumed(let conversation, let pending):
            // The replies that waited count as delivered only once they are written.
            var output = text(["Đã tiếp tục cuộc trò chuyện \(conversation)."])
            for delivery in pending {
                output.lines += TextWire.frame(DeskText.reply(delivery))
                output.deliveredOnWrite.append(delivery.id)
            }
            return output
        case .documents(let documents, let query):
            guard !documents.isEmpty else { return text(["Không tìm thấy văn bản nào cho \"\(query)\"."]) }
            return text(documents.map(CatalogueWire.line))
        case .help(let help):
            return text([help])
        case .bye:
            var output = text(["Tạm biệt anh/chị!"])
            output.close = true
            return output
        case .loggedIn(let handler):
            return text(["Đã đăng nhập: \(handler.name), đơn vị \(handler.unit)\(handler.admin ? " (quản trị)" : "")"
                + "\(handler.reviewer ? " (duyệt câu trả lời)" : "").", "Gõ /queue để xem phiếu, /help để xem các lệnh."])
        case .backlog(let pending, _):
            return text(["\(pending.count) tin trả lời đang chờ."])
        case .gatewayLoggedIn(let gateway, _, _):
            return text(["Cổng \(gateway.name) (\(gateway.channel)) đã đăng nhập; cổng dùng chế độ JSON."])
        case .tickets(let tickets):
            return text(tickets.isEmpty ? ["Anh/chị chưa có phiếu nào."] : ["Các phiếu của anh/chị:"] + tickets.map(DeskText.askerSummary))
        case .pong:
            return text(["pong"])
        case .nothing:
            return SessionOutput(lines: [])
        case .identity(let conversation, let handler, _):
            return text([handler.map { "Cán bộ \($0.name) (\($0.id)), đơn vị \($0.unit)." } ?? "Người hỏi.",
                         conversation.map { "Cuộc trò chuyện: \($0)." } ?? "Chưa có cuộc trò chuyện."])
        case .delivery(let delivery):
            return text(["Đã ghi nhận tin trả lời số \(delivery)."])
        case .rated(let ticket):
            return text(["Cảm ơn anh/chị đã đánh giá phiếu số \(ticket)."])
        case .ticket(let ticket, _):
            let summary = DeskText.summary(ticket, now: now)
            switch request {
            case .claim: return text(["Đã nhận xử lý: " + summary])
            case .reply(_, _, let reusable):
                return text(["Đã gửi câu trả lời cho người hỏi: " + summary]
                    + (reusable && context.review
                        ? ["Câu trả lời sẽ vào cơ sở tri thức sau khi người duyệt của đơn vị đồng ý (/review)."] : []))
            case .update: return text(["Đã gửi cập nhật tiến độ cho người hỏi: " + summary])
            case .ask: return text(["Đã hỏi thêm người hỏi; phiếu chờ người hỏi bổ sung: " + summary])
            case .note: return text(["Đã ghi chú nội bộ: " + summary])
            case .transfer: return text(["Đã chuyển: " + summary])
            case .setKind: return text(["Đã đổi loại: " + summary])
            case .close: return text(["Đã đóng: " + summary])
            default: return text(["Đã mở lại: " + summary])
            }
        case .entry(let kb):
            switch request {
            case .retireEntry: return text(["Đã gỡ mục \(kb) khỏi cơ sở tri thức."])
            case .approve: return text(["Đã duyệt \(kb): từ giờ bot dùng câu trả lời này cho người hỏi sau."])
            case .reject: return text(["Đã từ chối \(kb): câu trả lời này không vào cơ sở tri thức."])
            case .proposeEntry: return text(["Đã đề xuất mục \(kb); mục chờ người duyệt của đơn vị (/review)."])
            default: return text(["Đã sửa câu trả lời của mục \(kb)."])
            }
        case .queue(let tickets):
            return text(tickets.isEmpty ? ["Không có phiếu nào."] : tickets.map { DeskText.summary($0, now: now) })
        case .detail(let detail):
            return text(DeskText.detail(detail, now: now))
        case .stats(let report):
            return text([ReportText.render(report)])
        case .found(let tickets, let query):
            return text(tickets.isEmpty ? ["Không tìm thấy phiếu nào với \"\(query)\"."] : tickets.map { DeskText.summary($0, now: now) })
        case .presence(let ticket, let viewers):
            return text(viewers.isEmpty ? ["Không ai đang xem phiếu số \(ticket)."]
                : ["Đang xem phiếu số \(ticket): " + viewers.map { $0.name + ($0.typing ? " (đang soạn)" : "") }.joined(separator: ", ")])
        case .review(let drafts, let remaining):
            guard !drafts.isEmpty else { return text(["Không có câu trả lời nào chờ duyệt."]) }
            return text(drafts.flatMap(DeskText.draft) + (remaining > 0 ? ["(Còn \(remaining) câu trả lời khác chờ duyệt.)"] : [])
                + ["(Gõ /review approve <mã> [câu trả lời sửa lại] hoặc /review reject <mã>.)"])
        }
    }

    /// An error's reply (a usage line alone, anything else as `Lỗi (code): message`).
    package static func output(_ error: ProtocolError) -> SessionOutput {
        SessionOutput(lines: TextWire.frame([error.isUsage ? error.message : "Lỗi (\(error.code)): \(error.message)"]))
    }

    /// Lines as one framed reply (a line holding line breaks is split).
    package static func text(_ lines: [String]) -> SessionOutput {
        SessionOutput(lines: TextWire.frame(lines.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }))
    }
}
