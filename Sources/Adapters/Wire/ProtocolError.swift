import Dialogue

/// An error the protocol reports to the client, with a stable code and a Vietnamese message.
package struct ProtocolError: Error, Hashable, Sendable {
    /// Stable machine-readable code.
    package var code: String
    /// Readable Vietnamese message.
    package var message: String
    /// A text-mode command typed wrongly: its reply is the usage line alone.
    package var isUsage = false

    /// An error with a code and a message.
    package init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// How a text-mode command is typed (a `bad-request` that text mode shows as a plain line).
    package static func usage(_ line: String) -> ProtocolError {
        var error = ProtocolError(code: "bad-request", message: line)
        error.isUsage = true
        return error
    }

    /// A line longer than the limit (its rest was skipped).
    package static func lineTooLong(_ limit: Int) -> ProtocolError {
        ProtocolError(code: "line-too-long", message: "Dòng quá dài (tối đa \(limit) byte); phần còn lại đã bị bỏ qua.")
    }
    /// A line that is not valid UTF-8.
    package static let badUTF8 = ProtocolError(code: "bad-utf8", message: "Dòng không phải UTF-8 hợp lệ.")
    /// A line that is not a JSON object.
    package static let badJSON = ProtocolError(code: "bad-json", message: "Dòng không phải một đối tượng JSON hợp lệ.")
    /// A request type the server does not know.
    package static func unknownType(_ type: String) -> ProtocolError {
        ProtocolError(code: "unknown-type", message: "Không có loại yêu cầu \"\(type)\".")
    }
    /// A request missing a field it needs.
    package static func missingField(_ field: String) -> ProtocolError {
        ProtocolError(code: "missing-field", message: "Thiếu trường \"\(field)\".")
    }
    /// Too many messages too fast.
    package static let rateLimited = ProtocolError(
        code: "rate-limited", message: "Anh/chị gửi quá nhanh; tin nhắn này chưa được xử lý, vui lòng gửi lại sau ít giây.")
    /// A text-mode command the server does not know.
    package static func unknownCommand(_ command: String) -> ProtocolError {
        ProtocolError(code: "unknown-command", message: "Không có lệnh \(command). Gõ /help để xem các lệnh.")
    }
    /// A conversation id that does not exist (or is not this client's).
    package static let unknownConversation = ProtocolError(
        code: "unknown-conversation", message: "Không tìm thấy cuộc trò chuyện này.")
    /// The server could not store the message: nothing was acknowledged.
    package static let unavailable = ProtocolError(
        code: "unavailable", message: "Hệ thống tạm thời không lưu được tin nhắn; vui lòng gửi lại.")
    /// A handler command from a connection that has not logged in as a handler.
    package static let notAllowed = ProtocolError(code: "not-allowed", message: "Anh/chị không có quyền thực hiện thao tác này.")
    /// A wrong, malformed or revoked handler token.
    package static let badToken = ProtocolError(code: "bad-token", message: "Mã đăng nhập không đúng hoặc đã bị thu hồi.")
    /// An acknowledgment of a reply this conversation never got.
    package static let unknownDelivery = ProtocolError(code: "unknown-delivery", message: "Không có tin trả lời này.")
    /// The desk (tickets, handlers) is not running in this server.
    package static let notAvailable = ProtocolError(
        code: "not-available", message: "Máy chủ này không nhận chuyển câu hỏi cho cán bộ.")
    /// The server is at its connection limit (or out of file descriptors).
    package static let busy = ProtocolError(
        code: "busy", message: "Máy chủ đang quá tải, vui lòng kết nối lại sau.")
    /// A request with a field of the wrong type, a value out of range, an unknown enum value.
    package static func badRequest(_ message: String) -> ProtocolError {
        ProtocolError(code: "bad-request", message: message)
    }
    /// A handler whose token was revoked or expired while their session was open.
    package static let sessionEnded = ProtocolError(
        code: "bad-token", message: "Phiên đăng nhập đã kết thúc: mã đăng nhập bị thu hồi hoặc hết hạn. Vui lòng đăng nhập lại.")
    /// A connection that took too long to send its first line, or one line.
    package static func tooSlow(_ seconds: Double) -> ProtocolError {
        ProtocolError(code: "too-slow", message: "Kết nối gửi một dòng quá chậm (quá \(Int(seconds)) giây); kết nối đã đóng.")
    }
}

extension ProtocolError {
    /// The desk's refusal, with its code.
    package init(_ error: EscalationError) {
        self.init(code: error.code, message: error.description)
    }

    /// The JSON Lines error message, answering request `re` when there is one.
    package func json(re: JSONValue?, user: String? = nil) -> String {
        var object: [String: JSONValue] = ["type": "error", "code": .string(code), "message": .string(message)]
        if let re { object["re"] = re }
        if let user { object["user"] = .string(user) }
        return JSONValue.object(object).encoded()
    }
}
