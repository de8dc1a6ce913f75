import Retrieval

/// A store several daemons share (PostgreSQL): each daemon hears what the others changed —
/// new tickets, replies, drafts and ticket notices for its live connections, knowledge for its
/// index — from a change log kept in the store, in order, so that nothing depends on a
/// notification arriving.
package protocol SharedStore: Sendable {
    /// Marks where this daemon's view of the store begins: call it before loading the index,
    /// and `follow` applies every change logged after it.
    func markPosition() async throws

    /// Runs until cancelled: hands each change another daemon (or a command) made to `apply`,
    /// in the order they were made, at once on notification and within a second otherwise.
    func follow(_ apply: @escaping @Sendable (StoreChange) async -> Void) async

    /// Tells the other daemons of an event this daemon published that the store did not log
    /// itself when it wrote the change (a ticket transferred, reopened, owing news, …).
    func relay(_ event: DeskEvent) async
}

/// What another daemon changed.
package enum StoreChange: Sendable {
    /// An event for this daemon's live connections.
    case desk(DeskEvent)
    /// A knowledge entry saved (its current content) or retired (nil).
    case knowledge(id: String, entry: KnowledgeEntry?)
}
