import Dialogue
import Foundation

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

/// Readable Vietnamese for tickets and replies (text mode).
package enum DeskText {
    /// Dates as people in Vietnam write them: "02/12/2026 10:20", Vietnam time.
    package static func date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? .gmt
        let parts = calendar.dateComponents([.day, .month, .year, .hour, .minute], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(two(parts.day))/\(two(parts.month))/\(parts.year ?? 0) \(two(parts.hour)):\(two(parts.minute))"
    }

    /// An audit action in Vietnamese.
    package static func action(_ action: TicketAction) -> String {
        switch action {
        case .created: "tạo phiếu:"
        case .claimed: "nhận xử lý"
        case .transferred: "chuyển sang đơn vị"
        case .kind: "đổi loại thành"
        case .closed: "đóng phiếu"
        case .reopened: "mở lại phiếu"
        case .rated: "người hỏi đánh giá"
        case .delivered: "câu trả lời đã đến người hỏi"
        case .approved: "duyệt đưa câu trả lời vào cơ sở tri thức:"
        case .rejected: "không duyệt câu trả lời vào cơ sở tri thức:"
        case .undelivered: "chưa gửi được tin qua cổng nhắn tin; sẽ gửi lại khi cổng kết nối lại hoặc người hỏi nhắn lại —"
        case .replied: "trả lời người hỏi:"
        case .updated: "báo tiến độ cho người hỏi:"
        case .noted: "ghi chú nội bộ:"
        case .asked: "hỏi thêm người hỏi:"
        case .askerReplied: "người hỏi bổ sung:"
        }
    }

    package static func summary(_ ticket: Ticket, now: Date, whole: Bool = false) -> String {
        "#\(ticket.number) [\(ticket.status.label)] \(ticket.kind.label) · \(ticket.topic) · \(ticket.unit) · hạn \(date(ticket.due))"
            + (ticket.isOverdue(at: now) ? " (QUÁ HẠN)" : "") + (ticket.owesUpdate(at: now) ? " (CẦN BÁO TIẾN ĐỘ)" : "")
            + (ticket.undelivered ? " (chưa gửi được)" : "")
            + " — " + (whole ? ticket.question : shortened(ticket.question, to: DeskWire.questionInLists)
                .replacingOccurrences(of: "\n", with: " "))
    }

    /// A ticket as its asker sees it in `/tickets`.
    package static func askerSummary(_ ticket: Ticket) -> String {
        "Phiếu số \(ticket.number) [\(ticket.status.label)] \(ticket.kind.label) gửi \(ticket.unit), hạn \(date(ticket.due)) — "
            + shortened(ticket.question, to: 120).replacingOccurrences(of: "\n", with: " ")
    }

    /// The first `limit` characters of a text, "…" marking a cut.
    package static func shortened(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }

    /// Why a ticket is pushed, as the start of its line.
    package static func notice(_ notice: TicketNotice) -> String {
        switch notice {
        case .raised: "Phiếu mới cho đơn vị: "
        case .transferred: "Phiếu được chuyển đến đơn vị: "
        case .reopened: "Phiếu được mở lại: "
        case .owesUpdate: "Phiếu đã 7 ngày chưa báo tiến độ cho người hỏi (gõ /update <số phiếu> <nội dung>): "
        case .askerReplied: "Người hỏi đã bổ sung thông tin (gõ /show <số phiếu> để xem): "
        }
    }

    /// A draft waiting for review, for a reviewer.
    package static func draft(_ draft: DraftEntry) -> [String] {
        ["[\(draft.kb)] phiếu số \(draft.ticket), đơn vị \(draft.unit)", "  Hỏi: \(draft.question)", "  Đáp: \(draft.answer)"]
    }

    package static func detail(_ detail: TicketDetail, now: Date) -> [String] {
        var lines = [summary(detail.ticket, now: now, whole: true)]
        if !detail.ticket.context.isEmpty {
            lines.append("Trao đổi trước đó:")
            lines += detail.ticket.context.map { "  \($0)" }
        }
        lines.append("Lịch sử:")
        for event in detail.events {
            let who = event.actor == "asker" ? "người hỏi" : "cán bộ \(event.actor)"
            switch event.action {
            case .noted: lines.append("  \(date(event.date)) \(who) [GHI CHÚ NỘI BỘ] \(event.detail)")
            case .replied: lines.append("  \(date(event.date)) \(who) [TRẢ LỜI NGƯỜI HỎI] \(event.detail)")
            case .updated: lines.append("  \(date(event.date)) \(who) [BÁO TIẾN ĐỘ CHO NGƯỜI HỎI] \(event.detail)")
            case .delivered: lines.append("  \(date(event.date)) \(action(event.action))")
            default: lines.append("  \(date(event.date)) \(who) \(action(event.action)) \(event.detail)")
            }
        }
        if !detail.deliveries.isEmpty {
            lines.append("Tin gửi người hỏi:")
            for state in detail.deliveries {
                let what = switch state.kind {
                case .answer: "trả lời"
                case .progress: "tiến độ"
                case .question: "hỏi thêm"
                }
                let status = switch state.status {
                case .pending: "đang chờ gửi"
                case .delivered: "đã đến người hỏi" + (state.at.map { " lúc \(date($0))" } ?? "")
                case .undelivered: "CHƯA GỬI ĐƯỢC sau \(state.attempts) lần thử" + (state.reason.map { " (\($0))" } ?? "")
                }
                lines.append("  tin số \(state.delivery) (\(what), \(date(state.createdAt))): \(status)")
            }
        }
        if !detail.similar.isEmpty {
            lines.append("Câu trả lời tương tự đã có:")
            lines += detail.similar.map { "  [\($0.id)] \($0.question)" }
        }
        return lines
    }

    package static func reply(_ delivery: Delivery) -> [String] {
        let body = delivery.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        switch delivery.kind {
        case .progress: return ["Đơn vị \(delivery.unit) thông báo tiến độ phiếu số \(delivery.ticket):"] + body
        case .question:
            return ["Đơn vị \(delivery.unit) cần anh/chị bổ sung thông tin cho phiếu số \(delivery.ticket):"] + body
                + ["(Tin nhắn tiếp theo của anh/chị sẽ được chuyển vào phiếu này.)"]
        case .answer: break
        }
        return ["Trả lời của đơn vị \(delivery.unit) cho phiếu số \(delivery.ticket):"] + body
            + ["(Gõ /rate \(delivery.ticket) <1–5> để đánh giá câu trả lời.)"]
    }
}
