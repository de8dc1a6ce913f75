import Dialogue
import Foundation
import Retrieval
import Wire

/// The executor: one branch a request, whatever the mode it came in. What the request needs
/// (the desk, a logged-in handler) is checked first; what it does is the dialogue's, the
/// desk's or the catalogue's; what it returns is a `Response` for the mode's codec.
extension ChatSession {
    var desk: EscalationService? { service.escalation }

    /// Why this session may not make `request` (nil: it may).
    func refusal(for request: Request) -> ProtocolError? {
        if request.needsDesk, desk == nil { return .notAvailable }
        if gateway != nil { return gatewayRefusal(for: request) }
        if request.needsHandler, handler == nil { return .notAllowed }
        // A channel's user is spoken for by its gateway alone: anyone else resumes a
        // conversation only by its unguessable id.
        if case .hello(let identity) = request, identity.channel != nil { return .notAllowed }
        return nil
    }

    func execute(_ request: Request) async throws -> Response {
        if let refusal = refusal(for: request) { throw refusal }
        switch request {
        case .hello(let identity):
            if let id = identity.conversation, identity.channel == nil, try await service.store.conversation(id) == nil {
                throw ProtocolError.unknownConversation
            }
            let (record, resumed) = try await service.open(identity)
            enter(record)
            return .welcome(conversation: record.id, resumed: resumed, pending: await pending())
        case .resume(let id):
            guard let record = try await service.store.conversation(id) else { throw ProtocolError.unknownConversation }
            enter(record)
            return .resumed(conversation: record.id, pending: await pending())
        case .help:
            // Not a message of the conversation: the same text whenever it is asked.
            return .help(handler != nil ? Self.handlerHelp : gateway != nil ? SmallTalk.gatewayHelpText : SmallTalk.helpText)
        case .say, .pick, .more, .feedback, .escalate:
            return try await converse(request)
        case .docs(let query, let filter, let limit):
            guard let catalogue = service.catalogue else { throw ProtocolError.notAvailable }
            return .documents(catalogue.search(query, filter: filter, limit: limit), query: query)
        case .quit:
            return .bye
        case .whoami:
            return .identity(conversation: activeConversation, handler: handler, gateway: gateway)
        case .ping:
            return .pong
        case .pong:
            return .nothing
        default:
            return try await executeDesk(request, desk: desk!)
        }
    }

    /// A message to the dialogue, in the conversation (started now if the client has none).
    func converse(_ request: Request) async throws -> Response {
        let input: DialogueInput
        var kind: TicketKind?
        switch request {
        case .say(let text): input = .say(text)
        case .pick(let number): input = .pick(number)
        case .more: input = .more
        case .feedback(let helpful): input = .feedback(helpful: helpful)
        case .escalate(let text, let ticketKind):
            input = .human(text)
            kind = ticketKind
        default: throw ProtocolError.unknownType("\(request)")
        }
        guard let stored = request.storedMessage else { throw ProtocolError.unknownType("\(request)") }
        let (id, started) = try await currentConversation()
        let reply = try await service.handle(input, incoming: StoredMessage(direction: .incoming, kind: stored.kind, text: stored.text),
                                             in: id, kind: kind, origin: gateway != nil ? nil : origin)
        var documents: [CatalogueDocument] = []
        if case .answer(let answer) = reply, let catalogue = service.catalogue {
            documents = answer.refs.compactMap(catalogue.document)
        }
        return .dialogue(reply, started: started ? id : nil, documents: documents,
                         pending: gateway != nil ? await pending() : [])
    }

    /// The desk's requests: an asker's acknowledgments and ratings, a handler's work.
    func executeDesk(_ request: Request, desk: EscalationService) async throws -> Response {
        switch request {
        case .login(let token) where HandlerTokens.parse(token, prefix: HandlerTokens.gatewayPrefix) != nil:
            // Said before the token is looked at: the answer tells nothing about the token.
            guard mode == .json else {
                throw ProtocolError.badRequest("Cổng nhắn tin đăng nhập ở chế độ JSON (dòng đầu tiên là một đối tượng JSON).")
            }
            guard let gateway = await desk.loginGateway(token: token, source: source) else { throw ProtocolError.badToken }
            guard handler == nil, conversation == nil else { throw ProtocolError.notAllowed }
            self.gateway = gateway
            gatewayCheckedAt = desk.now()
            // The channel's replies not yet acknowledged, oldest first, a page at a time: what
            // was written while the adapter was down or its link gone reaches its user now.
            let page = try await desk.pending(channel: gateway.channel, after: 0)
            return .gatewayLoggedIn(gateway, pending: page, more: page.count == EscalationService.backlogPage)
        case .backlog(let after):
            guard let gateway else { throw ProtocolError.notAllowed }
            let page = try await desk.pending(channel: gateway.channel, after: after)
            return .backlog(page, more: page.count == EscalationService.backlogPage)
        case .login(let token):
            guard let handler = await desk.login(token: token, source: source) else { throw ProtocolError.badToken }
            self.handler = handler
            return .loggedIn(handler)
        case .ack(let delivery):
            guard let conversation = activeConversation else { throw ProtocolError.unknownDelivery }
            try await desk.acknowledge(delivery: delivery, conversation: conversation)
            return .delivery(delivery)
        case .undeliverable(let delivery, let reason, let attempts):
            guard let conversation = activeConversation else { throw ProtocolError.unknownDelivery }
            try await desk.undeliverable(delivery: delivery, conversation: conversation, reason: reason, attempts: attempts)
            return .delivery(delivery)
        case .tickets:
            guard let conversation = activeConversation else { return .tickets([]) }
            return .tickets(try await desk.tickets(conversation: conversation))
        case .rate(let ticket, let score, let comment):
            guard let conversation = activeConversation else { throw EscalationError.unknownTicket(ticket) }
            try await desk.rate(conversation: conversation, ticket: ticket, score: score, comment: comment)
            return .rated(ticket: ticket)
        default:
            break
        }
        let handler = self.handler!
        switch request {
        case .queue(let status):
            return .queue(try await desk.queue(for: handler, status: status))
        case .show(let ticket):
            return .detail(try await desk.show(ticket, for: handler))
        case .claim(let ticket):
            return .ticket(try await desk.claim(ticket, by: handler), delivery: nil)
        case .reply(let ticket, let text, let reusable):
            let (answered, delivery) = try await desk.reply(ticket, by: handler, text: text, reusable: reusable)
            try await service.endDetails(of: answered)
            return .ticket(answered, delivery: delivery.id)
        case .update(let ticket, let text):
            let (updated, delivery) = try await desk.update(ticket, by: handler, text: text)
            return .ticket(updated, delivery: delivery.id)
        case .ask(let ticket, let text):
            let (waiting, delivery) = try await service.ask(ticket, by: handler, text: text)
            return .ticket(waiting, delivery: delivery.id)
        case .note(let ticket, let text):
            return .ticket(try await desk.note(ticket, by: handler, text: text), delivery: nil)
        case .transfer(let ticket, let unit):
            let transferred = try await desk.transfer(ticket, by: handler, to: unit)
            try await service.endDetails(of: transferred)
            return .ticket(transferred, delivery: nil)
        case .setKind(let ticket, let kind):
            return .ticket(try await desk.setKind(ticket, by: handler, to: kind), delivery: nil)
        case .close(let ticket):
            let closed = try await desk.close(ticket, by: handler)
            try await service.endDetails(of: closed)
            return .ticket(closed, delivery: nil)
        case .reopen(let ticket):
            let reopened = try await desk.reopen(ticket, by: handler)
            try await service.endDetails(of: reopened)
            return .ticket(reopened, delivery: nil)
        case .editEntry(let kb, let question, let answer):
            return .entry(kb: try await desk.editEntry(kb, by: handler, question: question, answer: answer).id)
        case .retireEntry(let kb):
            try await desk.retireEntry(kb, by: handler)
            return .entry(kb: kb)
        case .stats(let since, let until, let unit):
            let period = try ReportPeriod.resolve(since: since, until: until, now: desk.now())
            return .stats(try await desk.report(for: handler, period: period, unit: unit))
        case .search(let query):
            return .found(try await desk.search(tickets: query, for: handler), query: query)
        case .presence(let ticket, let state):
            // The hub key names the page; a connection that cannot hear pushes has none.
            guard let subscription else { throw ProtocolError.notAvailable }
            return .presence(ticket: ticket,
                             viewers: try await desk.presence(state, ticket: ticket, by: handler, connection: subscription))
        case .proposeEntry(let ticket, let question, let answer):
            return .entry(kb: try await desk.proposeDraft(fromTicket: ticket, by: handler, question: question, answer: answer).kb)
        case .review:
            let drafts = try await desk.drafts(for: handler)
            // The oldest first, as many as fit in half a megabyte (each may hold a whole
            // question and answer), a hundred at most: a line any client can take.
            var shown: [DraftEntry] = []
            var bytes = 0
            for draft in drafts.prefix(100) {
                bytes += draft.question.utf8.count + draft.answer.utf8.count + 200
                if bytes > 512 * 1024, !shown.isEmpty { break }
                shown.append(draft)
            }
            return .review(shown, remaining: drafts.count - shown.count)
        case .approve(let kb, let question, let answer):
            return .entry(kb: try await desk.approve(kb, by: handler, question: question, answer: answer).id)
        case .reject(let kb):
            try await desk.reject(kb, by: handler)
            return .entry(kb: kb)
        default:
            throw ProtocolError.unknownType("\(request)")
        }
    }

    /// The connection is in this conversation now.
    func enter(_ record: ConversationRecord) {
        conversation = record.id
    }

    /// Replies still waiting for this conversation (after a resume; to a gateway, with each
    /// message of its user: a reply Zalo could not take goes out when the user writes again).
    func pending() async -> [Delivery] {
        guard let desk, let conversation = activeConversation else { return [] }
        // To a gateway, with each message: a few (the oldest), so that a long backlog does not
        // ride on every answer; its login pages through the rest.
        let pending = (try? await desk.pending(conversation: conversation, limit: gateway != nil ? 20 : 1_000)) ?? []
        // Only a gateway is told which of a channel's users a reply is for.
        return gateway != nil ? pending : pending.map { delivery in
            var delivery = delivery
            delivery.user = nil
            return delivery
        }
    }

    /// What `/help` (and `help`) shows a logged-in handler.
    static let handlerHelp = """
        Lệnh của cán bộ xử lý phiếu:
          /queue [new|assigned|answered|closed]   phiếu của đơn vị (mặc định: phiếu đang mở, hạn sớm trước)
          /show N                  phiếu N: trao đổi trước đó, lịch sử, câu trả lời tương tự
          /claim N                 nhận xử lý phiếu N
          /reply N nội dung        trả lời người hỏi (câu trả lời vào cơ sở tri thức sau khi được duyệt)
          /replyonce N nội dung    trả lời riêng người hỏi, không đưa vào cơ sở tri thức
          /update N nội dung       báo tiến độ cho người hỏi (phiếu vẫn mở)
          /ask N câu hỏi           hỏi thêm người hỏi (phiếu chờ người hỏi bổ sung)
          /note N nội dung         ghi chú nội bộ (người hỏi không thấy)
          /transfer N ĐƠN_VỊ       chuyển phiếu sang đơn vị khác
          /kind N loại             đổi loại: câu hỏi, kiến nghị, phản ánh, xin ý kiến
          /close N, /reopen N      đóng, mở lại phiếu
          /search từ hoặc số phiếu  tìm trong mọi phiếu của đơn vị
          /review                  câu trả lời chờ duyệt (người duyệt, quản trị)
          /review approve MÃ [nội dung sửa lại], /review reject MÃ
          /kb edit MÃ nội dung, /kb retire MÃ   sửa, gỡ một mục của cơ sở tri thức
          /docs số hiệu hoặc từ    tìm văn bản
          /whoami                  cán bộ nào đang đăng nhập
          /quit                    thoát
        """
}
