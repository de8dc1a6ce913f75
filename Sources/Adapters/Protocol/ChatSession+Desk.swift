import Dialogue
import Foundation
import Retrieval

/// The escalation desk on the line protocol: handler login and ticket commands, the asker's
/// acknowledgments and ratings, and the events the desk pushes (docs/PROTOCOL.md).
extension ChatSession {
    var desk: EscalationService? { service.escalation }

    /// The desk requests of JSON mode (answered `not-available` by a server without the desk).
    static let deskRequests: Set<String> = [
        "login", "queue", "show", "claim", "reply", "note", "transfer", "kind", "close", "reopen", "kb", "ack", "rate",
        "stats", "undeliverable", "update", "review",
    ]
    /// The requests only a logged-in handler may make.
    static let handlerRequests: Set<String> = [
        "queue", "show", "claim", "reply", "note", "transfer", "kind", "close", "reopen", "kb", "stats", "update", "review",
    ]

    // MARK: - Listening

    /// (Re)registers this connection with the desk's hub for what it should hear now: replies
    /// to its conversation, and, for a handler, new tickets of their unit (all for an admin)
    /// and, for a reviewer, drafts.
    func listen() {
        guard let desk, let push else { return }
        let hub = desk.hub
        let interest = EventHub.Interest(conversation: conversation, handler: handler?.id, unit: handler?.unit,
                                         admin: handler?.admin ?? false, reviewer: handler?.reviewer ?? false)
        if let subscription {
            hub.update(subscription, interest)
            return
        }
        let mode = self.mode
        subscription = hub.subscribe(interest) { event in
            // A text-mode client cannot acknowledge: a reply counts as delivered once written to it.
            var delivered: (@Sendable () -> Void)?
            if mode != .json, case .reply(let delivery) = event {
                delivered = { Task { try? await desk.acknowledge(delivery: delivery.id, conversation: delivery.conversation) } }
            }
            push(Self.render(event, mode: mode, now: desk.now()), delivered)
        }
    }

    /// The lines of a pushed event.
    static func render(_ event: DeskEvent, mode: Mode, now: Date) -> [String] {
        switch (event, mode) {
        case (.reply(let delivery), .json):
            return [JSONValue.object(DeskWire.reply(delivery)).encoded()]
        case (.ticket(let ticket, let notice), .json):
            var object = DeskWire.summary(ticket, now: now)
            object["type"] = "ticket"
            object["reason"] = .string(notice.rawValue)
            return [JSONValue.object(object).encoded()]
        case (.draft(let draft), .json):
            var object = DeskWire.draft(draft)
            object["type"] = "draft"
            return [JSONValue.object(object).encoded()]
        case (.signedOut(_, let reason), .json):
            return [JSONValue.object(["type": "signed-out", "reason": .string(reason.rawValue)]).encoded()]
        case (.reply(let delivery), _):
            return TextWire.frame(DeskText.reply(delivery))
        case (.ticket(let ticket, let notice), _):
            return TextWire.frame([DeskText.notice(notice) + DeskText.summary(ticket, now: now)])
        case (.draft(let draft), _):
            return TextWire.frame(["Câu trả lời chờ duyệt: [\(draft.kb)] phiếu số \(draft.ticket) — \(draft.question)",
                                   "(Gõ /review để xem, /review approve \(draft.kb) để duyệt.)"])
        case (.signedOut(_, let reason), _):
            return TextWire.frame([reason == .revoked ? "Phiên đăng nhập đã kết thúc: mã đăng nhập đã bị thu hồi."
                : "Phiên đăng nhập đã kết thúc: mã đăng nhập đã hết hạn."])
        }
    }

    /// Replies still waiting for this conversation (after a resume). For a text-mode client
    /// they are marked to be acknowledged once the transport has written them.
    func pendingLines() async -> SessionOutput {
        guard let desk, let conversation, let pending = try? await desk.pending(conversation: conversation) else {
            return SessionOutput(lines: [])
        }
        var output = SessionOutput(lines: [])
        for delivery in pending {
            output.lines += Self.render(.reply(delivery), mode: mode, now: desk.now())
            if mode != .json { output.deliveredOnWrite.append(delivery.id) }
        }
        return output
    }

    // MARK: - JSON requests

    /// Handles a desk request in JSON mode; nil when `type` is not one.
    func handleDeskJSON(_ type: String, _ fields: RequestFields, re: JSONValue?) async -> SessionOutput? {
        guard Self.deskRequests.contains(type) else { return nil }
        guard let desk else { return error(.notAvailable, re: re) }
        do {
            switch type {
            case "login":
                let token = try fields.requiredString("token", maximumLength: RequestFields.shortLimit)
                guard let handler = await desk.login(token: token, source: source) else { return error(.badToken, re: re) }
                self.handler = handler
                return respond(["type": "welcome", "role": "handler", "unit": .string(handler.unit),
                                "name": .string(handler.name), "admin": .bool(handler.admin),
                                "reviewer": .bool(handler.reviewer)], re: re)
            case "ack":
                let delivery = try fields.number("delivery")
                guard let conversation else { return error(.unknownDelivery, re: re) }
                try await desk.acknowledge(delivery: delivery, conversation: conversation)
                return respond(["type": "ok", "delivery": .int(delivery)], re: re)
            case "undeliverable":
                let delivery = try fields.number("delivery")
                guard let conversation else { return error(.unknownDelivery, re: re) }
                try await desk.undeliverable(delivery: delivery, conversation: conversation)
                return respond(["type": "ok", "delivery": .int(delivery)], re: re)
            case "rate":
                let number = try fields.number("ticket")
                let score = try fields.requiredInt("score", in: 1...5)
                let comment = try fields.string("comment", maximumLength: 2000)
                guard let conversation else { return error(ProtocolError(EscalationError.unknownTicket(number)), re: re) }
                try await desk.rate(conversation: conversation, ticket: number, score: score, comment: comment)
                return respond(["type": "ok", "ticket": .int(number)], re: re)
            default:
                guard let handler else { return error(.notAllowed, re: re) }
                return try await handlerJSON(type, fields, handler: handler, desk: desk, re: re)
            }
        } catch let failure as ProtocolError {
            return error(failure, re: re)
        } catch let failure as EscalationError {
            return error(ProtocolError(failure), re: re)
        } catch let failure as ReportPeriod.Invalid {
            return error(.badRequest(failure.description), re: re)
        } catch {
            return self.error(.unavailable, re: re)
        }
    }

    private func handlerJSON(_ type: String, _ fields: RequestFields, handler: Handler, desk: EscalationService,
                             re: JSONValue?) async throws -> SessionOutput
    {
        let now = desk.now()
        switch type {
        case "stats":
            let period = try ReportPeriod.resolve(since: try fields.string("since", maximumLength: 40),
                                                  until: try fields.string("until", maximumLength: 40), now: now)
            let report = try await desk.report(for: handler, period: period)
            return respond(["type": "stats", "report": ReportJSON.object(report)], re: re)
        case "queue":
            let tickets = try await desk.queue(for: handler, status: try fields.status("status"))
            return respond(["type": "queue", "tickets": .array(tickets.map { .object(DeskWire.summary($0, now: now)) })],
                           re: re)
        case "kb":
            let id = try fields.requiredString("kb", maximumLength: RequestFields.shortLimit)
            switch try fields.string("action", maximumLength: RequestFields.shortLimit) {
            case "edit":
                let entry = try await desk.editEntry(id, by: handler, question: try fields.string("question"),
                                                     answer: try fields.string("answer"))
                return respond(["type": "ok", "kb": .string(entry.id)], re: re)
            case "retire":
                try await desk.retireEntry(id, by: handler)
                return respond(["type": "ok", "kb": .string(id)], re: re)
            case nil:
                return error(.missingField("action"), re: re)
            case let action?:
                return error(.badRequest("Thao tác \"\(action.prefix(40))\" không có; dùng edit hoặc retire."), re: re)
            }
        case "review":
            switch try fields.string("action", maximumLength: RequestFields.shortLimit) {
            case nil:
                let drafts = try await desk.drafts(for: handler)
                // The oldest first, as many as fit in half a megabyte (each may hold a whole
                // question and answer), a hundred at most: a line any client can take.
                var shown: [DraftEntry] = []
                var bytes = 0
                for draft in drafts.prefix(100) {
                    bytes += draft.question.utf8.count + draft.answer.utf8.count + 200
                    if bytes > 512 * 1024, !shown.isEmpty { break }
                    shown.append(draft)
                }
                return respond(["type": "review", "drafts": .array(shown.map { .object(DeskWire.draft($0)) }),
                                "remaining": .int(drafts.count - shown.count)], re: re)
            case "approve":
                let id = try fields.requiredString("kb", maximumLength: RequestFields.shortLimit)
                let entry = try await desk.approve(id, by: handler, question: try fields.string("question"),
                                                   answer: try fields.string("answer"))
                return respond(["type": "ok", "kb": .string(entry.id)], re: re)
            case "reject":
                let id = try fields.requiredString("kb", maximumLength: RequestFields.shortLimit)
                try await desk.reject(id, by: handler)
                return respond(["type": "ok", "kb": .string(id)], re: re)
            case let action?:
                return error(.badRequest("Thao tác \"\(action.prefix(40))\" không có; dùng approve hoặc reject."), re: re)
            }
        default:
            break
        }
        let number = try fields.number("ticket")
        let ticket: Ticket
        var extra: [String: JSONValue] = [:]
        switch type {
        case "show":
            let detail = try await desk.show(number, for: handler)
            return respond(["type": "show", "ticket": .object(DeskWire.detail(detail, now: now)),
                            "similar": .array(detail.similar.map { ["kb": .string($0.kb), "question": .string($0.question)] })],
                           re: re)
        case "claim":
            ticket = try await desk.claim(number, by: handler)
        case "reply":
            let text = try fields.requiredString("text")
            let (answered, delivery) = try await desk.reply(number, by: handler, text: text,
                                                            reusable: try fields.bool("reusable") ?? true)
            ticket = answered
            extra["delivery"] = .int(delivery.id)
        case "update":
            let (updated, delivery) = try await desk.update(number, by: handler, text: try fields.requiredString("text"))
            ticket = updated
            extra["delivery"] = .int(delivery.id)
        case "note":
            ticket = try await desk.note(number, by: handler, text: try fields.requiredString("text"))
        case "transfer":
            ticket = try await desk.transfer(number, by: handler,
                                             to: try fields.requiredString("unit", maximumLength: RequestFields.shortLimit))
        case "kind":
            guard let kind = try fields.kind("kind") else { return error(.missingField("kind"), re: re) }
            ticket = try await desk.setKind(number, by: handler, to: kind)
        case "close":
            ticket = try await desk.close(number, by: handler)
        default:
            ticket = try await desk.reopen(number, by: handler)
        }
        extra["type"] = "ok"
        extra["ticket"] = .object(DeskWire.summary(ticket, now: desk.now()))
        return respond(extra, re: re)
    }

    // MARK: - Text commands

    /// The desk's text-mode commands of a handler.
    static let handlerCommands: Set<String> = [
        "/queue", "/show", "/claim", "/reply", "/replyonce", "/note", "/transfer", "/kind", "/close", "/reopen", "/kb",
        "/update", "/review",
    ]

    /// Handles a desk command in text mode; nil when `command` is not one.
    func handleDeskText(_ command: String, _ argument: String) async -> SessionOutput? {
        let words = argument.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).map(String.init)
        let number = words.first.flatMap { Int($0.trimmingPrefix("#")) }
        guard command == "/login" || command == "/rate" || Self.handlerCommands.contains(command) else { return nil }
        guard let desk else { return error(.notAvailable, re: nil) }
        do {
            if command == "/login" {
                guard let handler = await desk.login(token: argument, source: source) else { return error(.badToken, re: nil) }
                self.handler = handler
                return text(["Đã đăng nhập: \(handler.name), đơn vị \(handler.unit)\(handler.admin ? " (quản trị)" : "")"
                    + "\(handler.reviewer ? " (duyệt câu trả lời)" : "").", "Gõ /queue để xem phiếu, /help để xem các lệnh."])
            }
            if command == "/rate" {
                guard let number, number > 0, words.count >= 2, let score = Int(words[1]) else {
                    return text(["Cú pháp: /rate <số phiếu> <điểm 1–5> [nhận xét]"])
                }
                guard let conversation else { return error(ProtocolError(EscalationError.unknownTicket(number)), re: nil) }
                try await desk.rate(conversation: conversation, ticket: number, score: score,
                                    comment: words.count > 2 ? words[2] : nil)
                return text(["Cảm ơn anh/chị đã đánh giá phiếu số \(number)."])
            }
            guard let handler else { return error(.notAllowed, re: nil) }
            let now = desk.now()
            switch command {
            case "/queue":
                var status: TicketStatus?
                if !argument.isEmpty {
                    guard let given = TicketStatus(rawValue: argument) else { return error(.unknownStatus(argument), re: nil) }
                    status = given
                }
                let tickets = try await desk.queue(for: handler, status: status)
                return text(tickets.isEmpty ? ["Không có phiếu nào."] : tickets.map { DeskText.summary($0, now: now) })
            case "/kb":
                guard words.count >= 2 else { return text(["Cú pháp: /kb retire <mã> hoặc /kb edit <mã> <câu trả lời mới>"]) }
                if words[0] == "retire" {
                    try await desk.retireEntry(words[1], by: handler)
                    return text(["Đã gỡ mục \(words[1]) khỏi cơ sở tri thức."])
                }
                guard words[0] == "edit", words.count == 3 else {
                    return text(["Cú pháp: /kb retire <mã> hoặc /kb edit <mã> <câu trả lời mới>"])
                }
                _ = try await desk.editEntry(words[1], by: handler, question: nil, answer: words[2])
                return text(["Đã sửa câu trả lời của mục \(words[1])."])
            case "/review":
                return try await reviewText(words, handler: handler, desk: desk)
            default:
                break
            }
            guard let number, number > 0 else { return text(["Cú pháp: \(command) <số phiếu> …"]) }
            let rest = words.count > 1 ? words[1...].joined(separator: " ") : ""
            switch command {
            case "/show":
                return text(DeskText.detail(try await desk.show(number, for: handler), now: now))
            case "/claim":
                return text(["Đã nhận xử lý: " + DeskText.summary(try await desk.claim(number, by: handler), now: now)])
            case "/reply", "/replyonce":
                let (ticket, _) = try await desk.reply(number, by: handler, text: rest, reusable: command == "/reply")
                return text(["Đã gửi câu trả lời cho người hỏi: " + DeskText.summary(ticket, now: now)]
                    + (command == "/reply" && desk.configuration.review
                        ? ["Câu trả lời sẽ vào cơ sở tri thức sau khi người duyệt của đơn vị đồng ý (/review)."] : []))
            case "/update":
                let (ticket, _) = try await desk.update(number, by: handler, text: rest)
                return text(["Đã gửi cập nhật tiến độ cho người hỏi: " + DeskText.summary(ticket, now: now)])
            case "/note":
                return text(["Đã ghi chú nội bộ: " + DeskText.summary(try await desk.note(number, by: handler, text: rest), now: now)])
            case "/transfer":
                return text(["Đã chuyển: " + DeskText.summary(try await desk.transfer(number, by: handler, to: rest), now: now)])
            case "/kind":
                guard let kind = TicketKind(text: rest) else {
                    return text(["Loại phiếu: câu hỏi, kiến nghị, phản ánh hoặc xin ý kiến."])
                }
                return text(["Đã đổi loại: " + DeskText.summary(try await desk.setKind(number, by: handler, to: kind), now: now)])
            case "/close":
                return text(["Đã đóng: " + DeskText.summary(try await desk.close(number, by: handler), now: now)])
            default:
                return text(["Đã mở lại: " + DeskText.summary(try await desk.reopen(number, by: handler), now: now)])
            }
        } catch let failure as EscalationError {
            return error(ProtocolError(failure), re: nil)
        } catch {
            return self.error(.unavailable, re: nil)
        }
    }

    /// `/review`, `/review approve ID [new answer]`, `/review reject ID`.
    private func reviewText(_ words: [String], handler: Handler, desk: EscalationService) async throws -> SessionOutput {
        switch words.first {
        case nil:
            let drafts = try await desk.drafts(for: handler)
            guard !drafts.isEmpty else { return text(["Không có câu trả lời nào chờ duyệt."]) }
            return text(drafts.flatMap(DeskText.draft) + ["(Gõ /review approve <mã> [câu trả lời sửa lại] hoặc /review reject <mã>.)"])
        case "approve" where words.count >= 2:
            let entry = try await desk.approve(words[1], by: handler, question: nil, answer: words.count > 2 ? words[2] : nil)
            return text(["Đã duyệt \(entry.id): từ giờ bot dùng câu trả lời này cho người hỏi sau."])
        case "reject" where words.count >= 2:
            try await desk.reject(words[1], by: handler)
            return text(["Đã từ chối \(words[1]): câu trả lời này không vào cơ sở tri thức."])
        default:
            return text(["Cú pháp: /review, /review approve <mã> [câu trả lời sửa lại], /review reject <mã>"])
        }
    }

    func text(_ lines: [String]) -> SessionOutput {
        SessionOutput(lines: TextWire.frame(lines.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }))
    }
}

/// JSON shapes of tickets and replies.
enum DeskWire {
    static func date(_ date: Date) -> JSONValue {
        .string(date.formatted(.iso8601))
    }

    /// Characters of a ticket's question in lists and pushes (`show` has it whole): a queue of
    /// 500 tickets stays a line a client can take.
    static let questionInLists = 300

    static func summary(_ ticket: Ticket, now: Date) -> [String: JSONValue] {
        var object: [String: JSONValue] = [
            "ticket": .int(ticket.number), "status": .string(ticket.status.rawValue), "kind": .string(ticket.kind.rawValue),
            "topic": .string(ticket.topic), "unit": .string(ticket.unit),
            "question": .string(DeskText.shortened(ticket.question, to: questionInLists)),
            "due": date(ticket.due), "overdue": .bool(ticket.isOverdue(at: now)), "created": date(ticket.createdAt),
            "undelivered": .bool(ticket.undelivered), "updateDue": date(ticket.updateDue),
            "owesUpdate": .bool(ticket.owesUpdate(at: now)), "flags": .array(ticket.flags(at: now).map(JSONValue.string)),
        ]
        if let handler = ticket.handler { object["handler"] = .string(handler) }
        return object
    }

    static func draft(_ draft: DraftEntry) -> [String: JSONValue] {
        ["kb": .string(draft.kb), "question": .string(draft.question), "answer": .string(draft.answer),
         "ticket": .int(draft.ticket), "unit": .string(draft.unit), "created": date(draft.createdAt)]
    }

    static func detail(_ detail: TicketDetail, now: Date) -> [String: JSONValue] {
        var object = summary(detail.ticket, now: now)
        object["question"] = .string(detail.ticket.question)
        object["context"] = .array(detail.ticket.context.map(JSONValue.string))
        object["events"] = .array(detail.events.map { event in
            [
                "actor": .string(event.actor), "action": .string(event.action), "detail": .string(event.detail),
                "date": date(event.date),
                // A note is internal: never sent to the asker. Clients show the two apart.
                "internal": .bool(event.action == "noted"),
            ]
        })
        return object
    }

    static func reply(_ delivery: Delivery) -> [String: JSONValue] {
        var object: [String: JSONValue] = [
            "type": "reply", "ticket": .int(delivery.ticket), "unit": .string(delivery.unit), "text": .string(delivery.text),
            "delivery": .int(delivery.id),
        ]
        // A progress update: news on a ticket still being handled, not its answer.
        if delivery.kind == .progress { object["update"] = true }
        return object
    }
}

/// Readable Vietnamese for tickets and replies (text mode).
enum DeskText {
    /// Dates as people in Vietnam write them: "02/12/2026 10:20", Vietnam time.
    static func date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? .gmt
        let parts = calendar.dateComponents([.day, .month, .year, .hour, .minute], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(two(parts.day))/\(two(parts.month))/\(parts.year ?? 0) \(two(parts.hour)):\(two(parts.minute))"
    }

    /// An audit action in Vietnamese.
    static func action(_ action: String) -> String {
        switch action {
        case "created": "tạo phiếu:"
        case "claimed": "nhận xử lý"
        case "transferred": "chuyển sang đơn vị"
        case "kind": "đổi loại thành"
        case "closed": "đóng phiếu"
        case "reopened": "mở lại phiếu"
        case "rated": "người hỏi đánh giá"
        case "delivered": "câu trả lời đã đến người hỏi"
        case "approved": "duyệt đưa câu trả lời vào cơ sở tri thức:"
        case "rejected": "không duyệt câu trả lời vào cơ sở tri thức:"
        case "undelivered": "chưa gửi được câu trả lời qua cổng nhắn tin (ngoài 48 giờ của Zalo); sẽ gửi khi người hỏi nhắn lại"
        default: action
        }
    }

    static func summary(_ ticket: Ticket, now: Date, whole: Bool = false) -> String {
        "#\(ticket.number) [\(ticket.status.label)] \(ticket.kind.label) · \(ticket.topic) · \(ticket.unit) · hạn \(date(ticket.due))"
            + (ticket.isOverdue(at: now) ? " (QUÁ HẠN)" : "") + (ticket.owesUpdate(at: now) ? " (CẦN BÁO TIẾN ĐỘ)" : "")
            + (ticket.undelivered ? " (chưa gửi được)" : "")
            + " — " + (whole ? ticket.question : shortened(ticket.question, to: DeskWire.questionInLists)
                .replacingOccurrences(of: "\n", with: " "))
    }

    /// The first `limit` characters of a text, "…" marking a cut.
    static func shortened(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }

    /// Why a ticket is pushed, as the start of its line.
    static func notice(_ notice: TicketNotice) -> String {
        switch notice {
        case .raised: "Phiếu mới cho đơn vị: "
        case .transferred: "Phiếu được chuyển đến đơn vị: "
        case .reopened: "Phiếu được mở lại: "
        case .owesUpdate: "Phiếu đã 7 ngày chưa báo tiến độ cho người hỏi (gõ /update <số phiếu> <nội dung>): "
        }
    }

    /// A draft waiting for review, for a reviewer.
    static func draft(_ draft: DraftEntry) -> [String] {
        ["[\(draft.kb)] phiếu số \(draft.ticket), đơn vị \(draft.unit)", "  Hỏi: \(draft.question)", "  Đáp: \(draft.answer)"]
    }

    static func detail(_ detail: TicketDetail, now: Date) -> [String] {
        var lines = [summary(detail.ticket, now: now, whole: true)]
        if !detail.ticket.context.isEmpty {
            lines.append("Trao đổi trước đó:")
            lines += detail.ticket.context.map { "  \($0)" }
        }
        lines.append("Lịch sử:")
        for event in detail.events {
            let who = event.actor == "asker" ? "người hỏi" : "cán bộ \(event.actor)"
            switch event.action {
            case "noted": lines.append("  \(date(event.date)) \(who) [GHI CHÚ NỘI BỘ] \(event.detail)")
            case "replied": lines.append("  \(date(event.date)) \(who) [TRẢ LỜI NGƯỜI HỎI] \(event.detail)")
            case "updated": lines.append("  \(date(event.date)) \(who) [BÁO TIẾN ĐỘ CHO NGƯỜI HỎI] \(event.detail)")
            case "delivered": lines.append("  \(date(event.date)) \(action(event.action))")
            default: lines.append("  \(date(event.date)) \(who) \(action(event.action)) \(event.detail)")
            }
        }
        if !detail.similar.isEmpty {
            lines.append("Câu trả lời tương tự đã có:")
            lines += detail.similar.map { "  [\($0.kb)] \($0.question)" }
        }
        return lines
    }

    static func reply(_ delivery: Delivery) -> [String] {
        let body = delivery.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard delivery.kind == .answer else {
            return ["Đơn vị \(delivery.unit) thông báo tiến độ phiếu số \(delivery.ticket):"] + body
        }
        return ["Trả lời của đơn vị \(delivery.unit) cho phiếu số \(delivery.ticket):"] + body
            + ["(Gõ /rate \(delivery.ticket) <1–5> để đánh giá câu trả lời.)"]
    }
}
