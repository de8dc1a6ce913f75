import Dialogue

/// What a gateway's link remembers of the users it carries: each user's conversation id (so a
/// message does not look it up again) and each user's rate limit (a gateway's limits apply to
/// every user it carries, not to the link). Bounded: past `capacity` users, the buckets that
/// have filled up again are dropped — a full bucket is what a new one would be, so nothing is
/// forgiven — and the conversation ids are forgotten (they are looked up again).
struct GatewayUsers {
    /// Users remembered at most.
    static let capacity = 20_000

    private var conversations: [String: String] = [:]
    private var limiters: [String: RateLimiter] = [:]
    private let burst: Int
    private let perSecond: Double

    init(limits: SessionLimits) {
        burst = limits.burst
        perSecond = limits.messagesPerSecond
    }

    /// The user's conversation, if remembered.
    func conversation(of user: String) -> String? { conversations[user] }

    /// Remembers the user's conversation.
    mutating func remember(_ conversation: String, of user: String) {
        if conversations.count >= Self.capacity { conversations.removeAll(keepingCapacity: true) }
        conversations[user] = conversation
    }

    /// Whether the user may make another request now.
    mutating func allow(_ user: String, now: ContinuousClock.Instant = .now) -> Bool {
        if limiters[user] == nil, limiters.count >= Self.capacity {
            limiters = limiters.filter { !$0.value.isFull(now: now) }
        }
        return limiters[user, default: RateLimiter(burst: burst, perSecond: perSecond, now: now)].allow(now: now)
    }

    /// Users with a rate limit remembered.
    var limitedUsers: Int { limiters.count }
}
