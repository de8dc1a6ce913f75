import Dialogue
import Foundation
import Wire

/// What the desk pushes to this connection on its own — replies to its conversation, and for a
/// handler tickets, drafts and a sign-out — written in the session's mode.
extension ChatSession {
    /// (Re)registers this connection with the desk's hub for what it should hear now: replies
    /// to its conversation, and, for a handler, new tickets of their unit (all for an admin)
    /// and, for a reviewer, drafts.
    func listen() {
        guard let desk, let push else { return }
        let hub = desk.hub
        let interest = EventHub.Interest(conversation: gateway == nil ? conversation : nil, handler: handler?.id,
                                         unit: handler?.unit, admin: handler?.admin ?? false,
                                         reviewer: handler?.reviewer ?? false, gateway: gateway?.id, channel: gateway?.channel)
        if let subscription {
            hub.update(subscription, interest)
            return
        }
        let mode = self.mode
        let link = self.link
        let end = self.end
        subscription = hub.subscribe(interest) { event in
            // A text-mode client cannot acknowledge: a reply counts as delivered once written to it.
            var delivered: (@Sendable () -> Void)?
            if mode != .json, case .reply(let delivery) = event {
                delivered = { Task { try? await desk.acknowledge(delivery: delivery.id, conversation: delivery.conversation) } }
            }
            let revokedLink = if case .gatewayRevoked = event { true } else { false }
            if revokedLink { link.revoked.store(true, ordering: .relaxed) }
            var event = event
            // Only a gateway is told which of a channel's users a reply is for.
            if case .reply(var delivery) = event, !link.isGateway.load(ordering: .relaxed) {
                delivery.user = nil
                event = .reply(delivery)
            }
            push(Self.render(event, mode: mode, now: desk.now()), delivered)
            // A revoked gateway's link speaks for no one: told, then closed.
            if revokedLink { end?() }
        }
    }

    /// The lines of a pushed event.
    static func render(_ event: DeskEvent, mode: Mode, now: Date) -> [String] {
        switch (event, mode) {
        case (.reply(let delivery), .json):
            return [JSONValue.object(DeskWire.reply(delivery)).encoded()]
        case (.gatewayRevoked, .json):
            return [JSONValue.object(["type": "signed-out", "role": "gateway", "reason": "revoked"]).encoded()]
        case (.gatewayRevoked, _):
            return []
        case (.ticket(let ticket, let notice), .json):
            var object = DeskWire.summary(ticket, now: now)
            object["type"] = "ticket"
            object["reason"] = .string(notice.rawValue)
            return [JSONValue.object(object).encoded()]
        case (.draft(let draft), .json):
            var object = DeskWire.draft(draft)
            object["type"] = "draft"
            return [JSONValue.object(object).encoded()]
        case (.presence(let change), .json):
            return [JSONValue.object(DeskWire.presence(ticket: change.ticket, viewers: change.viewers)).encoded()]
        case (.presence, _):
            // A terminal has no page to show it on.
            return []
        case (.signedOut(_, let reason), .json):
            return [JSONValue.object(["type": "signed-out", "reason": .string(reason.rawValue)]).encoded()]
        case (.reply(let delivery), _):
            return TextWire.frame(DeskText.reply(delivery))
        case (.ticket(let ticket, let notice), _):
            return TextWire.frame([DeskText.notice(notice) + DeskText.summary(ticket, now: now)])
        case (.draft(let draft), _):
            return TextWire.frame(["Câu trả lời chờ duyệt: [\(draft.kb)] phiếu số \(draft.ticket) — \(draft.question)",
                                   "(Gõ /review để xem, /review approve \(draft.kb) để duyệt.)"])
        case (.signedOut(_, let reason), _):
            return TextWire.frame([reason == .revoked ? "Phiên đăng nhập đã kết thúc: mã đăng nhập đã bị thu hồi."
                : "Phiên đăng nhập đã kết thúc: mã đăng nhập đã hết hạn."])
        }
    }
}
