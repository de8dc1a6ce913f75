import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Wire

/// The few calls of the Telegram Bot API an adapter needs, over AsyncHTTPClient: long polling
/// with `getUpdates`, and `sendMessage`. Network errors, 5xx answers and 429 (`retry_after`)
/// are retried with backoff until Telegram accepts; anything else is an error for the caller.
package struct TelegramAPI: Sendable {
    /// An incoming update: its id, the private chat, and its text when it is a text message.
    package struct Update: Sendable, Hashable {
        package var id: Int
        package var chat: Int
        package var text: String?
    }

    let base: String
    let client: HTTPClient
    let logger: Logger

    /// Creates the API client.
    /// - Parameter apiBase: `https://api.telegram.org` (a fake server in tests).
    package init(apiBase: String, token: String, client: HTTPClient = .shared, logger: Logger) {
        base = "\(apiBase.hasSuffix("/") ? String(apiBase.dropLast()) : apiBase)/bot\(token)"
        self.client = client
        self.logger = logger
    }

    /// Updates after `offset`, waiting up to `timeout` seconds for one (long polling).
    package func updates(offset: Int, timeout: Int) async throws -> [Update] {
        let result = try await call("getUpdates", ["offset": .int(offset), "timeout": .int(timeout),
                                                   "allowed_updates": ["message"]],
                                    timeout: .seconds(Int64(timeout) + 15))
        return (result.array ?? []).compactMap(Self.update(from:))
    }

    /// An update from its JSON (as `getUpdates` returns it or a webhook posts it).
    package static func update(from value: JSONValue) -> Update? {
        guard let id = value["update_id"]?.int else { return nil }
        let message = value["message"]
        guard let chat = message?["chat"]?["id"]?.int else { return Update(id: id, chat: 0, text: nil) }
        return Update(id: id, chat: chat, text: message?["text"]?.string)
    }

    /// Sends a text to a chat; returns once Telegram accepted it.
    /// - Throws: `GatewayHTTP.Refused` when Telegram refused it, or after `attempts` tries.
    package func send(chat: Int, text: String, attempts: Int = 5) async throws {
        _ = try await call("sendMessage", ["chat_id": .int(chat), "text": .string(text)], timeout: .seconds(30),
                           maximumAttempts: attempts)
    }

    /// One method call, retried until Telegram accepts, refuses for good, or `maximumAttempts`.
    func call(_ method: String, _ parameters: [String: JSONValue], timeout: TimeAmount, maximumAttempts: Int? = nil)
        async throws -> JSONValue
    {
        let answer = try await GatewayHTTP.post("\(base)/\(method)", body: .object(parameters), client: client,
                                                timeout: timeout, maximumAttempts: maximumAttempts, logger: logger) {
            status, value in
            status == 200 && value?["ok"] == true
        }
        return answer?["result"] ?? .null
    }
}
