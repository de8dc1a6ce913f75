import Foundation

/// The console's sign-in sessions as a store keeps them for every daemon that shares it: a
/// session started on one daemon is accepted by the others, and one ended on one ends on all.
/// Only the SHA-256 of a session id is kept, never the id itself (it is the cookie's secret).
package protocol ConsoleSessionStore: Sendable {
    /// Keeps a new session.
    func saveConsoleSession(hash: Data, handler: String, expiresAt: Date) async throws

    /// The session with this hash, if kept and not expired at `now`.
    func consoleSession(hash: Data, at now: Date) async throws -> (handler: String, expiresAt: Date)?

    /// Forgets a session (signed out).
    func endConsoleSession(hash: Data) async throws

    /// Which of `hashes` are still kept and not expired at `now` (expired ones are forgotten).
    func liveConsoleSessions(_ hashes: [Data], at now: Date) async throws -> Set<Data>
}
