import Dialogue
import Foundation
import Retrieval
import Synchronization
import Wire

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
    /// The gateway logged in on this connection (nil: none): every request then carries the
    /// `user` it is for, and the link carries the replies of the gateway's channel.
    package internal(set) var gateway: Gateway? {
        didSet {
            link.isGateway.store(gateway != nil, ordering: .relaxed)
            listen()
        }
    }
    /// What the hub's pushes (on any thread) and the session share about a gateway's link.
    let link = GatewayLinkFlags()
    /// When the gateway's token was last checked in the store.
    var gatewayCheckedAt = Date.distantPast
    /// The users the gateway carries: their conversations and rate limits.
    var gatewayUsers: GatewayUsers
    /// The gateway user the line being handled is for, and their conversation once known.
    var speaking: (user: String, conversation: String?)?
    /// The agency a gateway's request gives for its user (their profile's), if any.
    var speakingAgency: String?
    let service: DialogueService
    let limits: SessionLimits
    var limiter: RateLimiter
    /// Where the client connects from (failed logins are slowed down, tickets capped per source).
    let source: String
    /// Writes lines the desk pushes (replies, new tickets) to this connection; set by the
    /// transport.
    let push: PushWriter?
    /// Closes the connection once what was pushed is out (a revoked gateway's link); set by the
    /// transport.
    let end: (@Sendable () -> Void)?
    /// This connection's key in the desk's event hub.
    var subscription: Int?

    /// Creates a session for one connection.
    /// - Parameters:
    ///   - source: the client's address (for slowing down failed logins and capping tickets;
    ///     nil: stdin, which has no address).
    ///   - push: how the transport writes pushed lines; nil: nothing is pushed (replies wait in
    ///     the outbox for the next resume).
    ///   - end: how the transport closes the connection after the pushed lines (nil: it cannot).
    package init(service: DialogueService, limits: SessionLimits = SessionLimits(), mode: Mode = .undecided,
                 source: String? = nil, push: PushWriter? = nil, end: (@Sendable () -> Void)? = nil)
    {
        self.end = end
        self.service = service
        self.limits = limits
        self.mode = mode
        self.source = source ?? "local"
        self.origin = source
        self.push = push
        limiter = RateLimiter(burst: limits.burst, perSecond: limits.messagesPerSecond)
        gatewayUsers = GatewayUsers(limits: limits)
    }

    /// The client's address for the ticket caps (nil: none applies).
    let origin: String?

    deinit { close() }

    /// Stops listening for pushed events (the connection is closing).
    package func close() {
        if let subscription, let desk = service.escalation {
            desk.hub.unsubscribe(subscription)
            desk.leavePresence(connection: subscription)
        }
        subscription = nil
    }

    /// Handles one input line: decoded into a request by the mode's codec, carried out, and
    /// its response (or error) written by the same codec.
    package func handle(_ line: InputLine) async -> SessionOutput {
        speaking = nil
        speakingAgency = nil
        switch line {
        case .tooLong: return error(.lineTooLong(limits.maximumLineBytes), re: nil)
        case .badUTF8: return error(.badUTF8, re: nil)
        case .text(let raw):
            let text = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
            // A blank line is nothing: not a request, not activity (it keeps no connection alive).
            if !text.hasVisibleText { return SessionOutput(lines: []) }
            if mode == .undecided { mode = text.first == "{" ? .json : .text }
            var re: JSONValue?
            var object = JSONValue.null
            do throws(ProtocolError) {
                if mode == .json {
                    // Parsed before the rate limit, so that a refusal answers its request.
                    let parsed = try? JSONValue.parse(text)
                    re = parsed?["id"]
                    let user = try gatewayUser(parsed)
                    if let user {
                        speaking = (user, nil)
                        speakingAgency = parsed?["agency"]?.string
                    }
                    guard user.map({ gatewayUsers.allow($0) }) ?? limiter.allow() else { throw .rateLimited }
                    guard let parsed, case .object = parsed else { throw ProtocolError.badJSON }
                    object = parsed
                } else {
                    guard limiter.allow() else { throw .rateLimited }
                    guard !text.utf8.contains(0) else { throw .badRequest("Dòng chứa ký tự NUL.") }
                }
            } catch {
                return self.error(error, re: error.code == "bad-json" ? nil : re)
            }
            // A gateway whose token was revoked speaks for no one: told, and the link closed.
            if let refusal = await recheckGateway(re: re) { return refusal }
            // A handler whose token was revoked or expired is told so before anything else.
            if let refusal = await recheckHandler(re: re) { return refusal }
            let request: Request
            do throws(ProtocolError) {
                request = mode == .json ? try JSONCodec.request(object) : try TextCodec.request(text)
            } catch {
                // Who may make a request is told before what is wrong with its fields: an asker
                // who mistypes a handler's command learns it is the handlers'.
                let meant = mode == .json ? try? JSONCodec.request(object, lenient: true) : try? TextCodec.request(text, lenient: true)
                if let meant, let refusal = refusal(for: meant) { return self.error(refusal, re: re) }
                return self.error(error, re: re)
            }
            do {
                if gateway == nil, mode == .json, object["user"] != nil, !request.isHello {
                    // Only a gateway speaks for a channel's user.
                    throw ProtocolError.notAllowed
                }
                if gateway != nil {
                    // What a gateway may not do is said before a missing user.
                    if let refusal = refusal(for: request) { throw refusal }
                    try await enterGatewayUser(for: request)
                    do {
                        return encode(try await execute(request), to: request, re: re)
                    } catch let failure as StoreError where failure.isUnknownConversation {
                        // The user's conversation was erased (`motcua privacy erase`, retention)
                        // while the link remembered it: nothing of the request was stored, so it
                        // goes once more, in the conversation the user starts now.
                        guard let user = speaking?.user else { throw failure }
                        gatewayUsers.forget(user)
                        try await enterGatewayUser(for: request)
                    }
                }
                return encode(try await execute(request), to: request, re: re)
            } catch let failure as ProtocolError {
                return error(failure, re: re)
            } catch let failure as EscalationError {
                return error(ProtocolError(failure), re: re)
            } catch let failure as ReportPeriod.Invalid {
                return error(.badRequest(failure.description), re: re)
            } catch let failure as StoreError where failure.isUnknownConversation {
                return error(.unknownConversation, re: re)
            } catch {
                return self.error(.unavailable, re: re)
            }
        }
    }

    /// A response in this session's mode.
    func encode(_ response: Response, to request: Request, re: JSONValue?) -> SessionOutput {
        let now = service.clock.now
        switch mode {
        case .json:
            var output = JSONCodec.output(response, re: re, now: now, user: speaking?.user)
            if case .nothing = response { output.alive = true }
            if case .gatewayLoggedIn = response { output.gatewayLink = true }
            return output
        case .text, .undecided:
            return TextCodec.output(response, to: request, context: .init(now: now, review: desk?.configuration.review ?? false))
        }
    }

    /// The transport wrote `output` to a connection still open: the replies it carried to a
    /// client that cannot acknowledge them are delivered now.
    package func written(_ output: SessionOutput) async {
        guard let desk = service.escalation, let conversation, !output.deliveredOnWrite.isEmpty else { return }
        for delivery in output.deliveredOnWrite {
            try? await desk.acknowledge(delivery: delivery, conversation: conversation)
        }
    }

    // MARK: - Conversation

    /// The conversation a request acts in: the gateway user's, or the connection's.
    var activeConversation: String? { gateway != nil ? speaking?.conversation : conversation }

    /// The conversation to use, starting an anonymous one if the client has none yet.
    func currentConversation() async throws -> (id: String, started: Bool) {
        if gateway != nil {
            guard let conversation = speaking?.conversation else { throw ProtocolError.missingField("user") }
            return (conversation, false)
        }
        if let conversation { return (conversation, false) }
        let (record, _) = try await service.open(ConversationIdentity())
        conversation = record.id
        return (record.id, true)
    }


    /// Checks, before a request, that a logged-in handler's token still works; a revoked or
    /// expired one ends the handler's session here (the connection goes on as an asker's).
    /// - Returns: the refusal to send, or nil to go on.
    func recheckHandler(re: JSONValue?) async -> SessionOutput? {
        guard let handler, let desk = service.escalation else { return nil }
        do {
            if let current = try await desk.stillActive(handler) {
                if current != handler { self.handler = current }
                return nil
            }
            self.handler = nil
            return error(.sessionEnded, re: re)
        } catch {
            return self.error(.unavailable, re: re)
        }
    }

    func error(_ error: ProtocolError, re: JSONValue?) -> SessionOutput {
        mode == .json ? SessionOutput(lines: [error.json(re: re, user: speaking?.user)]) : TextCodec.output(error)
    }
}
