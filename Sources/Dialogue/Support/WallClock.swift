import Foundation

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
