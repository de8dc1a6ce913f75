import Crypto

/// What the gateways write to their logs about a person: never the gateway's user id (a Zalo id
/// or a phone number, a Telegram chat) nor the daemon conversation id (which works like a
/// password), but a short pseudonym of it — the same for every line about that person, so a
/// log can still be followed, and of no use to someone who reads the log.
package enum LogPrivacy {
    /// The first 8 hex digits of the SHA-256 of an id.
    package static func pseudonym(_ id: String) -> String {
        "p" + SHA256.hash(data: Array(id.utf8)).prefix(4).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
        }.joined()
    }
}
