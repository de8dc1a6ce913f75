/// The limits one connection lives under (configurable; documented in docs/PROTOCOL.md).
package struct SessionLimits: Sendable, Hashable {
    /// Longest accepted line, in bytes (without the newline).
    package var maximumLineBytes = 16 * 1024
    /// Messages a connection may send in a burst.
    package var burst = 20
    /// Messages per second a connection may keep sending after the burst.
    package var messagesPerSecond = 5.0
    /// Seconds without any input after which a connection is closed.
    package var idleTimeout: Double = 600
    /// Most simultaneous connections; more are refused with `busy`.
    package var maximumConnections = 20_000
    /// Bytes of replies a slow reader may leave unread before it is disconnected.
    package var maximumPendingOutputBytes = 1024 * 1024
    /// Seconds a client may leave more than the write buffer's high mark (64 KiB) unread
    /// before it is disconnected; meanwhile its next lines are not read.
    package var slowReaderTimeout: Double = 30
    /// Seconds from connecting to the end of the first line (a person at `nc` has two minutes
    /// to type their first question; a client that connects and sends nothing is let go).
    package var firstLineTimeout: Double = 120
    /// Seconds from the first byte of a line to its end: a client trickling a byte a second
    /// cannot hold a connection.
    package var lineTimeout: Double = 30
    /// A logged-in gateway's link is never closed for idleness: quiet this long, the daemon
    /// sends it a `ping`, and closes it only if nothing comes back for two more of these.
    package var gatewayPingInterval: Double = 30

    /// The defaults.
    package init() {}
}

/// A token bucket: `burst` messages at once, then `rate` a second.
package struct RateLimiter: Sendable {
    let capacity: Double
    let rate: Double
    var tokens: Double
    var last: ContinuousClock.Instant

    /// Creates a full bucket.
    package init(burst: Int, perSecond: Double, now: ContinuousClock.Instant = .now) {
        capacity = Double(burst)
        rate = perSecond
        tokens = Double(burst)
        last = now
    }

    /// Takes one token if there is one.
    /// Whether the bucket has filled up again by `now` (it is then as good as a new one).
    package func isFull(now: ContinuousClock.Instant = .now) -> Bool {
        let elapsed = now - last
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return tokens + seconds * rate >= capacity
    }

    package mutating func allow(now: ContinuousClock.Instant = .now) -> Bool {
        let elapsed = now - last
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        tokens = min(capacity, tokens + seconds * rate)
        last = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
