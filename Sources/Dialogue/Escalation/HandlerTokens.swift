import Crypto
import Foundation
import Retrieval

/// Login tokens: `mc1.<handler id>.<secret>` for handlers, `mcg1.<gateway id>.<secret>` for
/// gateways, the secret 256 random bits in hex. Only the secret's SHA-256 is stored; a login
/// finds the holder by id and compares hashes in constant time, so neither the database nor the
/// timing gives a token away.
package enum HandlerTokens {
    /// The prefix of a handler's token.
    package static let handlerPrefix = "mc1"
    /// The prefix of a gateway's token.
    package static let gatewayPrefix = "mcg1"

    /// A new id (8 hex digits) and token with this prefix.
    package static func make(prefix: String = handlerPrefix) -> (id: String, token: String, secretHash: Data) {
        var generator = SystemRandomNumberGenerator()
        let id = String(format: "%08x", generator.next() as UInt32)
        let secret = (0..<4).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
        return (id, "\(prefix).\(id).\(secret)", hash(secret))
    }

    /// The id and secret of a token, if it has the shape of one with this prefix.
    package static func parse(_ token: String, prefix: String = handlerPrefix) -> (id: String, secret: String)? {
        let parts = token.trimmedWhitespace.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == prefix, parts[1].utf8.count == 8, parts[2].utf8.count == 64 else { return nil }
        return (String(parts[1]), String(parts[2]))
    }

    /// SHA-256 of a secret.
    package static func hash(_ secret: String) -> Data {
        Data(SHA256.hash(data: Data(secret.utf8)))
    }

    /// Compares two secrets or digests in time that does not depend on where they differ (the
    /// one comparison every credential check uses: handler tokens, gateway signatures).
    package static func equalInConstantTime<A: Collection<UInt8>, B: Collection<UInt8>>(_ left: A, _ right: B) -> Bool {
        guard left.count == right.count, !left.isEmpty else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(left, right) { difference |= a ^ b }
        return difference == 0
    }
}
