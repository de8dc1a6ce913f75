import Dialogue

/// Every request a client of the daemon can make — an asker's, a handler's — whatever the wire
/// it came on: decoded from a JSON object (`JSONCodec.request`) or a text-mode line
/// (`TextCodec.request`), carried out by the session (`ChatSession.execute`), answered with a
/// `Response` that each mode's codec writes. Adding a request is one case here, one branch of
/// the executor, and its lines in the two codecs.
package enum Request: Sendable, Hashable {
    // MARK: Askers
    /// Binds the connection to a conversation (by id, or by channel and user), or starts one.
    case hello(ConversationIdentity)
    /// Text mode's `/resume ID`.
    case resume(conversation: String)
    /// A message to the bot.
    case say(String)
    /// Picks suggestion `n`.
    case pick(Int)
    /// The next alternative answer.
    case more
    /// Whether the last answer helped.
    case feedback(helpful: Bool)
    /// Hands the question (or the last one) to the unit in charge.
    case escalate(text: String?, kind: TicketKind?)
    /// How to use the desk (a handler's commands, once logged in).
    case help
    /// Searches the document catalogue.
    case docs(query: String, filter: DocumentCatalogue.Filter, limit: Int)
    /// Ends the session.
    case quit
    /// The unit's reply with this delivery id arrived.
    case ack(delivery: Int)
    /// A gateway could not deliver this reply (yet): why, and after how many attempts.
    case undeliverable(delivery: Int, reason: String?, attempts: Int)
    /// The asker's tickets and their statuses.
    case tickets
    /// A gateway's next page of its channel's unacknowledged replies, after delivery `after`.
    case backlog(after: Int)
    /// Is the other end alive? (answered with `pong`; either end may ask)
    case ping
    /// The answer to the daemon's `ping`: nothing is answered, the link is alive.
    case pong
    /// Rates the answer to one of the asker's tickets.
    case rate(ticket: Int, score: Int, comment: String?)

    // MARK: Handlers
    /// Logs in with a handler token.
    case login(token: String)
    /// Says who the connection is: the conversation it is in, the handler logged in.
    case whoami
    /// The unit's tickets.
    case queue(status: TicketStatus?)
    case show(ticket: Int)
    case claim(ticket: Int)
    case reply(ticket: Int, text: String, reusable: Bool)
    /// A progress update to the asker of an open ticket.
    case update(ticket: Int, text: String)
    /// Asks the asker for details (the ticket waits for them).
    case ask(ticket: Int, text: String)
    case note(ticket: Int, text: String)
    case transfer(ticket: Int, unit: String)
    case setKind(ticket: Int, kind: TicketKind)
    case close(ticket: Int)
    case reopen(ticket: Int)
    case editEntry(kb: String, question: String?, answer: String?)
    case retireEntry(kb: String)
    /// The report for the handler's unit (all units for an admin, or the one an admin names).
    case stats(since: String?, until: String?, unit: String?)
    /// Searches all the unit's tickets (words, or a ticket number).
    case search(query: String)
    /// What the handler's page is doing on a ticket (the console's "who else is here").
    case presence(ticket: Int, state: PresenceState)
    /// Proposes a knowledge-base entry for a group of questions (named by one of its tickets).
    case proposeEntry(ticket: Int, question: String, answer: String)
    /// The drafts waiting for review.
    case review
    case approve(kb: String, question: String?, answer: String?)
    case reject(kb: String)

    /// Only a logged-in handler may make it.
    package var needsHandler: Bool {
        switch self {
        case .queue, .show, .claim, .reply, .update, .ask, .note, .transfer, .setKind, .close, .reopen, .editEntry, .retireEntry,
             .stats, .review, .approve, .reject, .search, .presence, .proposeEntry:
            true
        default:
            false
        }
    }

    /// It needs the escalation desk (refused with `not-available` by a server without it).
    package var needsDesk: Bool {
        switch self {
        case .login, .ack, .undeliverable, .rate, .tickets, .backlog: true
        default: needsHandler
        }
    }

    /// How the request is kept in the conversation when it goes to the dialogue: kind and
    /// text. Feedback is kept in one form however it was typed (`/Yes`, `/yes`, `helpful`).
    package var storedMessage: (kind: String, text: String)? {
        switch self {
        case .say(let text): ("say", text)
        case .pick(let number): ("pick", "\(number)")
        case .more: ("more", "")
        case .feedback(let helpful): ("feedback", helpful ? "helpful" : "not helpful")
        case .escalate(let text, _): ("escalate", text ?? "")
        default: nil
        }
    }
}

/// What the daemon answers a request with, before a codec writes it for its mode.
package enum Response: Sendable {
    /// `hello`: the conversation, whether it existed, and the replies that waited for it.
    case welcome(conversation: String, resumed: Bool, pending: [Delivery])
    /// Text mode's `/resume`: the replies that waited.
    case resumed(conversation: String, pending: [Delivery])
    /// The bot's reply; `started` names a conversation begun by this message; the documents the
    /// answer cites; to a gateway, the replies its user has not acknowledged yet (sent first).
    case dialogue(DialogueReply, started: String?, documents: [CatalogueDocument], pending: [Delivery] = [])
    /// Catalogue documents found.
    case documents([CatalogueDocument], query: String)
    /// A help text that is not the dialogue's (a handler's commands).
    case help(String)
    /// The session ends.
    case bye
    /// A handler logged in.
    case loggedIn(Handler)
    /// A gateway logged in, with the first page of its channel's replies not yet acknowledged,
    /// oldest first; `more`: another page waits (`backlog`).
    case gatewayLoggedIn(Gateway, pending: [Delivery], more: Bool)
    /// A page of a gateway channel's unacknowledged replies.
    case backlog([Delivery], more: Bool)
    /// Who the connection is.
    case identity(conversation: String?, handler: Handler?, gateway: Gateway?)
    /// The asker's tickets, newest first.
    case tickets([Ticket])
    /// The answer to a `ping`.
    case pong
    /// Nothing to answer (a `pong`).
    case nothing
    /// A delivery acknowledged or marked undeliverable.
    case delivery(Int)
    /// A rating stored.
    case rated(ticket: Int)
    /// A ticket changed (with the delivery of a reply or update sent with it).
    case ticket(Ticket, delivery: Int?)
    /// A knowledge-base entry changed, approved or rejected.
    case entry(kb: String)
    case queue([Ticket])
    case detail(TicketDetail)
    case stats(Report)
    /// Drafts waiting for review, and how many more wait.
    case review([DraftEntry], remaining: Int)
    /// Tickets a search found, newest first.
    case found([Ticket], query: String)
    /// Who is on a ticket's page now.
    case presence(ticket: Int, viewers: [Viewer])
}
