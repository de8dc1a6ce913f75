import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Wire

/// One JSON POST to a gateway's API, retried with backoff while the gateway is unreachable,
/// answers 5xx, or asks to wait (429, `retry_after`), so that nothing is dropped silently; a
/// refusal for good (another 4xx, or the gateway's own error flag) is thrown, and so is giving
/// up after `maximumAttempts` (a message to one user must not hold its lane for ever).
enum GatewayHTTP {
    /// A request the gateway refused for good, or gave up on.
    struct Refused: Error, CustomStringConvertible {
        var status: Int
        var description: String
        /// Attempts made.
        var attempts = 1
    }

    /// Posts `body` and returns the parsed answer once `accepted` says the gateway took it.
    /// - Parameter maximumAttempts: attempts before giving up (nil: until it works, for polling).
    static func post(_ url: String, headers: [(String, String)] = [], body: JSONValue, client: HTTPClient,
                     timeout: TimeAmount, maximumAttempts: Int? = nil, logger: Logger,
                     accepted: (Int, JSONValue?) -> Bool) async throws -> JSONValue?
    {
        var delay = 0.25
        var attempts = 0
        var lastProblem = ""
        while true {
            attempts += 1
            try Task.checkCancellation()
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            request.body = .bytes(ByteBuffer(string: body.encoded()))
            var wait = delay
            do {
                let response = try await client.execute(request, timeout: timeout)
                let status = Int(response.status.code)
                let value = try? JSONValue.parse(String(buffer: try await response.body.collect(upTo: 8 << 20)))
                if accepted(status, value) { return value }
                if status == 429 {
                    wait = Double(value?["parameters"]?["retry_after"]?.int ?? 1)
                } else if status < 500 {
                    throw Refused(status: status, description: value?["description"]?.string ?? value?["message"]?.string
                        ?? "HTTP \(status)", attempts: attempts)
                }
                lastProblem = "HTTP \(status)"
                logger.info("gateway busy, retrying", metadata: ["url": "\(Self.loggable(url))", "status": "\(status)"])
            } catch let refused as Refused {
                throw refused
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                lastProblem = "unreachable"
                logger.info("gateway unreachable, retrying", metadata: ["url": "\(Self.loggable(url))", "error": "\(error)"])
            }
            if let maximumAttempts, attempts >= maximumAttempts {
                throw Refused(status: 0, description: "gave up after \(attempts) attempts (\(lastProblem))", attempts: attempts)
            }
            try await Task.sleep(for: .milliseconds(Int(wait * 1000)))
            delay = min(delay * 2, 10)
        }
    }

    /// A URL as a log may show it: the host and the method, never a path segment that holds a
    /// credential (Telegram puts the bot token in the path: `/bot<token>/sendMessage`).
    static func loggable(_ url: String) -> String {
        let parts = url.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count >= 2 else { return url }
        return "\(parts[1])/…/\(parts.last!)"
    }
}
