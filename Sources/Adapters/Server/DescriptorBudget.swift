#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How many connections the daemon can hold without running out of file descriptors. Out of
/// descriptors, `accept` fails, and NIO's accept loop wakes again at once for the same waiting
/// client — a full core spent, and clients left hanging with no answer (measured). So the
/// server never lets it come to that: connections beyond the cap are refused with `busy` while
/// descriptors remain to tell them, and accepting pauses before the last ones are gone.
package struct DescriptorBudget: Sendable, Hashable {
    /// Descriptors kept for everything but client connections: the store's connections and
    /// their WAL files, the event loops, signals, logs (25 at rest, measured, up to about 40
    /// with every reader of the pool open).
    package static let reserved = 64
    /// Connections that may be in the middle of being told `busy` at once.
    package static let refusals = 32
    /// Accepted connections NIO may hold before the accept loop takes them.
    static let buffered = 16

    /// The process's descriptor limit.
    package let limit: Int
    /// Connections served at most.
    package let connections: Int
    /// Connections open at most, refusals included; accepting pauses there.
    package let ceiling: Int

    /// The budget for `limit` descriptors and a configured connection cap.
    package init(limit: Int, configured: Int) {
        self.limit = limit
        connections = max(1, min(configured, limit - Self.reserved - Self.refusals - Self.buffered))
        ceiling = connections + Self.refusals
    }

    /// Raises the soft descriptor limit to the hard one (what an administrator allowed) and
    /// returns it.
    package static func raiseLimit() -> Int {
        var limits = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits) == 0 else { return 1024 }
        if limits.rlim_cur < limits.rlim_max {
            var raised = limits
            raised.rlim_cur = min(limits.rlim_max, 1 << 20)
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limits = raised }
        }
        return Int(min(limits.rlim_cur, 1 << 20))
    }
}
