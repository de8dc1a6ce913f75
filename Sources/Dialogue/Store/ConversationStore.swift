import Foundation
import Retrieval

/// Where conversations, their messages and the knowledge base live. Dialogue owns this
/// interface; `SQLiteStore` implements it with GRDB, and a store shared by several daemons
/// (PostgreSQL) can implement it later without touching the protocol or the dialogue.
package protocol ConversationStore: Sendable {
    /// Resumes the conversation an identity names, or starts one.
    /// - Returns: the conversation and whether it existed before.
    func open(_ identity: ConversationIdentity) async throws -> (conversation: ConversationRecord, resumed: Bool)

    /// The conversation with this id, if any.
    func conversation(_ id: String) async throws -> ConversationRecord?

    /// Appends messages to a conversation and saves its dialogue state, in one transaction:
    /// when this returns, both are durable.
    func record(_ messages: [StoredMessage], state: ConversationState, of conversation: String) async throws

    /// The last `count` messages of a conversation, oldest first.
    func messages(of conversation: String, last count: Int) async throws -> [StoredMessage]

    /// The live knowledge-base entries.
    func knowledgeEntries() async throws -> [KnowledgeEntry]

    /// Brings corpus entries in: new ids are added, changed corpus entries replaced, entries the
    /// daemon learned (source other than the corpus) are never touched.
    func importCorpus(_ entries: [KnowledgeEntry]) async throws -> ImportSummary

    /// Runs the store's background upkeep until the task is cancelled (SQLite: WAL checkpoints
    /// away from the write path). A store that needs none returns at once.
    func maintain() async

    /// Where the store tells of a row it cannot read (a value no version wrote): the daemon
    /// logs it. The row is left as it is; lists leave it out, a read of it alone fails.
    func reportUnreadableRows(to report: @escaping @Sendable (String) -> Void)

    /// Whether other daemons share this store: then no daemon may keep a conversation's state
    /// in memory between messages, and events are published only once committed.
    var isShared: Bool { get }

    /// Runs one conversation's exchange (`body`, which reads its state and stores the
    /// result) so that no other daemon handles a message of the same conversation meanwhile.
    /// A store used by one daemon only runs `body` (the daemon's own lock suffices).
    func exclusive<T: Sendable>(_ conversation: String, _ body: () async throws -> T) async throws -> T
}

extension ConversationStore {
    /// No upkeep.
    package func maintain() async {}

    package func reportUnreadableRows(to report: @escaping @Sendable (String) -> Void) {}

    package var isShared: Bool { false }

    package func exclusive<T: Sendable>(_ conversation: String, _ body: () async throws -> T) async throws -> T {
        try await body()
    }
}

/// How a client names the conversation it wants.
package struct ConversationIdentity: Sendable, Hashable {
    /// An existing conversation id to resume.
    package var conversation: String?
    /// An external channel (`zalo`, `telegram`, …) and the user's id there.
    package var channel: String?
    /// The user's id on `channel`.
    package var user: String?
    /// Display name of the person.
    package var name: String?
    /// The person's agency.
    package var agency: String?

    /// Creates an identity; all parts optional (none: a new anonymous conversation).
    package init(conversation: String? = nil, channel: String? = nil, user: String? = nil, name: String? = nil,
                 agency: String? = nil)
    {
        self.conversation = conversation
        self.channel = channel
        self.user = user
        self.name = name
        self.agency = agency
    }
}

/// A conversation as stored.
package struct ConversationRecord: Sendable, Hashable {
    /// Unguessable id (128 random bits, hex).
    package var id: String
    /// External channel and user, when bound to one.
    package var channel: String?
    /// The user's id on `channel`.
    package var user: String?
    /// Display name.
    package var name: String?
    /// Agency.
    package var agency: String?
    /// The dialogue state (what the next message may refer to).
    package var state: ConversationState

    /// Creates a conversation record from all its parts (the store reads them back).
    package init(id: String, channel: String?, user: String?, name: String?, agency: String?, state: ConversationState) {
        self.id = id
        self.channel = channel
        self.user = user
        self.name = name
        self.agency = agency
        self.state = state
    }
}

/// One message in or out of a conversation.
package struct StoredMessage: Sendable, Hashable, Codable {
    /// Who sent it.
    package enum Direction: String, Sendable, Codable {
        /// From the person.
        case incoming = "in"
        /// From the bot.
        case outgoing = "out"
    }

    /// Direction.
    package var direction: Direction
    /// What kind of message (`say`, `answer`, `suggest`, `escalate`, `chat`, a command, …).
    package var kind: String
    /// Its text.
    package var text: String
    /// The knowledge-base entry it answered with, if any.
    package var entry: String?
    /// The topic of a reply to a question (the answer's, or the ticket's), for reports.
    package var topic: String?
    /// When it was recorded.
    package var date: Date

    /// Creates a message.
    package init(direction: Direction, kind: String, text: String, entry: String? = nil, topic: String? = nil,
                 date: Date = Date())
    {
        self.direction = direction
        self.kind = kind
        self.text = text
        self.entry = entry
        self.topic = topic
        self.date = date
    }
}

/// What an import changed.
package struct ImportSummary: Sendable, Hashable {
    /// Entries new to the store.
    package var added = 0
    /// Corpus entries whose text changed.
    package var updated = 0
    /// Corpus entries already as they were.
    package var unchanged = 0
    /// Learned entries left as they are.
    package var kept = 0

    /// Creates a summary.
    package init(added: Int = 0, updated: Int = 0, unchanged: Int = 0, kept: Int = 0) {
        self.added = added
        self.updated = updated
        self.unchanged = unchanged
        self.kept = kept
    }
}

/// Conversation ids: 128 bits from the system's secure random source, as 32 hex digits.
package enum ConversationID {
    /// A new id.
    package static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return String(format: "%016llx%016llx", high, low)
    }

    /// Whether a string has the shape of an id (cheap check before any lookup).
    package static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

/// A store operation that cannot be done. Transports map `unknownConversation` to their own
/// error (the protocol's `unknown-conversation`); anything else means nothing was stored.
package struct StoreError: Error, Hashable, CustomStringConvertible {
    private enum Kind: Hashable {
        case unknownConversation
        case unreadable
    }

    private let kind: Kind
    /// What went wrong, in Vietnamese.
    package let description: String

    /// A conversation id the store does not hold.
    package static func unknownConversation(_ id: String) -> StoreError {
        StoreError(kind: .unknownConversation, description: "không có cuộc trò chuyện \(id)")
    }

    /// A row this version cannot read (named by table and key, never by its values).
    package static func unreadable(_ row: String) -> StoreError {
        StoreError(kind: .unreadable, description: "không đọc được dữ liệu đã lưu (\(row))")
    }

    /// Whether the error is about a conversation the store does not hold.
    package var isUnknownConversation: Bool { kind == .unknownConversation }
}
