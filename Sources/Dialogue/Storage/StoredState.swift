import Dialogue
import Foundation

/// A conversation's state as the JSON the store keeps, written by hand: the same fields,
/// names and values `JSONEncoder` would write (nil fields left out), read back by the same
/// `JSONDecoder`. Every exchange writes one; `JSONEncoder` took 3.7 % of the daemon's time
/// under load (a boxed container per value, a dictionary per object).
enum StoredState {
    /// The state's JSON.
    /// - Throws: `EncodingError` for a non-finite confidence, as `JSONEncoder` would.
    static func encode(_ state: ConversationState) throws -> Data {
        if let nearest = state.nearest, nearest.contains(where: { !$0.confidence.isFinite }) {
            return try JSONEncoder().encode(state)
        }
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out.append(UInt8(ascii: "{"))
        var first = true
        func key(_ name: StaticString) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: "\":".utf8)
        }
        func strings(_ values: [String]) {
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                string(value, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        if let value = state.lastQuestion { key("lastQuestion"); string(value, to: &out) }
        if let value = state.lastAnswer { key("lastAnswer"); string(value, to: &out) }
        if let value = state.lastTopic { key("lastTopic"); string(value, to: &out) }
        key("options"); strings(state.options)
        key("alternatives"); strings(state.alternatives)
        key("escalated"); out.append(contentsOf: (state.escalated ? "true" : "false").utf8)
        if let value = state.feedbackGiven { key("feedbackGiven"); out.append(contentsOf: (value ? "true" : "false").utf8) }
        if let nearest = state.nearest {
            key("nearest")
            out.append(UInt8(ascii: "["))
            for (index, entry) in nearest.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: "{\"kb\":".utf8)
                string(entry.kb, to: &out)
                out.append(contentsOf: ",\"confidence\":".utf8)
                out.append(contentsOf: "\(entry.confidence)".utf8)
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "]"))
        }
        if let value = state.detailsFor { key("detailsFor"); out.append(contentsOf: String(value).utf8) }
        out.append(UInt8(ascii: "}"))
        return Data(out)
    }

    /// A JSON string: quotes, backslashes and control characters escaped, the rest as UTF-8.
    static func string(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
