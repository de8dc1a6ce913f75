import Dialogue
import Foundation
import Synchronization
import Wire

/// A gateway's link (docs/PROTOCOL.md, "Gateways"): after `login` with a gateway token, every
/// request names the `user` it is for — the external id on the gateway's channel — and is
/// carried out in that user's conversation, within that user's rate limit; every line back
/// carries the same `user`. Only such a link may speak for a channel's user.
extension ChatSession {
    /// Longest external user id a gateway may name.
    static let maximumUserBytes = 128

    /// The `user` a gateway's request names (nil: none, or not a gateway's link).
    /// - Throws: `bad-request` for a user that is not a short printable string.
    func gatewayUser(_ object: JSONValue?) throws(ProtocolError) -> String? {
        guard gateway != nil, let value = object?["user"] else { return nil }
        // No control, format (bidi, zero-width) or separator characters: an id shows as what it is.
        guard let user = value.string, user.hasVisibleText, user.utf8.count <= Self.maximumUserBytes,
            !user.unicodeScalars.contains(where: {
                [.control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned]
                    .contains($0.properties.generalCategory)
            })
        else {
            throw .badRequest("\"user\" phải là chuỗi từ 1 đến \(Self.maximumUserBytes) byte, không có ký tự điều khiển.")
        }
        return user
    }

    /// Before each of a gateway's requests: a token revoked (the hub said so, or the store says
    /// so at the check made at most once a second) ends the link.
    /// - Returns: the refusal to send (the connection then closes), or nil to go on.
    func recheckGateway(re: JSONValue?) async -> SessionOutput? {
        guard let gateway, let desk else { return nil }
        var revoked = link.revoked.load(ordering: .relaxed)
        let now = desk.now()
        if !revoked, now.timeIntervalSince(gatewayCheckedAt) >= 1 || now < gatewayCheckedAt {
            do {
                revoked = !(try await desk.stillActive(gateway))
                gatewayCheckedAt = now
            } catch {
                return self.error(.unavailable, re: re)
            }
        }
        guard revoked else { return nil }
        self.gateway = nil
        var output = error(.sessionEnded, re: re)
        output.close = true
        return output
    }

    /// Binds the request being handled to its gateway user's conversation (found once, then
    /// remembered). Requests about the link itself need no user.
    func enterGatewayUser(for request: Request) async throws {
        guard let gateway else { return }
        switch request {
        case .ping, .pong, .whoami, .quit, .help, .backlog: return
        default: break
        }
        guard let user = speaking?.user else { throw ProtocolError.missingField("user") }
        if let known = gatewayUsers.conversation(of: user) {
            speaking = (user, known)
            return
        }
        // The user's agency, where the gateway's profile of them gives one (for the figures by
        // province): recorded when the daemon first meets the user on this link.
        let agency = speakingAgency.flatMap { agency in
            agency.hasVisibleText && agency.utf8.count <= 200
                && !agency.unicodeScalars.contains { $0.properties.generalCategory == .control } ? agency : nil
        }
        let (record, _) = try await service.open(ConversationIdentity(channel: gateway.channel, user: user, agency: agency))
        gatewayUsers.remember(record.id, of: user)
        speaking = (user, record.id)
    }

    /// Why a gateway's link may not make `request` (nil: it may).
    func gatewayRefusal(for request: Request) -> ProtocolError? {
        switch request {
        case .hello, .resume, .login: .notAllowed
        default: request.needsHandler ? .notAllowed : nil
        }
    }
}

extension Request {
    /// A `hello` (which names its identity in its own fields).
    var isHello: Bool {
        if case .hello = self { true } else { false }
    }
}

/// What a session's pushes, written from any thread, know of its gateway link.
final class GatewayLinkFlags: Sendable {
    /// The link is a logged-in gateway's.
    let isGateway = Atomic<Bool>(false)
    /// The hub said the gateway's token was revoked.
    let revoked = Atomic<Bool>(false)
}
