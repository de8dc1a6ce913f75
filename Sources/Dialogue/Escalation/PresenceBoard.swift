import Foundation
import Synchronization

/// Someone on a ticket's page now: who, and whether they are writing to it.
package struct Viewer: Sendable, Hashable {
    package var handler: String
    package var name: String
    package var typing: Bool

    /// Creates a viewer.
    package init(handler: String, name: String, typing: Bool) {
        self.handler = handler
        self.name = name
        self.typing = typing
    }
}

/// What a handler's page says of a ticket: open on screen, being written to, or left.
package enum PresenceState: String, Sendable, Hashable, CaseIterable {
    case viewing
    case typing
    case left
}

/// A ticket's viewers changed: the handlers of its unit are told who is on it now.
package struct PresenceChange: Sendable, Hashable {
    package var ticket: Int
    package var unit: String
    package var viewers: [Viewer]
}

/// Who has which ticket open, so that no two people answer the same question unawares. Kept in
/// memory (it is about this minute only): a page says `viewing` while it is open (again every
/// few seconds) and `typing` while its reply box is being written in; a seat not renewed goes
/// after `viewingFor` (typing after `typingFor`), and a connection's seats go with it.
package final class PresenceBoard: Sendable {
    /// How long `viewing` holds without being said again.
    package static let viewingFor: TimeInterval = 30
    /// How long `typing` holds without a keystroke.
    package static let typingFor: TimeInterval = 6
    /// Tickets one connection may sit on at once (a page has one; a script cannot fill memory).
    static let seatsPerConnection = 8

    private struct Seat {
        var handler: String
        var name: String
        var unit: String
        var until: Date
        var typingUntil: Date?
    }

    /// Ticket → connection → seat.
    private let seats = Mutex<[Int: [Int: Seat]]>([:])

    /// Creates an empty board.
    package init() {}

    /// Records what `connection`'s handler is doing on `ticket` (of `unit`).
    /// - Returns: the ticket's viewers now, and whether that changed what others see.
    package func set(_ state: PresenceState, ticket: Int, unit: String, connection: Int, handler: Handler,
                     now: Date) -> (viewers: [Viewer], changed: Bool)
    {
        seats.withLock { board in
            let before = Self.viewers(board[ticket], now: now)
            switch state {
            case .left:
                board[ticket]?[connection] = nil
            case .viewing, .typing:
                if board[ticket]?[connection] == nil,
                    board.values.reduce(0, { $0 + ($1[connection] == nil ? 0 : 1) }) >= Self.seatsPerConnection
                {
                    // The oldest seat of this connection gives way.
                    if let oldest = board.filter({ $0.value[connection] != nil })
                        .min(by: { $0.value[connection]!.until < $1.value[connection]!.until })?.key
                    {
                        board[oldest]?[connection] = nil
                    }
                }
                var seat = board[ticket]?[connection]
                    ?? Seat(handler: handler.id, name: handler.name, unit: unit, until: now, typingUntil: nil)
                seat.until = now.addingTimeInterval(Self.viewingFor)
                seat.typingUntil = state == .typing ? now.addingTimeInterval(Self.typingFor) : nil
                board[ticket, default: [:]][connection] = seat
            }
            if board[ticket]?.isEmpty == true { board[ticket] = nil }
            let after = Self.viewers(board[ticket], now: now)
            return (after, after != before)
        }
    }

    /// Takes away every seat of a connection that closed.
    /// - Returns: the tickets whose viewers changed.
    package func leave(connection: Int, now: Date) -> [PresenceChange] {
        seats.withLock { board in
            var changes: [PresenceChange] = []
            for (ticket, sitting) in board where sitting[connection] != nil {
                let unit = sitting[connection]!.unit
                board[ticket]?[connection] = nil
                if board[ticket]?.isEmpty == true { board[ticket] = nil }
                changes.append(PresenceChange(ticket: ticket, unit: unit, viewers: Self.viewers(board[ticket], now: now)))
            }
            return changes
        }
    }

    /// Lets go of seats not renewed in time and of typing that stopped.
    /// - Returns: the tickets whose viewers changed.
    package func expire(now: Date) -> [PresenceChange] {
        seats.withLock { board in
            var changes: [PresenceChange] = []
            for (ticket, sitting) in board {
                let before = Self.viewers(sitting, now: .distantPast)
                var kept = sitting.filter { $0.value.until > now }
                for (key, seat) in kept where seat.typingUntil.map({ $0 <= now }) == true { kept[key]?.typingUntil = nil }
                board[ticket] = kept.isEmpty ? nil : kept
                let after = Self.viewers(kept, now: now)
                if after != before, let unit = sitting.first?.value.unit {
                    changes.append(PresenceChange(ticket: ticket, unit: unit, viewers: after))
                }
            }
            return changes
        }
    }

    /// The ticket's viewers now, one a handler (typing if any of their pages is).
    package func viewers(of ticket: Int, now: Date) -> [Viewer] {
        seats.withLock { Self.viewers($0[ticket], now: now) }
    }

    private static func viewers(_ sitting: [Int: Seat]?, now: Date = .distantPast) -> [Viewer] {
        var byHandler: [String: Viewer] = [:]
        for seat in (sitting ?? [:]).values {
            let typing = seat.typingUntil.map { $0 > now } ?? false
            if var known = byHandler[seat.handler] {
                known.typing = known.typing || typing
                byHandler[seat.handler] = known
            } else {
                byHandler[seat.handler] = Viewer(handler: seat.handler, name: seat.name, typing: typing)
            }
        }
        return byHandler.values.sorted { $0.handler < $1.handler }
    }
}
