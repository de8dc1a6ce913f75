import Dialogue

/// The fields of one JSON request, read with their types and ranges checked. A field that is
/// absent (or `null`) is nil; one of the wrong type, out of range or too long is a
/// `bad-request` error naming it, so that no value from the wire reaches the desk unchecked.
///
/// Read `lenient`ly, a field that is wrong is absent and a missing one a placeholder: only to
/// learn which request a broken line meant (who may make it is told before what is wrong
/// with it); such a request is never carried out.
struct RequestFields {
    let object: JSONValue
    var lenient = false

    /// Longest text field (a line is at most 16 KiB anyway).
    static let textLimit = 16 * 1024
    /// Longest identifier-like field (a name, an agency, a channel user id, an entry id).
    static let shortLimit = 200

    /// A text field.
    func string(_ key: String, maximumLength: Int = textLimit) throws(ProtocolError) -> String? {
        if lenient { return try? RequestFields(object: object).string(key, maximumLength: maximumLength) }
        switch object[key] {
        case nil, .null?: return nil
        case .string(let value)?:
            guard value.utf8.count <= maximumLength else {
                throw .badRequest("Trường \"\(key)\" dài quá \(maximumLength) byte.")
            }
            // A NUL would cut the text short where it is stored: what the handler read would not
            // be what was sent.
            guard !value.utf8.contains(0) else { throw .badRequest("Trường \"\(key)\" chứa ký tự NUL.") }
            return value
        default: throw .badRequest("Trường \"\(key)\" phải là một chuỗi.")
        }
    }

    /// A text field that must be there.
    func requiredString(_ key: String, maximumLength: Int = textLimit) throws(ProtocolError) -> String {
        guard let value = try string(key, maximumLength: maximumLength) else {
            if lenient { return "" }
            throw .missingField(key)
        }
        return value
    }

    /// An id that may be written as a string or a number (a Telegram chat id, a phone).
    func identifier(_ key: String) throws(ProtocolError) -> String? {
        if case .int(let value)? = object[key] { return String(value) }
        return try string(key, maximumLength: Self.shortLimit)
    }

    /// A whole number within `range`.
    func int(_ key: String, in range: ClosedRange<Int>) throws(ProtocolError) -> Int? {
        if lenient { return try? RequestFields(object: object).int(key, in: range) }
        switch object[key] {
        case nil, .null?: return nil
        case let value?:
            guard let number = value.int else { throw .badRequest("Trường \"\(key)\" phải là một số nguyên.") }
            guard range.contains(number) else {
                throw .badRequest("Trường \"\(key)\" phải từ \(range.lowerBound) đến \(range.upperBound).")
            }
            return number
        }
    }

    /// A whole number within `range` that must be there.
    func requiredInt(_ key: String, in range: ClosedRange<Int>) throws(ProtocolError) -> Int {
        guard let value = try int(key, in: range) else {
            if lenient { return range.lowerBound }
            throw .missingField(key)
        }
        return value
    }

    /// A ticket, delivery or other record number (1 or more).
    func number(_ key: String) throws(ProtocolError) -> Int {
        try requiredInt(key, in: 1...Int(Int64.max))
    }

    /// A true/false field.
    func bool(_ key: String) throws(ProtocolError) -> Bool? {
        if lenient { return try? RequestFields(object: object).bool(key) }
        switch object[key] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        default: throw .badRequest("Trường \"\(key)\" phải là true hoặc false.")
        }
    }

    /// A ticket kind by code or Vietnamese name; an unknown one is refused.
    func kind(_ key: String) throws(ProtocolError) -> TicketKind? {
        guard let text = try string(key, maximumLength: Self.shortLimit) else { return nil }
        guard let kind = TicketKind(text: text) else {
            if lenient { return nil }
            throw .unknownKind(text)
        }
        return kind
    }

    /// A ticket status; an unknown one is refused.
    func status(_ key: String) throws(ProtocolError) -> TicketStatus? {
        guard let text = try string(key, maximumLength: Self.shortLimit) else { return nil }
        guard let status = TicketStatus(rawValue: text) else {
            if lenient { return nil }
            throw .unknownStatus(text)
        }
        return status
    }
}

extension ProtocolError {
    /// A ticket kind that does not exist.
    static func unknownKind(_ text: String) -> ProtocolError {
        .badRequest("Không có loại phiếu \"\(text.prefix(40))\"; các loại: "
            + TicketKind.allCases.map { "\($0.rawValue) (\($0.label))" }.joined(separator: ", ") + ".")
    }

    /// A ticket status that does not exist.
    static func unknownStatus(_ text: String) -> ProtocolError {
        .badRequest("Không có trạng thái \"\(text.prefix(40))\"; các trạng thái: "
            + TicketStatus.allCases.map(\.rawValue).joined(separator: ", ") + ".")
    }
}
