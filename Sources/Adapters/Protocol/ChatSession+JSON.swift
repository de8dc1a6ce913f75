import Dialogue
import Foundation

/// JSON Lines mode: one object per line both ways (docs/PROTOCOL.md).
extension ChatSession {
    func handleJSON(_ line: String) async -> SessionOutput {
        guard let data = line.data(using: .utf8),
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { return error(.badJSON, re: nil) }
        let re = object["id"]
        guard let type = object["type"] as? String else { return error(.missingField("type"), re: re) }
        do {
            switch type {
            case "hello":
                let identity = ConversationIdentity(
                    conversation: object["conversation"] as? String, channel: object["channel"] as? String,
                    user: object["user"].map { "\($0)" }, name: object["name"] as? String,
                    agency: object["agency"] as? String)
                if identity.conversation != nil && identity.channel == nil,
                    try await service.store.conversation(identity.conversation!) == nil
                {
                    return error(.unknownConversation, re: re)
                }
                let (record, resumed) = try await service.open(identity)
                conversation = record.id
                return respond(["type": "welcome", "conversation": record.id, "resumed": resumed], re: re)
            case "say":
                guard let text = object["text"] as? String else { return error(.missingField("text"), re: re) }
                return respond(try await reply(to: .say(text), kind: "say", text: text).0, re: re)
            case "pick":
                guard let number = object["number"] as? Int else { return error(.missingField("number"), re: re) }
                return respond(try await reply(to: .pick(number), kind: "pick", text: "\(number)").0, re: re)
            case "more":
                return respond(try await reply(to: .more, kind: "more", text: "").0, re: re)
            case "feedback":
                guard let helpful = object["helpful"] as? Bool else { return error(.missingField("helpful"), re: re) }
                return respond(try await reply(to: .feedback(helpful: helpful), kind: "feedback",
                                               text: helpful ? "helpful" : "not helpful").0, re: re)
            case "escalate":
                let text = object["text"] as? String
                return respond(try await reply(to: .human(text), kind: "escalate", text: text ?? "").0, re: re)
            case "help":
                return respond(try await reply(to: .help, kind: "help", text: "").0, re: re)
            case "quit":
                var output = respond(["type": "bye"], re: re)
                output.close = true
                return output
            default:
                return error(.unknownType(type), re: re)
            }
        } catch let failure as StoreError where failure.isUnknownConversation {
            return error(.unknownConversation, re: re)
        } catch {
            return self.error(.unavailable, re: re)
        }
    }

    func respond(_ object: [String: Any], re: Any?) -> SessionOutput {
        var object = object
        if let re { object["re"] = re }
        return SessionOutput(lines: [JSONWire.encode(object)])
    }

    func respond(_ reply: DialogueReply, re: Any?) -> SessionOutput {
        respond(JSONWire.object(reply), re: re)
    }
}

/// Encoding of JSON Lines messages.
package enum JSONWire {
    /// One line of JSON (keys sorted, so output is stable for tests and logs). Written by hand:
    /// Foundation's `JSONSerialization` took a fifth of the daemon's time under load on Linux,
    /// and the replies hold only strings, numbers, booleans, arrays and objects.
    package static func encode(_ object: [String: Any]) -> String {
        var output = ""
        output.reserveCapacity(256)
        write(object, to: &output)
        return output
    }

    static func write(_ value: Any?, to output: inout String) {
        switch value {
        case nil: output += "null"
        case let string as String: writeString(string, to: &output)
        case let number as NSNumber:
            // Numbers parsed by JSONSerialization (an echoed request id) and Swift's own Bool,
            // Int and Double all arrive as NSNumber here; its type code tells them apart
            // (`1 as Bool` would otherwise turn an id of 1 into `true`).
            switch String(cString: number.objCType) {
            case "c", "B": output += number.boolValue ? "true" : "false"
            case "d", "f":
                let double = number.doubleValue
                output += double.isFinite ? "\(double)" : "null"
            default: output += String(number.int64Value)
            }
        case let array as [Any]:
            output += "["
            for (index, element) in array.enumerated() {
                if index > 0 { output += "," }
                write(element, to: &output)
            }
            output += "]"
        case let object as [String: Any]:
            output += "{"
            for (index, key) in object.keys.sorted().enumerated() {
                if index > 0 { output += "," }
                writeString(key, to: &output)
                output += ":"
                write(object[key], to: &output)
            }
            output += "}"
        default:
            writeString("\(value!)", to: &output)
        }
    }

    static func writeString(_ string: String, to output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }

    /// The JSON object of a dialogue reply.
    package static func object(_ reply: DialogueReply) -> [String: Any] {
        switch reply {
        case .answer(let answer):
            var object: [String: Any] = [
                "type": "answer", "text": answer.text, "kb": answer.kb, "question": answer.question,
                "confidence": (Double(answer.confidence) * 1000).rounded() / 1000,
                "alternatives": answer.alternatives.map { ["kb": $0.kb, "question": $0.question] },
            ]
            if let topic = answer.topic { object["topic"] = topic }
            if !answer.refs.isEmpty { object["refs"] = answer.refs }
            return object
        case .suggest(let text, let options):
            return ["type": "suggest", "text": text, "options": options.map { ["kb": $0.kb, "question": $0.question] }]
        case .escalate(let text):
            return ["type": "escalate", "text": text]
        case .chat(let text):
            return ["type": "chat", "text": text]
        }
    }
}
