import Dialogue
import Foundation

/// JSON Lines mode (docs/PROTOCOL.md): a request from a JSON object, its response — or its
/// error — as JSON lines carrying the request's `id` back as `re`.
package enum JSONCodec {
    // MARK: - Requests

    /// The request a JSON object makes.
    /// - Parameter lenient: read wrong fields as absent and missing ones as placeholders, to
    ///   learn only which request the object meant (never to carry it out).
    /// - Throws: `missing-field`, `bad-request` (a field's type or range), `unknown-type`.
    package static func request(_ object: JSONValue, lenient: Bool = false) throws(ProtocolError) -> Request {
        let fields = RequestFields(object: object, lenient: lenient)
        let short = RequestFields.shortLimit
        let type = try fields.requiredString("type", maximumLength: short)
        switch type {
        case "hello":
            let identity = ConversationIdentity(
                conversation: try fields.string("conversation", maximumLength: short), channel: try fields.identifier("channel"),
                user: try fields.identifier("user"), name: try fields.string("name", maximumLength: short),
                agency: try fields.string("agency", maximumLength: short))
            func visible(_ text: String?) -> Bool? { text.map { $0.hasVisibleText && !$0.unicodeScalars.contains { $0.value < 0x20 } } }
            if !lenient, (identity.channel == nil) != (identity.user == nil) || visible(identity.channel) == false
                || visible(identity.user) == false
            {
                throw .badRequest("\"channel\" và \"user\" đi cùng nhau, và không được để trống.")
            }
            return .hello(identity)
        case "say": return .say(try fields.requiredString("text"))
        case "pick": return .pick(try fields.requiredInt("number", in: -1_000_000...1_000_000))
        case "more": return .more
        case "feedback":
            guard let helpful = try fields.bool("helpful") else { throw .missingField("helpful") }
            return .feedback(helpful: helpful)
        case "escalate": return .escalate(text: try fields.string("text"), kind: try fields.kind("kind"))
        case "help": return .help
        case "docs":
            let filter = DocumentCatalogue.Filter(
                kind: try fields.string("kind", maximumLength: short), issuer: try fields.string("issuer", maximumLength: short),
                topic: try fields.string("topic", maximumLength: short), year: try fields.int("year", in: 1900...2100))
            return .docs(query: try fields.string("query", maximumLength: 1000) ?? "", filter: filter,
                         limit: try fields.int("limit", in: 1...50) ?? 10)
        case "quit": return .quit
        case "ack": return .ack(delivery: try fields.number("delivery"))
        case "undeliverable":
            return .undeliverable(delivery: try fields.number("delivery"), reason: try fields.string("reason", maximumLength: 300),
                                  attempts: try fields.int("attempts", in: 0...1_000_000) ?? 1)
        case "tickets": return .tickets
        case "pending": return .backlog(after: try fields.int("after", in: 0...Int.max) ?? 0)
        case "ping": return .ping
        case "pong": return .pong
        case "rate":
            return .rate(ticket: try fields.number("ticket"), score: try fields.requiredInt("score", in: 1...5),
                         comment: try fields.string("comment", maximumLength: 2000))
        case "login": return .login(token: try fields.requiredString("token", maximumLength: short))
        case "whoami": return .whoami
        case "queue": return .queue(status: try fields.status("status"))
        case "show": return .show(ticket: try fields.number("ticket"))
        case "claim": return .claim(ticket: try fields.number("ticket"))
        case "close": return .close(ticket: try fields.number("ticket"))
        case "reopen": return .reopen(ticket: try fields.number("ticket"))
        case "reply":
            return .reply(ticket: try fields.number("ticket"), text: try fields.requiredString("text"),
                          reusable: try fields.bool("reusable") ?? true)
        case "update": return .update(ticket: try fields.number("ticket"), text: try fields.requiredString("text"))
        case "ask": return .ask(ticket: try fields.number("ticket"), text: try fields.requiredString("text"))
        case "note": return .note(ticket: try fields.number("ticket"), text: try fields.requiredString("text"))
        case "transfer":
            return .transfer(ticket: try fields.number("ticket"), unit: try fields.requiredString("unit", maximumLength: short))
        case "kind":
            let ticket = try fields.number("ticket")
            guard let kind = try fields.kind("kind") ?? (lenient ? .question : nil) else { throw .missingField("kind") }
            return .setKind(ticket: ticket, kind: kind)
        case "kb":
            if try fields.string("action", maximumLength: short) == "draft" {
                return .proposeEntry(ticket: try fields.number("ticket"), question: try fields.requiredString("question"),
                                     answer: try fields.requiredString("answer"))
            }
            let kb = try fields.requiredString("kb", maximumLength: short)
            switch try fields.string("action", maximumLength: short) {
            case "edit": return .editEntry(kb: kb, question: try fields.string("question"), answer: try fields.string("answer"))
            case "retire": return .retireEntry(kb: kb)
            case _ where lenient: return .retireEntry(kb: kb)
            case nil: throw .missingField("action")
            case let action?: throw .badRequest("Thao tác \"\(action.prefix(40))\" không có; dùng edit, retire hoặc draft.")
            }
        case "stats":
            return .stats(since: try fields.string("since", maximumLength: 40), until: try fields.string("until", maximumLength: 40),
                          unit: try fields.string("unit", maximumLength: short))
        case "search": return .search(query: try fields.requiredString("query", maximumLength: 1000))
        case "presence":
            let ticket = try fields.number("ticket")
            let state = try fields.string("state", maximumLength: short)
            guard let parsed = PresenceState(rawValue: state ?? "viewing") ?? (lenient ? .viewing : nil) else {
                throw .badRequest("\"state\" là viewing, typing hoặc left.")
            }
            return .presence(ticket: ticket, state: parsed)
        case "review":
            switch try fields.string("action", maximumLength: short) {
            case nil: return .review
            case "approve":
                return .approve(kb: try fields.requiredString("kb", maximumLength: short), question: try fields.string("question"),
                                answer: try fields.string("answer"))
            case "reject": return .reject(kb: try fields.requiredString("kb", maximumLength: short))
            case _ where lenient: return .review
            case let action?: throw .badRequest("Thao tác \"\(action.prefix(40))\" không có; dùng approve hoặc reject.")
            }
        default:
            throw .unknownType(String(type.prefix(40)))
        }
    }

    // MARK: - Responses

    /// The lines of a response, answering request `re`.
    /// - Parameters:
    ///   - now: the desk's time (for the flags of tickets).
    ///   - user: the gateway user the request was for: every line carries it.
    package static func output(_ response: Response, re: JSONValue?, now: Date, user: String? = nil) -> SessionOutput {
        var output = SessionOutput(lines: [])
        func line(_ object: [String: JSONValue]) {
            var object = object
            if let re { object["re"] = re }
            if let user { object["user"] = .string(user) }
            output.lines.append(JSONValue.object(object).encoded())
        }
        switch response {
        case .welcome(let conversation, let resumed, let pending):
            line(["type": "welcome", "conversation": .string(conversation), "resumed": .bool(resumed)])
            // Replies that came while the asker was away, until they are acknowledged.
            output.lines += pending.map { JSONValue.object(DeskWire.reply($0)).encoded() }
        case .resumed(_, let pending):
            output.lines += pending.map { JSONValue.object(DeskWire.reply($0)).encoded() }
        case .dialogue(let reply, _, let documents, let pending):
            output.lines += pending.map { JSONValue.object(DeskWire.reply($0)).encoded() }
            var object = JSONWire.object(reply)
            if !documents.isEmpty { object["documents"] = .array(documents.map { .object(CatalogueWire.citation($0)) }) }
            line(object)
        case .documents(let documents, _):
            line(["type": "docs", "results": .array(documents.map { .object(CatalogueWire.document($0)) })])
        case .help(let text):
            line(["type": "chat", "text": .string(text)])
        case .bye:
            line(["type": "bye"])
            output.close = true
        case .loggedIn(let handler):
            line(["type": "welcome", "role": "handler", "unit": .string(handler.unit), "name": .string(handler.name),
                  "admin": .bool(handler.admin), "reviewer": .bool(handler.reviewer)])
        case .gatewayLoggedIn(let gateway, let pending, let more):
            var welcome: [String: JSONValue] = ["type": "welcome", "role": "gateway", "channel": .string(gateway.channel),
                                                "name": .string(gateway.name), "pending": .int(pending.count), "more": .bool(more)]
            if let last = pending.last { welcome["last"] = .int(last.id) }
            line(welcome)
            // The channel's replies not yet acknowledged, whoever they are for: the first page.
            output.lines += pending.map { JSONValue.object(DeskWire.reply($0)).encoded() }
        case .backlog(let pending, let more):
            // The page's replies, then the answer that says whether another page waits.
            output.lines += pending.map { JSONValue.object(DeskWire.reply($0)).encoded() }
            var page: [String: JSONValue] = ["type": "pending", "count": .int(pending.count), "more": .bool(more)]
            if let last = pending.last { page["last"] = .int(last.id) }
            line(page)
        case .tickets(let tickets):
            line(["type": "tickets", "tickets": .array(tickets.map { .object(DeskWire.askerSummary($0)) })])
        case .pong:
            line(["type": "pong"])
        case .nothing:
            // A `pong` needs no answer; one that carries an `id` is answered, as every request is.
            if re != nil { line(["type": "ok"]) }
        case .identity(let conversation, let handler, let gateway):
            var object: [String: JSONValue] = ["type": "whoami", "role": gateway != nil ? "gateway" : handler == nil ? "asker" : "handler"]
            if let gateway {
                object["gateway"] = .string(gateway.id)
                object["channel"] = .string(gateway.channel)
            }
            if let conversation { object["conversation"] = .string(conversation) }
            if let handler {
                object["handler"] = .string(handler.id)
                object["unit"] = .string(handler.unit)
                object["admin"] = .bool(handler.admin)
                object["reviewer"] = .bool(handler.reviewer)
            }
            line(object)
        case .delivery(let delivery):
            line(["type": "ok", "delivery": .int(delivery)])
        case .rated(let ticket):
            line(["type": "ok", "ticket": .int(ticket)])
        case .ticket(let ticket, let delivery):
            var object: [String: JSONValue] = ["type": "ok", "ticket": .object(DeskWire.summary(ticket, now: now))]
            if let delivery { object["delivery"] = .int(delivery) }
            line(object)
        case .entry(let kb):
            line(["type": "ok", "kb": .string(kb)])
        case .queue(let tickets):
            line(["type": "queue", "tickets": .array(tickets.map { .object(DeskWire.summary($0, now: now)) })])
        case .detail(let detail):
            line(["type": "show", "ticket": .object(DeskWire.detail(detail, now: now)),
                  "deliveries": .array(detail.deliveries.map { .object(DeskWire.deliveryState($0)) }),
                  "similar": .array(detail.similar.map {
                      ["kb": .string($0.id), "question": .string($0.question), "answer": .string($0.answer)]
                  })])
        case .stats(let report):
            line(["type": "stats", "report": ReportJSON.object(report)])
        case .review(let drafts, let remaining):
            line(["type": "review", "drafts": .array(drafts.map { .object(DeskWire.draft($0)) }), "remaining": .int(remaining)])
        case .found(let tickets, let query):
            line(["type": "search", "query": .string(query), "tickets": .array(tickets.map { .object(DeskWire.summary($0, now: now)) })])
        case .presence(let ticket, let viewers):
            line(DeskWire.presence(ticket: ticket, viewers: viewers))
        }
        return output
    }

    /// An error's line, answering request `re`.
    package static func output(_ error: ProtocolError, re: JSONValue?) -> SessionOutput {
        SessionOutput(lines: [error.json(re: re)])
    }
}
