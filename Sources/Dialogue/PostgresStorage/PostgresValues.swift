import Dialogue
import Foundation
import NIOCore
import PostgresNIO

/// A date bound to a statement to the millisecond, as `timestamptz`: both stores keep dates
/// to the millisecond, so a value written and read back is the same in either.
///
/// Written by hand because PostgresNIO's own `Date` encoding truncates to the microsecond
/// through a `Double`, which turns `…​.123` into `…​.122999` now and then.
struct Millis: PostgresEncodable, Sendable {
    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }

    /// Milliseconds since 1970.
    let milliseconds: Int64

    init(_ date: Date) { milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        // PostgreSQL counts microseconds from 2000-01-01.
        byteBuffer.writeInteger((milliseconds - 946_684_800_000) * 1000)
    }
}

extension Date {
    /// This date for a statement (`Millis`).
    var pg: Millis { Millis(self) }
}

extension Optional where Wrapped == Date {
    /// This date, or NULL, for a statement.
    var pg: Millis? { map(Millis.init) }
}

extension PostgresStore {
    /// The columns of `ticket` in the order `ticket(from:)` reads them.
    static let ticketColumns = """
        number, conversation_id, kind, topic, unit, question, context, status, handler, due, update_due, created_at, \
        updated_at, answered_at, undelivered
        """

    /// A ticket row; nil (and reported) when this version cannot read it.
    func ticket(from row: PostgresRow) -> Ticket? {
        do {
            let (number, conversation, kind, topic, unit, question, context, status, handler, due, updateDue, created,
                 updated, answered, undelivered) = try row.decode(
                    (Int, String?, String, String, String, String, String, String, String?, Date, Date, Date, Date, Date?,
                     Bool).self)
            guard let kind = TicketKind(rawValue: kind), let status = TicketStatus(rawValue: status),
                let lines = try? JSONDecoder().decode([String].self, from: Data(context.utf8))
            else {
                unreadable("ticket", "\(number)")
                return nil
            }
            // An erased conversation's ticket has none (`Ticket.isAnonymised`).
            return Ticket(number: number, conversation: conversation ?? "", kind: kind, topic: topic, unit: unit, question: question,
                          context: lines, status: status, handler: handler, due: due, updateDue: updateDue, createdAt: created,
                          updatedAt: updated, answeredAt: answered, undelivered: undelivered)
        } catch {
            unreadable("ticket", "?")
            return nil
        }
    }

    /// The columns of `delivery` (with the conversation's channel and user) that `delivery(from:)` reads.
    static let deliveryColumns = "d.id, d.kind, d.conversation_id, d.ticket, d.unit, d.text, d.created_at, c.channel, c.user_id"

    /// A delivery row; nil (and reported) when this version cannot read it.
    func delivery(from row: PostgresRow) -> Delivery? {
        guard let (id, kind, conversation, ticket, unit, text, created, channel, user) = try? row.decode(
            (Int, String, String, Int, String, String, Date, String?, String?).self)
        else {
            unreadable("delivery", "?")
            return nil
        }
        guard let kind = Delivery.Kind(rawValue: kind) else {
            unreadable("delivery", "\(id)")
            return nil
        }
        return Delivery(id: id, kind: kind, conversation: conversation, ticket: ticket, unit: unit, text: text, createdAt: created,
                        channel: channel, user: user)
    }

    /// The columns of `draft` that `draft(from:)` reads.
    static let draftColumns = "id, ticket, unit, topic, question, answer, created_at"

    /// A draft row.
    func draft(from row: PostgresRow) -> DraftEntry? {
        guard let (id, ticket, unit, topic, question, answer, created) = try? row.decode(
            (String, Int, String, String?, String, String, Date).self)
        else {
            unreadable("draft", "?")
            return nil
        }
        return DraftEntry(kb: id, ticket: ticket, unit: unit, topic: topic, question: question, answer: answer, createdAt: created)
    }

    /// JSON as the stores keep entries and documents: keys sorted, so that an unchanged entry
    /// compares equal as text.
    static let sortedEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    /// A value as JSON text.
    static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try sortedEncoder.encode(value), as: UTF8.self)
    }
}
