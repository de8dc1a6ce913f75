import Foundation
import Synchronization

/// Where the desk, the sessions and the gateways read the time and wait: due dates, token
/// expiry, owed updates, the Zalo reply window and the failed-login slowdown all go through
/// one, so a test can move time instead of sleeping through it.
package protocol WallClock: Sendable {
    /// The time now.
    var now: Date { get }

    /// Waits `seconds` of this clock's time (throws on cancellation).
    func sleep(seconds: Double) async throws
}

/// The machine's clock.
package struct SystemClock: WallClock {
    /// Creates the machine's clock.
    package init() {}

    package var now: Date { Date() }

    package func sleep(seconds: Double) async throws {
        try await Task.sleep(for: .milliseconds(Int((seconds * 1000).rounded())))
    }
}

/// A clock that moves only when told: real time shifted by what the caller says, and waits that
/// take no real time (the clock jumps ahead by the wait, which is recorded). For tests of due
/// dates, expiry, owed updates, the Zalo window and the login slowdown — a week in a millisecond.
package final class ManualClock: WallClock {
    private let offset = Mutex<TimeInterval>(0)
    private let waits = Mutex<[Double]>([])

    /// A clock at the real time.
    package init() {}

    package var now: Date { Date().addingTimeInterval(offset.withLock { $0 }) }

    /// Every wait asked of the clock, in seconds, in order.
    package var waited: [Double] { waits.withLock { $0 } }

    package func sleep(seconds: Double) async throws {
        try Task.checkCancellation()
        waits.withLock { $0.append(seconds) }
        offset.withLock { $0 += seconds }
    }

    /// Moves the clock forward.
    package func advance(days: Double) {
        offset.withLock { $0 += days * 86_400 }
    }

    /// Sets the clock (it runs on from there).
    package func set(_ date: Date) {
        offset.withLock { $0 = date.timeIntervalSinceNow }
    }
}
