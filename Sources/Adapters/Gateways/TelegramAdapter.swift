import Dialogue
import Foundation
import Logging
import NIOHTTP1
import ServiceLifecycle
import Wire

/// `motcua adapter telegram`: Telegram users in daemon conversations, over one gateway link
/// (`GatewayRelay`). Each private chat is the user `<chat id>` of the channel the gateway token
/// names; a text becomes a request (`say`, or a command such as `/human`, `/tickets`), and
/// everything the daemon sends back — answers, tickets, a unit's reply days later — goes out
/// with `sendMessage`, split at 4,096 characters. Chats are handled side by side (one chat's
/// burst never delays another's answer), each in its own order.
///
/// A swift-service-lifecycle `Service`: on graceful shutdown (SIGTERM) it stops polling (an
/// unfinished `getUpdates` confirms nothing, so Telegram sends those updates again), finishes
/// what it took, saves the offset and closes the link.
package final class TelegramAdapter: Service, Sendable {
    /// Telegram's limit on one message.
    static let messageLimit = 4_096
    /// What a non-text message gets.
    static let textOnly = "Xin lỗi, hiện em chỉ đọc được tin nhắn chữ. Anh/chị vui lòng gõ câu hỏi ạ."

    let api: TelegramAPI
    let stateFile: String
    let pollTimeout: Int
    let logger: Logger
    /// The link, the lanes and the delivery rules.
    package let relay: GatewayRelay

    /// Creates the adapter.
    /// - Parameters:
    ///   - stateFile: where the polling offset is kept between runs.
    ///   - pollTimeout: seconds a `getUpdates` may wait for news.
    package init(api: TelegramAPI, link: GatewayLink.Settings, stateFile: String, pollTimeout: Int = 25,
                 lanes: UserLanes = UserLanes(), logger: Logger)
    {
        self.api = api
        self.stateFile = stateFile
        self.pollTimeout = pollTimeout
        self.logger = logger
        relay = GatewayRelay(link: link, network: TelegramNetwork(api: api), lanes: lanes, logger: logger)
    }

    /// Polls until cancelled or shut down gracefully.
    package func run() async throws {
        await relay.start()
        let offset = Offset(Int((try? String(contentsOfFile: stateFile, encoding: .utf8))?.trimmedWhitespace ?? "") ?? 0)
        // The poll is cancelled at the shutdown signal: an unfinished getUpdates confirms nothing.
        try? await cancelWhenGracefulShutdown { [self] in
            while !Task.isCancelled {
                let updates: [TelegramAPI.Update]
                do {
                    updates = try await api.updates(offset: await offset.value, timeout: pollTimeout)
                } catch {
                    if Task.isCancelled { break }
                    logger.error("telegram polling failed", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                    continue
                }
                for update in updates {
                    await take(update)
                    await offset.set(update.id + 1)
                }
                if !updates.isEmpty { saveOffset(await offset.value) }
            }
        }
        // What was taken is finished, then the offset saved and the link closed.
        await relay.finish()
        saveOffset(await offset.value)
    }

    /// Runs until a webhook server is stopped: the link only (updates come to `handleWebhook`).
    package func runForWebhook() async throws {
        await relay.start()
        try? await gracefulShutdown()
        await relay.finish()
    }

    /// One update: text to the daemon (its answer back to the chat), anything else a polite note.
    func take(_ update: TelegramAPI.Update) async {
        guard update.chat != 0 else { return }
        let user = String(update.chat)
        if let text = update.text {
            await relay.received(text, from: user)
        } else {
            await relay.say(Self.textOnly, to: user)
        }
    }

    private func saveOffset(_ offset: Int) {
        guard let path = Self.replaceablePath(stateFile) else { return }
        try? String(offset).write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Where an atomic write of the state may go: the file the path names (through symbolic
    /// links), if it is a plain file or does not exist yet. An atomic write renames a new file
    /// over the path, so a state file given as /dev/null, a pipe or a directory is left alone
    /// (a benchmark run as root once replaced the null device this way).
    static func replaceablePath(_ path: String) -> String? {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolved) else { return resolved }
        return attributes[.type] as? FileAttributeType == .typeRegular ? resolved : nil
    }

    // MARK: - Webhook mode

    /// Webhook mode (instead of polling): Telegram posts each update with the secret it was
    /// given in `setWebhook`; a request without it gets 401 and changes nothing. Answered at
    /// once; the update goes to its chat's lane (a repeat of an update id is dropped).
    package func handleWebhook(_ request: HTTPReceiver.Request, secret: String) async -> (HTTPResponseStatus, String) {
        let given = request.headers.first(name: "X-Telegram-Bot-Api-Secret-Token") ?? ""
        guard HandlerTokens.equalInConstantTime(given.utf8, secret.utf8) else { return (.unauthorized, #"{"ok":false}"#) }
        guard let value = try? JSONValue.parse(String(decoding: request.body, as: UTF8.self)),
            let update = TelegramAPI.update(from: value)
        else { return (.badRequest, #"{"ok":false}"#) }
        guard await webhookSeen.add(String(update.id)) else { return (.ok, #"{"ok":true}"#) }
        await take(update)
        return (.ok, #"{"ok":true}"#)
    }

    private let webhookSeen = RecentIDs()
}

/// Telegram as a `GatewayNetwork`: a chat id is the user; long texts are split.
struct TelegramNetwork: GatewayNetwork {
    let api: TelegramAPI

    func send(_ text: String, to user: String) async throws {
        guard let chat = Int(user) else { throw GatewayHTTP.Refused(status: 0, description: "not a Telegram chat id") }
        for part in MessageSplitter.split(text, limit: TelegramAdapter.messageLimit) {
            try await api.send(chat: chat, text: part)
        }
    }

    func holdBack(_ message: JSONValue, for user: String) async -> String? { nil }
}

/// The polling offset, shared by the poll and the shutdown that saves it.
actor Offset {
    private(set) var value: Int
    init(_ value: Int) { self.value = value }
    func set(_ value: Int) { self.value = value }
}

/// The last 10,000 ids seen (a webhook's repeats are dropped by them).
actor RecentIDs {
    private var seen: Set<String> = []
    private var order: [String] = []

    /// False when the id was seen already.
    func add(_ id: String) -> Bool {
        guard seen.insert(id).inserted else { return false }
        order.append(id)
        if order.count > 10_000 { seen.remove(order.removeFirst()) }
        return true
    }
}
