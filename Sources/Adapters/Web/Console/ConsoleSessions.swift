import Crypto
import Dialogue
import Foundation
import Synchronization

/// The browser sessions of the units' console and the dashboard: a handler signs in once with
/// their token (`POST /console/session`) and the browser holds a random session id in an
/// HttpOnly, SameSite=Strict cookie — the token itself never stays in the page, where a script
/// could read it. A session ends when it expires (at the latest when the token does), when its
/// handler signs out (every page of it is told and let go), or when the token is revoked (the
/// desk's own check, on every request). Kept in memory: a restarted daemon asks everyone to
/// sign in again; only the SHA-256 of an id is kept, as with tokens. On a store several daemons
/// share, each session is also kept there (`shared`): any daemon accepts the cookie, and one
/// signed out on one daemon ends on the others within a second.
package final class ConsoleSessions: Sendable {
    /// How long a session lasts (a working day).
    package static let lifetime: TimeInterval = 8 * 3600
    /// Sessions at most (the oldest go first beyond).
    static let capacity = 10_000
    /// Sessions one handler holds at most (their oldest goes first beyond): a sign-in in a loop
    /// pushes out only that handler's own browsers, never a colleague's.
    static let perHandler = 20
    /// The cookie's name.
    package static let cookieName = "motcua_console"

    /// One signed-in browser.
    struct Session {
        var handler: Handler
        var expires: Date
        /// The pages open on it now: told and closed when it ends.
        var pages: [Int: @Sendable (SignedOutWhy) -> Void] = [:]
    }

    /// Why a page's session ended.
    package enum SignedOutWhy: String, Sendable {
        case signedOut = "signed-out"
        case expired
    }

    private let sessions = Mutex<(byHash: [Data: Session], nextPage: Int)>(([:], 0))
    private let clock: any WallClock
    /// The store the daemons share, where sessions are kept for the others (nil: one daemon).
    private let shared: (any ConsoleSessionStore)?

    /// Creates an empty table.
    /// - Parameter shared: a store several daemons share (nil: sessions live in this daemon only).
    package init(clock: any WallClock = SystemClock(), shared: (any ConsoleSessionStore)? = nil) {
        self.clock = clock
        self.shared = shared
    }

    /// Starts a session for a handler whose token was just checked.
    /// - Returns: the id for the cookie, and when it expires.
    package func start(for handler: Handler) -> (id: String, expires: Date) {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        let id = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let now = clock.now
        let expires = min(now.addingTimeInterval(Self.lifetime), handler.expiresAt ?? .distantFuture)
        // A session pushed out ends as one that expired: its pages are told and let go.
        let pushedOut = sessions.withLock { state -> [@Sendable (SignedOutWhy) -> Void] in
            var ended: [Session] = []
            let own = state.byHash.filter { $0.value.handler.id == handler.id }
            if own.count >= Self.perHandler {
                for (key, _) in own.sorted(by: { $0.value.expires < $1.value.expires }).prefix(own.count - Self.perHandler + 1) {
                    ended += state.byHash.removeValue(forKey: key).map { [$0] } ?? []
                }
            }
            if state.byHash.count >= Self.capacity {
                let (live, past) = (state.byHash.filter { $0.value.expires > now }, state.byHash.filter { $0.value.expires <= now })
                ended += past.values
                state.byHash = live
                while state.byHash.count >= Self.capacity, let oldest = state.byHash.min(by: { $0.value.expires < $1.value.expires }) {
                    ended += state.byHash.removeValue(forKey: oldest.key).map { [$0] } ?? []
                }
            }
            state.byHash[Self.hash(id)] = Session(handler: handler, expires: expires)
            return ended.flatMap { $0.pages.values }
        }
        for page in pushedOut { page(.expired) }
        return (id, expires)
    }

    /// The handler of a live session (nil: unknown, signed out or expired).
    package func handler(for id: String?) -> Handler? {
        guard let id, !id.isEmpty, id.utf8.count <= 100 else { return nil }
        let now = clock.now
        // A session past its time signs nothing in; `expire()` takes it away and tells its pages.
        return sessions.withLock { state in
            guard let session = state.byHash[Self.hash(id)], session.expires > now else { return nil }
            return session.handler
        }
    }

    /// When a live session ends.
    package func expiry(of id: String) -> Date? {
        sessions.withLock { $0.byHash[Self.hash(id)]?.expires }
    }

    /// Registers a page open on a session: `end` is called once if the session ends first.
    /// - Returns: the page's key for `close` (nil: the session is not live).
    package func attach(_ id: String, end: @escaping @Sendable (SignedOutWhy) -> Void) -> Int? {
        sessions.withLock { state in
            guard state.byHash[Self.hash(id)] != nil else { return nil }
            state.nextPage += 1
            state.byHash[Self.hash(id)]?.pages[state.nextPage] = end
            return state.nextPage
        }
    }

    /// A page closed.
    package func detach(_ id: String, page: Int) {
        sessions.withLock { state in _ = state.byHash[Self.hash(id)]?.pages.removeValue(forKey: page) }
    }

    /// Ends a session (signing out): its pages are told and let go, and the other daemons of a
    /// shared store forget it too.
    package func end(_ id: String, why: SignedOutWhy = .signedOut) async {
        endHere(Self.hash(id), why: why)
        try? await shared?.endConsoleSession(hash: Self.hash(id))
    }

    /// Ends a session on this daemon only: its pages are told and let go.
    private func endHere(_ hash: Data, why: SignedOutWhy) {
        let pages = sessions.withLock { state in state.byHash.removeValue(forKey: hash)?.pages.values.map { $0 } ?? [] }
        for page in pages { page(why) }
    }

    // MARK: - Several daemons

    /// Keeps a session just started for the other daemons (before its cookie is sent).
    package func share(_ id: String, handler: Handler, expires: Date) async {
        try? await shared?.saveConsoleSession(hash: Self.hash(id), handler: handler.id, expiresAt: expires)
    }

    /// Brings in the sessions a `Cookie` header names that another daemon started (the
    /// handler as the store has them now; a revoked one is refused later, on every request).
    package func adopt(fromCookieHeader header: String?, handler lookup: (String) async -> Handler?) async {
        guard let shared else { return }
        let now = clock.now
        for id in Self.ids(fromCookieHeader: header).prefix(3) where id.utf8.count <= 100 && handler(for: id) == nil {
            let hash = Self.hash(id)
            guard let (handlerID, expires) = try? await shared.consoleSession(hash: hash, at: now), expires > now,
                let handler = await lookup(handlerID)
            else { continue }
            sessions.withLock { state in
                if state.byHash[hash] == nil, state.byHash.count < Self.capacity {
                    state.byHash[hash] = Session(handler: handler, expires: expires)
                }
            }
        }
    }

    /// Ends here the sessions another daemon ended (signed out there), telling their pages;
    /// the daemon calls it every second.
    package func reconcile() async {
        guard let shared else { return }
        let held = sessions.withLock { Array($0.byHash.keys) }
        guard !held.isEmpty, let live = try? await shared.liveConsoleSessions(held, at: clock.now) else { return }
        for hash in held where !live.contains(hash) { endHere(hash, why: .signedOut) }
    }

    /// Ends the sessions past their time, telling their pages (the daemon calls it every few
    /// seconds).
    package func expire() {
        let now = clock.now
        let pages = sessions.withLock { state -> [@Sendable (SignedOutWhy) -> Void] in
            let ended = state.byHash.filter { $0.value.expires <= now }
            for key in ended.keys { state.byHash[key] = nil }
            return ended.values.flatMap { $0.pages.values }
        }
        for page in pages { page(.expired) }
    }

    /// Sessions live now.
    package var count: Int { sessions.withLock { $0.byHash.count } }

    static func hash(_ id: String) -> Data { Data(SHA256.hash(data: Data(id.utf8))) }

    /// The session ids a `Cookie` header carries, in order (a page of a sibling site may have
    /// set one of the same name before ours).
    package static func ids(fromCookieHeader header: String?) -> [String] {
        guard let header else { return [] }
        return header.split(separator: ";").prefix(50).compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == cookieName else { return nil }
            return parts[1].trimmingCharacters(in: .whitespaces)
        }
    }

    /// The first session id of a `Cookie` header that names a live session (nil: none does):
    /// a forged cookie in front of ours does not hide it.
    package func liveID(fromCookieHeader header: String?) -> String? {
        Self.ids(fromCookieHeader: header).first { handler(for: $0) != nil }
    }

    /// The `Set-Cookie` value that gives a browser its session.
    package static func cookie(_ id: String, expires: Date, now: Date, secure: Bool) -> String {
        let seconds = max(0, Int(expires.timeIntervalSince(now)))
        return "\(cookieName)=\(id); Path=/; Max-Age=\(seconds); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// The `Set-Cookie` value that takes it away.
    package static let clearedCookie = "\(cookieName)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
}
