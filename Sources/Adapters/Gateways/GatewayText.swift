import Retrieval
import Wire

/// What a gateway user reads for each daemon message (nil: nothing to show).
package enum GatewayText {
    /// The readable text of a daemon message.
    package static func render(_ message: JSONValue) -> String? {
        switch message["type"]?.string {
        case "answer":
            var text = message["text"]?.string ?? ""
            let documents = (message["documents"]?.array ?? []).compactMap { document -> String? in
                guard let number = document["number"]?.string, let title = document["title"]?.string else { return nil }
                return "• \(number): \(title)"
            }
            if !documents.isEmpty { text += "\n\nVăn bản liên quan:\n" + documents.joined(separator: "\n") }
            return text
        case "suggest":
            let options = (message["options"]?.array ?? []).enumerated().map { index, option in
                "\(index + 1). \(option["question"]?.string ?? "")"
            }
            return ([message["text"]?.string ?? ""] + options).joined(separator: "\n")
        case "escalated", "escalate", "chat":
            return message["text"]?.string
        case "reply":
            let unit = message["unit"]?.string ?? ""
            let ticket = message["ticket"]?.int ?? 0
            if message["update"] == true {
                return "Đơn vị \(unit) thông báo tiến độ phiếu số \(ticket):\n" + (message["text"]?.string ?? "")
            }
            return "Trả lời của đơn vị \(unit) cho phiếu số \(ticket):\n" + (message["text"]?.string ?? "")
                + "\n\n(Gõ /rate \(ticket) <1–5> để đánh giá câu trả lời.)"
        case "ask":
            let unit = message["unit"]?.string ?? ""
            let ticket = message["ticket"]?.int ?? 0
            return "Đơn vị \(unit) cần anh/chị bổ sung thông tin cho phiếu số \(ticket):\n" + (message["text"]?.string ?? "")
                + "\n\n(Anh/chị nhắn trả lời tại đây; tin nhắn sẽ được chuyển vào phiếu.)"
        case "tickets":
            let tickets = message["tickets"]?.array ?? []
            guard !tickets.isEmpty else { return "Anh/chị chưa có phiếu nào." }
            return (["Các phiếu của anh/chị:"] + tickets.map { ticket in
                "• Phiếu số \(ticket["ticket"]?.int ?? 0) [\(ticket["statusText"]?.string ?? "")] — \(ticket["question"]?.string ?? "")"
            }).joined(separator: "\n")
        case "ok" where message["ticket"] != nil && message["ticket"]?.int != nil:
            return "Cảm ơn anh/chị đã đánh giá phiếu số \(message["ticket"]?.int ?? 0)."
        case "docs":
            let results = message["results"]?.array ?? []
            guard !results.isEmpty else { return "Không tìm thấy văn bản nào." }
            return results.map { "• \($0["number"]?.string ?? ""): \($0["title"]?.string ?? "")" }.joined(separator: "\n")
        case "error":
            return message["message"]?.string
        default:
            return nil
        }
    }
}

/// What a gateway user types, as a daemon request: a few commands (`/human`, `/yes`, `/no`,
/// `/more`, `/tickets`, `/rate N S`, `/docs …`, `/help`, Telegram's `/start`), anything else a
/// message. Telegram may add the bot's name to a command (`/human@motcua_bot`). Any other
/// `/command`, or one typed wrongly, gets the help: it is never a question (nor a ticket).
package enum GatewayCommands {
    /// The request for a text a user sent.
    package static func request(for text: String) -> [String: JSONValue] {
        let trimmed = text.trimmedWhitespace
        guard trimmed.hasPrefix("/") else { return ["type": "say", "text": .string(text)] }
        let parts = trimmed.split(separator: " ", maxSplits: 1).map(String.init)
        let command = parts[0].split(separator: "@", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        let argument = parts.count > 1 ? parts[1].trimmedWhitespace : ""
        switch command {
        case "/start", "/help": return ["type": "help"]
        case "/human": return argument.isEmpty ? ["type": "escalate"] : ["type": "escalate", "text": .string(argument)]
        case "/yes", "/no": return ["type": "feedback", "helpful": .bool(command == "/yes")]
        case "/more": return ["type": "more"]
        case "/tickets": return ["type": "tickets"]
        case "/docs": return ["type": "docs", "query": .string(argument)]
        case "/rate":
            let words = argument.split(separator: " ", maxSplits: 2).map(String.init)
            if words.count >= 2, let ticket = Int(words[0].trimmingPrefix("#")), let score = Int(words[1]) {
                var request: [String: JSONValue] = ["type": "rate", "ticket": .int(ticket), "score": .int(score)]
                if words.count == 3 { request["comment"] = .string(words[2]) }
                return request
            }
            return ["type": "help"]
        default: return ["type": "help"]
        }
    }
}
