import AsyncHTTPClient
import Crypto
import Dialogue
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Wire

/// A webhook event of one Zalo user.
struct ZaloEvent: Sendable {
    var user: String
    var body: JSONValue
}

/// Zalo's webhook signature, in one place: the header `X-ZEvent-Signature` carries
/// `mac=<hex SHA-256 of app id + raw body + timestamp + OA secret key>`, the timestamp being the
/// event's `timestamp` field. (This is the formula Zalo documents for OA webhooks; if Zalo
/// changes it, this function is the only thing to change.)
package enum ZaloSignature {
    /// The expected header value's hex digest.
    package static func digest(appID: String, body: [UInt8], timestamp: String, secret: String) -> String {
        var data = Data(appID.utf8)
        data.append(contentsOf: body)
        data.append(contentsOf: Array(timestamp.utf8))
        data.append(contentsOf: Array(secret.utf8))
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether a header value (`mac=…` or the bare digest) signs this body.
    package static func verify(header: String?, appID: String, body: [UInt8], timestamp: String, secret: String) -> Bool {
        guard var given = header?.trimmingCharacters(in: .whitespaces).lowercased(), !given.isEmpty else { return false }
        if given.hasPrefix("mac=") { given.removeFirst(4) }
        return HandlerTokens.equalInConstantTime(given.utf8, digest(appID: appID, body: body, timestamp: timestamp,
                                                                     secret: secret).utf8)
    }
}

/// `motcua adapter zalo`: Zalo Official Account users in daemon conversations. Events arrive on
/// `POST /zalo/webhook` (signature checked: a forged or missing one gets 401 and changes nothing;
/// repeats of a message id are dropped); `user_send_text` becomes `say` in the conversation of
/// `"channel":"zalo","user": sender.id`; answers go out with `POST /v3.0/oa/message/cs`.
///
/// Zalo lets an OA write freely only within 48 hours of the user's last message. A unit's reply
/// that comes later is not sent blindly: it stays unacknowledged, the daemon is told so (the
/// ticket shows it to handlers), and it goes out first when the user writes again. Other events:
/// `follow` gets a greeting; images, stickers, files and the like get a polite note that only
/// text is read; everything else is ignored.
package actor ZaloAdapter {
    /// What the adapter is configured with.
    package struct Settings: Sendable {
        package var appID: String
        package var secret: String
        package var accessToken: String
        package var apiBase: String = "https://openapi.zalo.me"
        package var daemonHost: String
        package var daemonPort: Int
        /// Where the last message time of each user is kept between runs.
        package var stateFile: String
        /// How long after a user's message the OA may write to them.
        package var window: TimeInterval = 48 * 3600

        /// Creates settings.
        package init(appID: String, secret: String, accessToken: String, daemonHost: String, daemonPort: Int,
                     stateFile: String)
        {
            self.appID = appID
            self.secret = secret
            self.accessToken = accessToken
            self.daemonHost = daemonHost
            self.daemonPort = daemonPort
            self.stateFile = stateFile
        }
    }

    static let textOnly = "Xin lỗi, hiện em chỉ đọc được tin nhắn chữ. Anh/chị vui lòng gõ câu hỏi ạ."
    static let greeting = "Chào anh/chị! Đây là bàn hỗ trợ một cửa về chính phủ điện tử. Anh/chị cứ nhắn câu hỏi ạ."

    let settings: Settings
    let client: HTTPClient
    let logger: Logger
    private var links: [String: DaemonLink] = [:]
    private var lastSeen: [String: Double]
    private let clock: any WallClock
    private var held: [String: [JSONValue]] = [:]
    private lazy var events = WebhookQueue<ZaloEvent> { [weak self] event in
        await self?.process(event.user, event.body)
    }

    /// Creates the adapter (it receives nothing until `handle` is wired to a webhook).
    /// - Parameter clock: the time the 48-hour window is measured by (tests move it).
    package init(settings: Settings, client: HTTPClient = .shared, clock: any WallClock = SystemClock(), logger: Logger) {
        self.settings = settings
        self.clock = clock
        self.client = client
        self.logger = logger
        let saved = (try? Data(contentsOf: URL(fileURLWithPath: settings.stateFile)))
            .flatMap { try? JSONDecoder().decode([String: Double].self, from: $0) }
        lastSeen = saved ?? [:]
    }

    /// The webhook: checks the signature, drops repeats, answers at once, and handles the event
    /// after (in arrival order).
    package func handle(_ request: HTTPReceiver.Request) async -> (HTTPResponseStatus, String) {
        guard request.method == .POST, request.path.hasPrefix("/zalo/webhook") else { return (.notFound, #"{"error":"not found"}"#) }
        guard let event = try? JSONValue.parse(String(decoding: request.body, as: UTF8.self)) else {
            return (.badRequest, #"{"error":"bad json"}"#)
        }
        let timestamp = event["timestamp"]?.text ?? ""
        guard ZaloSignature.verify(header: request.headers.first(name: "X-ZEvent-Signature"), appID: settings.appID,
                                   body: request.body, timestamp: timestamp, secret: settings.secret)
        else {
            logger.warning("zalo webhook with a bad signature refused")
            return (.unauthorized, #"{"error":"bad signature"}"#)
        }
        guard let user = event["sender"]?["id"]?.text else { return (.ok, #"{"ok":true}"#) }
        guard await events.add(ZaloEvent(user: user, body: event), id: event["message"]?["msg_id"]?.text) else {
            return (.ok, #"{"ok":true,"duplicate":true}"#)
        }
        return (.ok, #"{"ok":true}"#)
    }

    private func process(_ user: String, _ event: JSONValue) async {
        var logger = self.logger
        logger[metadataKey: "zalo.user"] = "\(LogPrivacy.pseudonym(user))"
        logger[metadataKey: "zalo.msg"] = "\(event["message"]?["msg_id"]?.text ?? "-")"
        switch event["event_name"]?.string {
        case "user_send_text":
            lastSeen[user] = clock.now.timeIntervalSince1970
            saveState()
            // Replies held outside the window go out first, now that the user wrote.
            for reply in held.removeValue(forKey: user) ?? [] { await deliver(reply, to: user) }
            guard let text = event["message"]?["text"]?.string,
                let response = try? await link(user).request(["type": "say", "text": .string(text)])
            else { return }
            await deliver(response, to: user)
            logger.debug("message handled")
        case "follow":
            lastSeen[user] = clock.now.timeIntervalSince1970
            try? await send(Self.greeting, to: user)
        case let name? where name.hasPrefix("user_send_"):
            lastSeen[user] = clock.now.timeIntervalSince1970
            try? await send(Self.textOnly, to: user)
        default:
            break
        }
    }

    /// The daemon link of a user (opened on first use; its `hello` brings any unacknowledged
    /// reply, which `deliver` sends or holds).
    func link(_ user: String) -> DaemonLink {
        if let link = links[user] { return link }
        let link = DaemonLink(host: settings.daemonHost, port: settings.daemonPort, channel: "zalo", user: user,
                              logger: logger) { [weak self] event in
            await self?.deliver(event, to: user)
        }
        links[user] = link
        return link
    }

    /// Sends a daemon message to the user — or, for a unit's reply outside the 48-hour window,
    /// holds it and tells the daemon it could not be delivered yet.
    func deliver(_ message: JSONValue, to user: String) async {
        guard let text = GatewayText.render(message) else { return }
        let isReply = message["type"] == "reply"
        let delivery = message["delivery"]?.int
        if isReply, let delivery, clock.now.timeIntervalSince1970 - (lastSeen[user] ?? 0) > settings.window {
            if !(held[user] ?? []).contains(where: { $0["delivery"]?.int == delivery }) {
                held[user, default: []].append(message)
                _ = try? await link(user).request(["type": "undeliverable", "delivery": .int(delivery)])
                logger.info("reply held outside Zalo's window", metadata: ["zalo.user": "\(LogPrivacy.pseudonym(user))", "delivery": "\(delivery)"])
            }
            return
        }
        do {
            try await send(text, to: user)
            if isReply, let delivery { await link(user).acknowledge(delivery) }
        } catch {
            logger.error("zalo refused a message", metadata: ["zalo.user": "\(LogPrivacy.pseudonym(user))", "error": "\(error)"])
        }
    }

    /// `POST {api}/v3.0/oa/message/cs`, retried until Zalo takes it (`error` 0).
    func send(_ text: String, to user: String) async throws {
        let base = settings.apiBase.hasSuffix("/") ? String(settings.apiBase.dropLast()) : settings.apiBase
        for part in MessageSplitter.split(text, limit: 2_000) {
            _ = try await GatewayHTTP.post(
                "\(base)/v3.0/oa/message/cs", headers: [("access_token", settings.accessToken)],
                body: ["recipient": ["user_id": .string(user)], "message": ["text": .string(part)]], client: client,
                timeout: .seconds(30), logger: logger
            ) { status, value in
                status == 200 && (value?["error"]?.int ?? 0) == 0
            }
        }
    }

    private func saveState() {
        if let data = try? JSONEncoder().encode(lastSeen) {
            // Zalo user ids and when each last wrote: readable by the adapter's user only.
            try? PrivateFiles.write(String(decoding: data, as: UTF8.self), to: settings.stateFile)
        }
    }

    /// Closes the daemon links.
    package func close() async {
        for link in links.values { await link.close() }
    }
}
