import Foundation
import Synchronization

/// Caps on the tickets one conversation, and one client address, may raise in an hour, so that
/// a script typing lines cannot bury a unit in tickets. Counted in memory over a sliding hour
/// (a restart forgets the counts, which errs on the side of the asker); each key keeps at most
/// its cap of timestamps, and keys whose hour has passed are dropped, so memory stays bounded.
package final class TicketQuota: Sendable {
    /// The caps; 0 turns one off.
    package struct Limits: Sendable, Hashable {
        /// Tickets a conversation may raise in an hour.
        package var perConversation = 10
        /// Tickets the conversations of one client address may raise in an hour. Conversations
        /// a gateway carries (bound to a channel and user) are counted per conversation only:
        /// a gateway's users all share its address.
        package var perAddress = 30

        /// The defaults.
        package init() {}
    }

    private struct Window {
        var times: [Date] = []

        mutating func prune(before cutoff: Date) {
            if let first = times.firstIndex(where: { $0 > cutoff }) {
                times.removeFirst(first)
            } else {
                times.removeAll()
            }
        }
    }

    private struct State {
        var conversations: [String: Window] = [:]
        var addresses: [String: Window] = [:]
        var lastSweep = Date.distantPast
    }

    /// The caps in force.
    package let limits: Limits
    private let state = Mutex(State())
    static let hour: TimeInterval = 3600

    /// Creates the counters.
    package init(limits: Limits) {
        self.limits = limits
    }

    /// Takes one ticket from the conversation's and the address's allowance, or says which cap
    /// refuses it (then nothing is taken).
    /// - Parameter address: the client's address; nil for a gateway's conversation or stdin.
    /// - Returns: nil when allowed, else the cap that was reached.
    package func take(conversation: String, address: String?, at now: Date) -> Int? {
        let cutoff = now.addingTimeInterval(-Self.hour)
        return state.withLock { state -> Int? in
            if now.timeIntervalSince(state.lastSweep) > 60 {
                state.conversations = state.conversations.filter { ($0.value.times.last ?? .distantPast) > cutoff }
                state.addresses = state.addresses.filter { ($0.value.times.last ?? .distantPast) > cutoff }
                state.lastSweep = now
            }
            var conversationWindow = state.conversations[conversation] ?? Window()
            conversationWindow.prune(before: cutoff)
            if limits.perConversation > 0, conversationWindow.times.count >= limits.perConversation {
                return limits.perConversation
            }
            if let address, limits.perAddress > 0 {
                var addressWindow = state.addresses[address] ?? Window()
                addressWindow.prune(before: cutoff)
                guard addressWindow.times.count < limits.perAddress else { return limits.perAddress }
                addressWindow.times.append(now)
                state.addresses[address] = addressWindow
            }
            if limits.perConversation > 0 {
                conversationWindow.times.append(now)
                state.conversations[conversation] = conversationWindow
            }
            return nil
        }
    }

    /// Gives back a ticket taken for an escalation that was not stored.
    package func giveBack(conversation: String, address: String?) {
        state.withLock { state in
            _ = state.conversations[conversation]?.times.popLast()
            if let address { _ = state.addresses[address]?.times.popLast() }
        }
    }
}
