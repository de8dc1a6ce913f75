import Dialogue

/// What a gateway's link remembers of the users it carries: each user's conversation id (so a
/// message does not look it up again) and each user's rate limit (a gateway's limits apply to
/// every user it carries, not to the link). Bounded: past `capacity` users, the buckets that
/// have filled up again are dropped — a full bucket is what a new one would be, so nothing is
/// forgiven — and the conversation ids are forgotten (they are looked up again). Users are told
/// apart by their bytes, as the store tells them apart (Swift's `String` equality would make
/// "Nguyễn" typed composed and decomposed one user here and two in the store).
struct GatewayUsers {
    /// A user id by its UTF-8 bytes.
    struct Key: Hashable {
        let bytes: [UInt8]
        init(_ user: String) { bytes = Array(user.utf8) }
    }

    /// Users remembered at most.
    static let capacity = 20_000

    private var conversations: [Key: String] = [:]
    private var limiters: [Key: RateLimiter] = [:]
    private let burst: Int
    private let perSecond: Double

    init(limits: SessionLimits) {
        burst = limits.burst
        perSecond = limits.messagesPerSecond
    }

    /// The user's conversation, if remembered.
    func conversation(of user: String) -> String? { conversations[Key(user)] }

    /// Remembers the user's conversation.
    mutating func remember(_ conversation: String, of user: String) {
        if conversations.count >= Self.capacity { conversations.removeAll(keepingCapacity: true) }
        conversations[Key(user)] = conversation
    }

    /// Forgets the user's conversation (the store erased it): the next request looks it up again.
    mutating func forget(_ user: String) {
        conversations[Key(user)] = nil
    }

    /// Whether the user may make another request now.
    mutating func allow(_ user: String, now: ContinuousClock.Instant = .now) -> Bool {
        let key = Key(user)
        if limiters[key] == nil, limiters.count >= Self.capacity {
            limiters = limiters.filter { !$0.value.isFull(now: now) }
            // Buckets that barely refill (a tiny --rate) stay; rather than look through them for
            // every new user, all are forgiven at once.
            if limiters.count >= Self.capacity / 2 { limiters.removeAll(keepingCapacity: true) }
        }
        return limiters[key, default: RateLimiter(burst: burst, perSecond: perSecond, now: now)].allow(now: now)
    }

    /// Users with a rate limit remembered.
    var limitedUsers: Int { limiters.count }
}
