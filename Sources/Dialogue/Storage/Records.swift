import Dialogue
import Foundation
import GRDB
import Retrieval
import Synchronization

// Rows of the SQLite store as Codable records, each with its columns: a value the domain does
// not know (a kind, status or action no version wrote, state that is not JSON) is never
// silently replaced by a default. A read of that row alone fails with an error naming it; a
// list leaves it out; either way the store reports it (`UnreadableRows`), and the daemon logs it.

extension TicketKind: DatabaseValueConvertible {}
extension TicketStatus: DatabaseValueConvertible {}
extension TicketAction: DatabaseValueConvertible {}
extension Delivery.Kind: DatabaseValueConvertible {}
extension StoredMessage.Direction: DatabaseValueConvertible {}

/// A value in the store that this version cannot read: the store is not changed, the request
/// fails. Its description names the table, the row and the column, never the values (they may
/// hold personal data), so that it can be logged.
struct CorruptRow: Error, CustomStringConvertible {
    /// The table and the row's key.
    let table: String
    let key: String
    /// What could not be read.
    let problem: String

    var description: String { "\(table) \(key): \(problem)" }

    /// A row GRDB could not decode into its record. GRDB's own description quotes the row's
    /// values, so it is not kept.
    init(table: String, key: String, decoding error: any Error) {
        self.init(table: table, key: key, problem: "a column holds a value this version cannot read")
    }

    init(table: String, key: String, problem: String) {
        self.table = table
        self.key = key
        self.problem = problem
    }
}

/// Where the store reports the rows it cannot read (set by the daemon to its log).
final class UnreadableRows: Sendable {
    private let report = Mutex<(@Sendable (String) -> Void)?>(nil)

    func tell(_ problem: CorruptRow) { report.withLock { $0 }?(problem.description) }

    func send(to report: @escaping @Sendable (String) -> Void) { self.report.withLock { $0 = report } }

    /// Decodes one row; one that cannot be read is reported and fails the read (`CorruptRow`).
    func decodeOne<Record: FetchableRecord & TableRecord, Value>(
        _ row: Row?, as record: Record.Type, key: (Row) -> String, _ transform: (Record) throws -> Value
    ) throws -> Value? {
        guard let row else { return nil }
        do {
            return try transform(try Record(row: row))
        } catch let problem as CorruptRow {
            tell(problem)
            throw problem
        } catch {
            let problem = CorruptRow(table: Record.databaseTableName, key: key(row), decoding: error)
            tell(problem)
            throw problem
        }
    }

    /// Decodes each row, leaving out (and reporting) those that cannot be read.
    func decode<Record: FetchableRecord & TableRecord, Value>(
        _ rows: [Row], as record: Record.Type, key: (Row) -> String, _ transform: (Record) throws -> Value
    ) -> [Value] {
        rows.compactMap { row in
            do {
                return try transform(try Record(row: row))
            } catch let problem as CorruptRow {
                tell(problem)
            } catch {
                tell(CorruptRow(table: Record.databaseTableName, key: key(row), decoding: error))
            }
            return nil
        }
    }
}

/// A row of `conversation`.
struct ConversationRow: Codable, FetchableRecord, TableRecord {
    static let databaseTableName = "conversation"
    enum Columns {
        static let id = Column(CodingKeys.id)
        static let channel = Column(CodingKeys.channel)
        static let user = Column(CodingKeys.user)
    }

    var id: String
    var channel: String?
    var user: String?
    var name: String?
    var agency: String?
    var state: Data

    /// The conversation. A state this version cannot read is reported and the conversation
    /// goes on from a fresh state (its messages, tickets and replies are untouched): the person
    /// can still talk to the desk, and the damaged row stays until the next exchange replaces it.
    func record(reporting problems: UnreadableRows) -> ConversationRecord {
        var state = ConversationState()
        do {
            state = try JSONDecoder().decode(ConversationState.self, from: self.state)
        } catch {
            problems.tell(CorruptRow(table: Self.databaseTableName, key: Self.key(id),
                                     problem: "state is not readable: the conversation goes on from a fresh state"))
        }
        return ConversationRecord(id: id, channel: channel, user: user, name: name, agency: agency, state: state)
    }

    /// A conversation id as a log may show it: its first 8 characters (the id is the
    /// conversation's bearer secret; 96 bits stay unknown).
    static func key(_ id: String) -> String { String(id.prefix(8)) + "…" }
}

/// A row of `message`.
struct MessageRow: Codable, FetchableRecord, TableRecord {
    static let databaseTableName = "message"
    enum Columns {
        static let id = Column(CodingKeys.id)
        static let conversationId = Column(CodingKeys.conversationId)
    }

    var id: Int64
    var conversationId: String
    var direction: StoredMessage.Direction
    var kind: String
    var text: String
    var entry: String?
    var topic: String?
    var date: Date

    var message: StoredMessage {
        StoredMessage(direction: direction, kind: kind, text: text, entry: entry, topic: topic, date: date)
    }
}

/// A row of `ticket`.
struct TicketRow: Codable, FetchableRecord, TableRecord {
    static let databaseTableName = "ticket"
    enum Columns {
        static let number = Column(CodingKeys.number)
        static let conversationId = Column(CodingKeys.conversationId)
        static let unit = Column(CodingKeys.unit)
        static let status = Column(CodingKeys.status)
        static let due = Column(CodingKeys.due)
        static let updateDue = Column(CodingKeys.updateDue)
    }

    var number: Int
    /// Nil once the conversation was erased (the ticket kept, anonymised: `Ticket.isAnonymised`).
    var conversationId: String?
    var kind: TicketKind
    var topic: String
    var unit: String
    var question: String
    /// JSON array of the conversation's last lines before the ticket.
    var context: String
    var status: TicketStatus
    var handler: String?
    var due: Date
    var updateDue: Date
    var createdAt: Date
    var updatedAt: Date
    var answeredAt: Date?
    var undelivered: Bool

    func ticket() throws -> Ticket {
        let lines: [String]
        do {
            lines = try JSONDecoder().decode([String].self, from: Data(context.utf8))
        } catch {
            throw CorruptRow(table: Self.databaseTableName, key: "\(number)", problem: "context is not a JSON list")
        }
        return Ticket(number: number, conversation: conversationId ?? "", kind: kind, topic: topic, unit: unit, question: question,
                      context: lines, status: status, handler: handler, due: due, updateDue: updateDue, createdAt: createdAt,
                      updatedAt: updatedAt, answeredAt: answeredAt, undelivered: undelivered)
    }
}

/// A row of `ticketEvent`.
struct TicketEventRow: Codable, FetchableRecord, TableRecord {
    static let databaseTableName = "ticketEvent"
    enum Columns {
        static let id = Column(CodingKeys.id)
        static let ticket = Column(CodingKeys.ticket)
    }

    var id: Int64
    var ticket: Int
    var actor: String
    var action: TicketAction
    var detail: String
    var date: Date

    var event: TicketEvent { TicketEvent(actor: actor, action: action, detail: detail, date: date) }
}

/// A row of `delivery` (the outbox).
struct DeliveryRow: Codable, FetchableRecord, TableRecord {
    static let databaseTableName = "delivery"
    enum Columns {
        static let id = Column(CodingKeys.id)
        static let conversationId = Column(CodingKeys.conversationId)
        static let ticket = Column(CodingKeys.ticket)
        static let ackedAt = Column(CodingKeys.ackedAt)
    }

    var id: Int
    var conversationId: String
    var ticket: Int
    var unit: String
    var text: String
    var createdAt: Date
    var ackedAt: Date?
    var kind: Delivery.Kind
    var attempts: Int
    var failure: String?
    var failedAt: Date?

    var delivery: Delivery {
        Delivery(id: id, kind: kind, conversation: conversationId, ticket: ticket, unit: unit, text: text, createdAt: createdAt)
    }

    var state: DeliveryState {
        let status: DeliveryState.Status = ackedAt != nil ? .delivered : failedAt != nil ? .undelivered : .pending
        return DeliveryState(delivery: id, kind: kind, createdAt: createdAt, status: status, attempts: attempts,
                             reason: status == .undelivered ? failure : nil, at: ackedAt ?? failedAt)
    }
}

/// A row of `gateway`.
struct GatewayRow: Codable, FetchableRecord, TableRecord {
    static let databaseTableName = "gateway"
    enum Columns {
        static let channel = Column(CodingKeys.channel)
        static let name = Column(CodingKeys.name)
    }

    var id: String
    var channel: String
    var name: String
    var secretHash: Data
    var revoked: Bool
    var createdAt: Date

    var gateway: Gateway { Gateway(id: id, channel: channel, name: name, revoked: revoked, createdAt: createdAt) }
}

/// A row of `handler`.
struct HandlerRow: Codable, FetchableRecord, TableRecord {
    static let databaseTableName = "handler"
    enum Columns {
        static let id = Column(CodingKeys.id)
        static let unit = Column(CodingKeys.unit)
        static let name = Column(CodingKeys.name)
    }

    var id: String
    var unit: String
    var name: String
    var admin: Bool
    var secretHash: Data
    var revoked: Bool
    var reviewer: Bool
    var expiresAt: Date?

    var handler: Handler {
        Handler(id: id, unit: unit, name: name, admin: admin, revoked: revoked, reviewer: reviewer, expiresAt: expiresAt)
    }
}

/// A row of `unit`.
struct UnitRow: Codable, FetchableRecord, TableRecord {
    static let databaseTableName = "unit"
    enum Columns {
        static let id = Column(CodingKeys.id)
    }

    var id: String
    var name: String
    var answers: String

    var unit: UnitRecord { UnitRecord(id: id, name: name, answers: answers) }
}

/// A row of `draft`.
struct DraftRow: Codable, FetchableRecord, TableRecord {
    static let databaseTableName = "draft"
    enum Columns {
        static let id = Column(CodingKeys.id)
        static let unit = Column(CodingKeys.unit)
        static let status = Column(CodingKeys.status)
        static let createdAt = Column(CodingKeys.createdAt)
    }

    var id: String
    var ticket: Int
    var unit: String
    var topic: String?
    var question: String
    var answer: String
    var status: String
    var createdAt: Date

    var draft: DraftEntry {
        DraftEntry(kb: id, ticket: ticket, unit: unit, topic: topic, question: question, answer: answer, createdAt: createdAt)
    }
}
