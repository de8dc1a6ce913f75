import Dialogue
import Foundation
import Logging
import NIOHTTP1
import Wire

/// `motcua adapter telegram`: Telegram users in daemon conversations. Each private chat is the
/// conversation of `"channel":"telegram","user": <chat id>`; a text message becomes `say`, and
/// everything the daemon sends back — answers, suggestions, tickets, a unit's reply days later —
/// goes out with `sendMessage`, split at 4,096 characters. A unit's reply is acknowledged to the
/// daemon only after Telegram accepted every part, so a failure means it comes again, never
/// that it is lost. The polling offset is saved after each update is stored by the daemon, so a
/// restart neither loses nor repeats updates (at worst one, if the adapter dies in between).
package actor TelegramAdapter {
    /// Telegram's limit on one message.
    static let messageLimit = 4_096
    /// What a non-text message gets.
    static let textOnly = "Xin lỗi, hiện em chỉ đọc được tin nhắn chữ. Anh/chị vui lòng gõ câu hỏi ạ."

    let api: TelegramAPI
    let daemonHost: String
    let daemonPort: Int
    let stateFile: String
    let pollTimeout: Int
    let logger: Logger
    private var links: [Int: DaemonLink] = [:]

    /// Creates the adapter.
    /// - Parameters:
    ///   - stateFile: where the polling offset is kept between runs.
    ///   - pollTimeout: seconds a `getUpdates` may wait for news.
    package init(api: TelegramAPI, daemonHost: String, daemonPort: Int, stateFile: String, pollTimeout: Int = 25,
                 logger: Logger)
    {
        self.api = api
        self.daemonHost = daemonHost
        self.daemonPort = daemonPort
        self.stateFile = stateFile
        self.pollTimeout = pollTimeout
        self.logger = logger
    }

    /// Polls until cancelled.
    package func run() async throws {
        var offset = Int((try? String(contentsOfFile: stateFile, encoding: .utf8))?.trimmedWhitespace ?? "") ?? 0
        while !Task.isCancelled {
            let updates = try await api.updates(offset: offset, timeout: pollTimeout)
            for update in updates {
                try await process(update)
                offset = update.id + 1
                try? String(offset).write(toFile: stateFile, atomically: true, encoding: .utf8)
            }
        }
        for link in links.values { await link.close() }
    }

    /// One update: text to the daemon (its answer back to the chat), anything else a polite note.
    func process(_ update: TelegramAPI.Update) async throws {
        var logger = self.logger
        logger[metadataKey: "telegram.update"] = "\(update.id)"
        logger[metadataKey: "telegram.chat"] = "\(LogPrivacy.pseudonym(String(update.chat)))"
        guard update.chat != 0 else { return }
        if let text = update.text {
            let response = try await link(update.chat).request(["type": "say", "text": .string(text)])
            logger.debug("update handled", metadata: ["conversation.reply": "\(response["type"]?.string ?? "")"])
            await deliver(response, to: update.chat)
        } else {
            try? await api.send(chat: update.chat, text: Self.textOnly)
        }
    }

    // MARK: - Webhook mode

    private lazy var webhookQueue = WebhookQueue<TelegramAPI.Update> { [weak self] update in
        try? await self?.process(update)
    }

    /// Webhook mode (instead of polling): Telegram posts each update with the secret it was
    /// given in `setWebhook`; a request without it gets 401 and changes nothing. Answered at
    /// once; updates are handled after, in arrival order, each once.
    package func handleWebhook(_ request: HTTPReceiver.Request, secret: String) async -> (HTTPResponseStatus, String) {
        let given = request.headers.first(name: "X-Telegram-Bot-Api-Secret-Token") ?? ""
        guard HandlerTokens.equalInConstantTime(given.utf8, secret.utf8) else { return (.unauthorized, #"{"ok":false}"#) }
        guard let value = try? JSONValue.parse(String(decoding: request.body, as: UTF8.self)),
            let update = TelegramAPI.update(from: value)
        else { return (.badRequest, #"{"ok":false}"#) }
        _ = await webhookQueue.add(update, id: String(update.id))
        return (.ok, #"{"ok":true}"#)
    }

    /// The daemon link of a chat (opened on first use).
    func link(_ chat: Int) -> DaemonLink {
        if let link = links[chat] { return link }
        let link = DaemonLink(host: daemonHost, port: daemonPort, channel: "telegram", user: String(chat), logger: logger) {
            [weak self] event in
            await self?.deliver(event, to: chat)
        }
        links[chat] = link
        return link
    }

    /// Sends what the daemon said to the chat; acknowledges a unit's reply once it is out.
    func deliver(_ message: JSONValue, to chat: Int) async {
        guard let text = GatewayText.render(message) else { return }
        do {
            for part in MessageSplitter.split(text, limit: Self.messageLimit) {
                try await api.send(chat: chat, text: part)
            }
            if message["type"] == "reply", let delivery = message["delivery"]?.int {
                await link(chat).acknowledge(delivery)
            }
        } catch {
            logger.error("telegram refused a message", metadata: ["telegram.chat": "\(LogPrivacy.pseudonym(String(chat)))", "error": "\(error)"])
        }
    }
}

/// What a gateway user reads for each daemon message (nil: nothing to show).
package enum GatewayText {
    /// The readable text of a daemon message.
    package static func render(_ message: JSONValue) -> String? {
        switch message["type"]?.string {
        case "answer":
            var text = message["text"]?.string ?? ""
            let documents = (message["documents"]?.array ?? []).compactMap { document -> String? in
                guard let number = document["number"]?.string, let title = document["title"]?.string else { return nil }
                return "• \(number): \(title)"
            }
            if !documents.isEmpty { text += "\n\nVăn bản liên quan:\n" + documents.joined(separator: "\n") }
            return text
        case "suggest":
            let options = (message["options"]?.array ?? []).enumerated().map { index, option in
                "\(index + 1). \(option["question"]?.string ?? "")"
            }
            return ([message["text"]?.string ?? ""] + options).joined(separator: "\n")
        case "escalated", "escalate", "chat":
            return message["text"]?.string
        case "reply":
            let unit = message["unit"]?.string ?? ""
            let ticket = message["ticket"]?.int ?? 0
            if message["update"] == true {
                return "Đơn vị \(unit) thông báo tiến độ phiếu số \(ticket):\n" + (message["text"]?.string ?? "")
            }
            return "Trả lời của đơn vị \(unit) cho phiếu số \(ticket):\n" + (message["text"]?.string ?? "")
        case "error":
            return message["message"]?.string
        default:
            return nil
        }
    }
}
