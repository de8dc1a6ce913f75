import Dialogue
import Foundation
import Retrieval

/// The escalation desk on the line protocol: handler login and ticket commands, the asker's
/// acknowledgments and ratings, and the events the desk pushes (docs/PROTOCOL.md).
extension ChatSession {
    var desk: EscalationService? { service.escalation }

    // MARK: - Listening

    /// (Re)registers this connection with the desk's hub for what it should hear now: replies
    /// to its conversation, and, for a handler, new tickets of their unit (all for an admin).
    func listen() {
        guard let hub = desk?.hub, let push else { return }
        let interest = EventHub.Interest(conversation: conversation, unit: handler?.unit, admin: handler?.admin ?? false)
        if let subscription {
            hub.update(subscription, interest)
            return
        }
        let mode = self.mode
        let desk = self.desk
        subscription = hub.subscribe(interest) { event in
            push(Self.render(event, mode: mode))
            // A text-mode client cannot acknowledge: a reply written to it counts as delivered.
            if mode != .json, case .reply(let delivery) = event {
                Task { try? await desk?.acknowledge(delivery: delivery.id, conversation: delivery.conversation) }
            }
        }
    }

    /// The lines of a pushed event.
    static func render(_ event: DeskEvent, mode: Mode) -> [String] {
        switch (event, mode) {
        case (.reply(let delivery), .json):
            return [JSONValue.object(DeskWire.reply(delivery)).encoded()]
        case (.ticket(let ticket), .json):
            var object = DeskWire.summary(ticket)
            object["type"] = "ticket"
            return [JSONValue.object(object).encoded()]
        case (.reply(let delivery), _):
            return TextWire.frame(DeskText.reply(delivery))
        case (.ticket(let ticket), _):
            return TextWire.frame(["Phiếu mới cho đơn vị: " + DeskText.summary(ticket)])
        }
    }

    /// Replies still waiting for this conversation, as lines (after a resume). Text-mode
    /// clients get them acknowledged as they are written.
    func pendingLines() async -> [String] {
        guard let desk, let conversation, let pending = try? await desk.pending(conversation: conversation) else {
            return []
        }
        var lines: [String] = []
        for delivery in pending {
            lines += Self.render(.reply(delivery), mode: mode)
            if mode != .json { try? await desk.acknowledge(delivery: delivery.id, conversation: conversation) }
        }
        return lines
    }

    // MARK: - JSON requests

    /// Handles a desk request in JSON mode; nil when `type` is not one.
    func handleDeskJSON(_ type: String, _ object: JSONValue, re: JSONValue?) async -> SessionOutput? {
        guard let desk else {
            return ["login", "queue", "show", "claim", "reply", "note", "transfer", "kind", "close", "reopen", "kb", "ack",
                    "rate", "stats", "undeliverable"]
                .contains(type) ? error(.notAvailable, re: re) : nil
        }
        do {
            switch type {
            case "login":
                guard let token = object["token"]?.string else { return error(.missingField("token"), re: re) }
                guard let handler = await desk.login(token: token, source: source) else { return error(.badToken, re: re) }
                self.handler = handler
                return respond(["type": "welcome", "role": "handler", "unit": .string(handler.unit),
                                "name": .string(handler.name), "admin": .bool(handler.admin)], re: re)
            case "ack":
                guard let delivery = object["delivery"]?.int else { return error(.missingField("delivery"), re: re) }
                guard let conversation else { return error(.unknownDelivery, re: re) }
                try await desk.acknowledge(delivery: delivery, conversation: conversation)
                return respond(["type": "ok", "delivery": .int(delivery)], re: re)
            case "undeliverable":
                guard let delivery = object["delivery"]?.int else { return error(.missingField("delivery"), re: re) }
                guard let conversation else { return error(.unknownDelivery, re: re) }
                try await desk.undeliverable(delivery: delivery, conversation: conversation)
                return respond(["type": "ok", "delivery": .int(delivery)], re: re)
            case "rate":
                guard let number = object["ticket"]?.int else { return error(.missingField("ticket"), re: re) }
                guard let score = object["score"]?.int else { return error(.missingField("score"), re: re) }
                guard let conversation else { return error(ProtocolError(EscalationError.unknownTicket(number)), re: re) }
                try await desk.rate(conversation: conversation, ticket: number, score: score,
                                    comment: object["comment"]?.string)
                return respond(["type": "ok", "ticket": .int(number)], re: re)
            case "queue", "show", "claim", "reply", "note", "transfer", "kind", "close", "reopen", "kb", "stats":
                guard let handler else { return error(.notAllowed, re: re) }
                return try await handlerJSON(type, object, handler: handler, desk: desk, re: re)
            default:
                return nil
            }
        } catch let failure as EscalationError {
            return error(ProtocolError(failure), re: re)
        } catch {
            return self.error(.unavailable, re: re)
        }
    }

    private func handlerJSON(_ type: String, _ object: JSONValue, handler: Handler, desk: EscalationService,
                             re: JSONValue?) async throws -> SessionOutput
    {
        if type == "stats" {
            let until = object["until"]?.string.flatMap(ReportDates.parse) ?? Date()
            let since = object["since"]?.string.flatMap(ReportDates.parse) ?? until.addingTimeInterval(-30 * 86_400)
            let report = try await desk.report(for: handler, since: since, until: until)
            return respond(["type": "stats", "report": ReportJSON.object(report)], re: re)
        }
        if type == "queue" {
            let status = object["status"]?.string.flatMap(TicketStatus.init(rawValue:))
            let tickets = try await desk.queue(for: handler, status: status)
            return respond(["type": "queue", "tickets": .array(tickets.map { .object(DeskWire.summary($0)) })], re: re)
        }
        if type == "kb" {
            guard let id = object["kb"]?.string else { return error(.missingField("kb"), re: re) }
            switch object["action"]?.string {
            case "edit":
                let entry = try await desk.editEntry(id, by: handler, question: object["question"]?.string,
                                                     answer: object["answer"]?.string)
                return respond(["type": "ok", "kb": .string(entry.id)], re: re)
            case "retire":
                try await desk.retireEntry(id, by: handler)
                return respond(["type": "ok", "kb": .string(id)], re: re)
            default:
                return error(.missingField("action"), re: re)
            }
        }
        guard let number = object["ticket"]?.int else { return error(.missingField("ticket"), re: re) }
        let ticket: Ticket
        var extra: [String: JSONValue] = [:]
        switch type {
        case "show":
            let detail = try await desk.show(number, for: handler)
            return respond(["type": "show", "ticket": .object(DeskWire.detail(detail)),
                            "similar": .array(detail.similar.map { ["kb": .string($0.kb), "question": .string($0.question)] })],
                           re: re)
        case "claim":
            ticket = try await desk.claim(number, by: handler)
        case "reply":
            guard let text = object["text"]?.string else { return error(.missingField("text"), re: re) }
            let (answered, delivery) = try await desk.reply(number, by: handler, text: text,
                                                            reusable: object["reusable"]?.bool ?? true)
            ticket = answered
            extra["delivery"] = .int(delivery.id)
        case "note":
            guard let text = object["text"]?.string else { return error(.missingField("text"), re: re) }
            ticket = try await desk.note(number, by: handler, text: text)
        case "transfer":
            guard let unit = object["unit"]?.string else { return error(.missingField("unit"), re: re) }
            ticket = try await desk.transfer(number, by: handler, to: unit)
        case "kind":
            guard let kind = object["kind"]?.string.flatMap(TicketKind.init(text:)) else {
                return error(.missingField("kind"), re: re)
            }
            ticket = try await desk.setKind(number, by: handler, to: kind)
        case "close":
            ticket = try await desk.close(number, by: handler)
        default:
            ticket = try await desk.reopen(number, by: handler)
        }
        extra["type"] = "ok"
        extra["ticket"] = .object(DeskWire.summary(ticket))
        return respond(extra, re: re)
    }

    // MARK: - Text commands

    /// Handles a desk command in text mode; nil when `command` is not one.
    func handleDeskText(_ command: String, _ argument: String) async -> SessionOutput? {
        let desk = self.desk
        let words = argument.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).map(String.init)
        let number = words.first.flatMap { Int($0.trimmingPrefix("#")) }
        let handlerCommands: Set<String> = ["/queue", "/show", "/claim", "/reply", "/replyonce", "/note", "/transfer",
                                            "/kind", "/close", "/reopen", "/kb"]
        guard command == "/login" || command == "/rate" || handlerCommands.contains(command) else { return nil }
        guard let desk else { return error(.notAvailable, re: nil) }
        do {
            if command == "/login" {
                guard let handler = await desk.login(token: argument, source: source) else { return error(.badToken, re: nil) }
                self.handler = handler
                return text(["Đã đăng nhập: \(handler.name), đơn vị \(handler.unit)\(handler.admin ? " (quản trị)" : "").",
                             "Gõ /queue để xem phiếu."])
            }
            if command == "/rate" {
                guard let number, words.count >= 2, let score = Int(words[1]) else {
                    return text(["Cú pháp: /rate <số phiếu> <điểm 1–5> [nhận xét]"])
                }
                guard let conversation else { return error(ProtocolError(EscalationError.unknownTicket(number)), re: nil) }
                try await desk.rate(conversation: conversation, ticket: number, score: score,
                                    comment: words.count > 2 ? words[2] : nil)
                return text(["Cảm ơn anh/chị đã đánh giá phiếu số \(number)."])
            }
            guard let handler else { return error(.notAllowed, re: nil) }
            switch command {
            case "/queue":
                let tickets = try await desk.queue(for: handler, status: TicketStatus(rawValue: argument))
                return text(tickets.isEmpty ? ["Không có phiếu nào."] : tickets.map(DeskText.summary))
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
            default:
                break
            }
            guard let number else { return text(["Cú pháp: \(command) <số phiếu> …"]) }
            let rest = words.count > 1 ? words[1...].joined(separator: " ") : ""
            switch command {
            case "/show":
                return text(DeskText.detail(try await desk.show(number, for: handler)))
            case "/claim":
                return text(["Đã nhận xử lý: " + DeskText.summary(try await desk.claim(number, by: handler))])
            case "/reply", "/replyonce":
                let (ticket, _) = try await desk.reply(number, by: handler, text: rest, reusable: command == "/reply")
                return text(["Đã gửi câu trả lời cho người hỏi: " + DeskText.summary(ticket)])
            case "/note":
                return text(["Đã ghi chú nội bộ: " + DeskText.summary(try await desk.note(number, by: handler, text: rest))])
            case "/transfer":
                return text(["Đã chuyển: " + DeskText.summary(try await desk.transfer(number, by: handler, to: rest))])
            case "/kind":
                guard let kind = TicketKind(text: rest) else {
                    return text(["Loại phiếu: câu hỏi, kiến nghị, phản ánh hoặc xin ý kiến."])
                }
                return text(["Đã đổi loại: " + DeskText.summary(try await desk.setKind(number, by: handler, to: kind))])
            case "/close":
                return text(["Đã đóng: " + DeskText.summary(try await desk.close(number, by: handler))])
            default:
                return text(["Đã mở lại: " + DeskText.summary(try await desk.reopen(number, by: handler))])
            }
        } catch let failure as EscalationError {
            return error(ProtocolError(failure), re: nil)
        } catch {
            return self.error(.unavailable, re: nil)
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

    static func summary(_ ticket: Ticket) -> [String: JSONValue] {
        var object: [String: JSONValue] = [
            "ticket": .int(ticket.number), "status": .string(ticket.status.rawValue), "kind": .string(ticket.kind.rawValue),
            "topic": .string(ticket.topic), "unit": .string(ticket.unit), "question": .string(ticket.question),
            "due": date(ticket.due), "overdue": .bool(ticket.isOverdue()), "created": date(ticket.createdAt),
            "undelivered": .bool(ticket.undelivered),
        ]
        if let handler = ticket.handler { object["handler"] = .string(handler) }
        return object
    }

    static func detail(_ detail: TicketDetail) -> [String: JSONValue] {
        var object = summary(detail.ticket)
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
        ["type": "reply", "ticket": .int(delivery.ticket), "unit": .string(delivery.unit), "text": .string(delivery.text),
         "delivery": .int(delivery.id)]
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
        case "undelivered": "chưa gửi được câu trả lời qua cổng nhắn tin (ngoài 48 giờ của Zalo); sẽ gửi khi người hỏi nhắn lại"
        default: action
        }
    }

    static func summary(_ ticket: Ticket) -> String {
        "#\(ticket.number) [\(ticket.status.label)] \(ticket.kind.label) · \(ticket.topic) · \(ticket.unit) · hạn \(date(ticket.due))"
            + (ticket.isOverdue() ? " (QUÁ HẠN)" : "") + (ticket.undelivered ? " (chưa gửi được)" : "")
            + " — \(ticket.question)"
    }

    static func detail(_ detail: TicketDetail) -> [String] {
        var lines = [summary(detail.ticket)]
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
        ["Trả lời của đơn vị \(delivery.unit) cho phiếu số \(delivery.ticket):"]
            + delivery.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            + ["(Gõ /rate \(delivery.ticket) <1–5> để đánh giá câu trả lời.)"]
    }
}
