import Crypto
import Foundation
import Retrieval

/// Handler login tokens: `mc1.<handler id>.<secret>`, the secret 256 random bits in hex. Only
/// the secret's SHA-256 is stored; a login finds the handler by id and compares hashes in
/// constant time, so neither the database nor the timing gives a token away.
package enum HandlerTokens {
    /// A new handler id (8 hex digits) and token.
    package static func make() -> (id: String, token: String, secretHash: Data) {
        var generator = SystemRandomNumberGenerator()
        let id = String(format: "%08x", generator.next() as UInt32)
        let secret = (0..<4).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
        return (id, "mc1.\(id).\(secret)", hash(secret))
    }

    /// The handler id and secret of a token, if it has the shape of one.
    package static func parse(_ token: String) -> (id: String, secret: String)? {
        let parts = token.trimmedWhitespace.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "mc1", parts[1].utf8.count == 8, parts[2].utf8.count == 64 else { return nil }
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
