import Dialogue
import Foundation

/// JSON Lines mode: one object per line both ways (docs/PROTOCOL.md).
extension ChatSession {
    func handleJSON(_ object: JSONValue, re: JSONValue?) async -> SessionOutput {
        let fields = RequestFields(object: object)
        do {
            let type = try fields.requiredString("type", maximumLength: RequestFields.shortLimit)
            if let refusal = await recheckHandler(re: re) { return refusal }
            switch type {
            case "hello":
                let identity = ConversationIdentity(
                    conversation: try fields.string("conversation", maximumLength: RequestFields.shortLimit),
                    channel: try fields.identifier("channel"), user: try fields.identifier("user"),
                    name: try fields.string("name", maximumLength: RequestFields.shortLimit),
                    agency: try fields.string("agency", maximumLength: RequestFields.shortLimit))
                let visible = { (text: String?) in text.map { $0.hasVisibleText && !$0.unicodeScalars.contains { $0.value < 0x20 } } }
                if (identity.channel == nil) != (identity.user == nil) || visible(identity.channel) == false
                    || visible(identity.user) == false
                {
                    return error(.badRequest("\"channel\" và \"user\" đi cùng nhau, và không được để trống."), re: re)
                }
                if let id = identity.conversation, identity.channel == nil, try await service.store.conversation(id) == nil {
                    return error(.unknownConversation, re: re)
                }
                let (record, resumed) = try await service.open(identity)
                conversation = record.id
                throughGateway = record.channel != nil && record.user != nil && isLoopback
                var output = respond(["type": "welcome", "conversation": .string(record.id), "resumed": .bool(resumed)],
                                     re: re)
                // Replies that came while the asker was away, until they are acknowledged.
                output.lines += await pendingLines().lines
                return output
            case "say":
                let text = try fields.requiredString("text")
                return respond(try await reply(to: .say(text), kind: "say", text: text).0, re: re)
            case "pick":
                let number = try fields.requiredInt("number", in: -1_000_000...1_000_000)
                return respond(try await reply(to: .pick(number), kind: "pick", text: "\(number)").0, re: re)
            case "more":
                return respond(try await reply(to: .more, kind: "more", text: "").0, re: re)
            case "feedback":
                guard let helpful = try fields.bool("helpful") else { return error(.missingField("helpful"), re: re) }
                return respond(try await reply(to: .feedback(helpful: helpful), kind: "feedback",
                                               text: helpful ? "helpful" : "not helpful").0, re: re)
            case "escalate":
                let text = try fields.string("text")
                let kind = try fields.kind("kind")
                return respond(try await reply(to: .human(text), kind: "escalate", text: text ?? "", ticketKind: kind).0,
                               re: re)
            case "help":
                return respond(try await reply(to: .help, kind: "help", text: "").0, re: re)
            case "docs":
                return try handleDocsJSON(fields, re: re)
            case "quit":
                var output = respond(["type": "bye"], re: re)
                output.close = true
                return output
            default:
                if let output = await handleDeskJSON(type, fields, re: re) { return output }
                return error(.unknownType(String(type.prefix(40))), re: re)
            }
        } catch let failure as ProtocolError {
            return error(failure, re: re)
        } catch let failure as EscalationError {
            return error(ProtocolError(failure), re: re)
        } catch let failure as StoreError where failure.isUnknownConversation {
            return error(.unknownConversation, re: re)
        } catch {
            return self.error(.unavailable, re: re)
        }
    }

    func respond(_ object: [String: JSONValue], re: JSONValue?) -> SessionOutput {
        var object = object
        if let re { object["re"] = re }
        return SessionOutput(lines: [JSONValue.object(object).encoded()])
    }

    func respond(_ reply: DialogueReply, re: JSONValue?) -> SessionOutput {
        var object = JSONWire.object(reply)
        if case .answer(let answer) = reply, let documents = citedDocuments(answer.refs) { object["documents"] = documents }
        return respond(object, re: re)
    }
}

/// The JSON messages of dialogue replies.
package enum JSONWire {
    /// The JSON object of a dialogue reply.
    package static func object(_ reply: DialogueReply) -> [String: JSONValue] {
        switch reply {
        case .answer(let answer):
            var object: [String: JSONValue] = [
                "type": "answer", "text": .string(answer.text), "kb": .string(answer.kb),
                "question": .string(answer.question),
                "confidence": .double((Double(answer.confidence) * 1000).rounded() / 1000),
                "alternatives": .array(answer.alternatives.map { option($0.kb, $0.question) }),
            ]
            if let topic = answer.topic { object["topic"] = .string(topic) }
            if !answer.refs.isEmpty { object["refs"] = .array(answer.refs.map(JSONValue.string)) }
            return object
        case .suggest(let text, let options):
            return ["type": "suggest", "text": .string(text), "options": .array(options.map { option($0.kb, $0.question) })]
        case .escalate(let text):
            return ["type": "escalate", "text": .string(text)]
        case .escalated(let receipt):
            return ["type": "escalated", "ticket": .int(receipt.ticket), "kind": .string(receipt.kind.rawValue),
                    "topic": .string(receipt.topic), "unit": .string(receipt.unit), "text": .string(receipt.text)]
        case .chat(let text):
            return ["type": "chat", "text": .string(text)]
        }
    }

    static func option(_ kb: String, _ question: String) -> JSONValue {
        ["kb": .string(kb), "question": .string(question)]
    }
}
