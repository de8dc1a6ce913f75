import Dialogue
import Retrieval
import Foundation

/// One line of input as the framing delivered it.
package enum InputLine: Sendable, Hashable {
    /// A complete line (without its newline), valid UTF-8.
    case text(String)
    /// A line over the limit; its bytes were skipped up to the next newline.
    case tooLong
    /// A line that is not valid UTF-8.
    case badUTF8
}

/// What a session sends back for one input line.
package struct SessionOutput: Sendable, Hashable {
    /// Lines to write, each without its newline.
    package var lines: [String]
    /// Close the connection after writing them.
    package var close = false
}

/// One connection's protocol logic, without sockets: decides the mode from the first line
/// (`{` → JSON Lines, anything else → text), keeps the conversation the client is in,
/// enforces the rate limit, and turns requests into dialogue inputs and replies into lines.
/// Transports (TCP, stdio) feed it lines and write what it returns.
package final class ChatSession {
    /// The wire format, chosen by the first line.
    package enum Mode: Sendable {
        case undecided, text, json
    }

    /// The current mode.
    package internal(set) var mode: Mode = .undecided
    /// The conversation this connection is in.
    package internal(set) var conversation: String? {
        didSet { if conversation != oldValue { listen() } }
    }
    /// The handler logged in on this connection (nil: an asker).
    package internal(set) var handler: Handler? {
        didSet { listen() }
    }
    let service: DialogueService
    let limits: SessionLimits
    var limiter: RateLimiter
    /// Where the client connects from (failed logins are slowed down per source).
    let source: String
    /// Writes lines the desk pushes (replies, new tickets) to this connection; set by the
    /// transport, called from any thread.
    let push: (@Sendable ([String]) -> Void)?
    /// This connection's key in the desk's event hub.
    var subscription: Int?

    /// Creates a session for one connection.
    /// - Parameters:
    ///   - source: the client's address (for slowing down failed logins).
    ///   - push: how the transport writes pushed lines; nil: nothing is pushed (replies wait in
    ///     the outbox for the next resume).
    package init(service: DialogueService, limits: SessionLimits = SessionLimits(), mode: Mode = .undecided,
                 source: String = "local", push: (@Sendable ([String]) -> Void)? = nil)
    {
        self.service = service
        self.limits = limits
        self.mode = mode
        self.source = source
        self.push = push
        limiter = RateLimiter(burst: limits.burst, perSecond: limits.messagesPerSecond)
    }

    deinit {
        if let subscription, let hub = service.escalation?.hub { hub.unsubscribe(subscription) }
    }

    /// Stops listening for pushed events (the connection is closing).
    package func close() {
        if let subscription, let hub = service.escalation?.hub { hub.unsubscribe(subscription) }
        subscription = nil
    }

    /// Handles one input line.
    package func handle(_ line: InputLine) async -> SessionOutput {
        switch line {
        case .tooLong: return error(.lineTooLong(limits.maximumLineBytes), re: nil)
        case .badUTF8: return error(.badUTF8, re: nil)
        case .text(let raw):
            let text = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
            if mode == .undecided {
                if text.isBlank { return SessionOutput(lines: []) }
                mode = text.first == "{" ? .json : .text
            }
            guard limiter.allow() else { return error(.rateLimited, re: nil) }
            return mode == .json ? await handleJSON(text) : await handleText(text)
        }
    }

    // MARK: - Conversation

    /// The conversation to use, starting an anonymous one if the client has none yet.
    func currentConversation() async throws -> (id: String, started: Bool) {
        if let conversation { return (conversation, false) }
        let (record, _) = try await service.open(ConversationIdentity())
        conversation = record.id
        return (record.id, true)
    }

    func reply(to input: DialogueInput, kind: String, text: String, ticketKind: TicketKind? = nil) async throws
        -> (DialogueReply, started: Bool)
    {
        let (id, started) = try await currentConversation()
        let incoming = StoredMessage(direction: .incoming, kind: kind, text: text)
        return (try await service.handle(input, incoming: incoming, in: id, kind: ticketKind), started)
    }

    func error(_ error: ProtocolError, re: JSONValue?) -> SessionOutput {
        SessionOutput(lines: errorLines(error, re: re))
    }

    func errorLines(_ error: ProtocolError, re: JSONValue?) -> [String] {
        switch mode {
        case .json:
            return [error.json(re: re)]
        case .text, .undecided:
            return TextWire.frame(["Lỗi (\(error.code)): \(error.message)"])
        }
    }
}
