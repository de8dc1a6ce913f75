import AsyncHTTPClient
import Crypto
import Dialogue
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization
import Wire

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

/// `motcua adapter zalo`: Zalo Official Account users in daemon conversations, over one gateway
/// link (`GatewayRelay`). Events arrive on `POST /zalo/webhook` (signature checked: a forged or
/// missing one gets 401 and changes nothing; repeats of a message id are dropped);
/// `user_send_text` becomes a request of the user `sender.id`; answers go out with
/// `POST /v3.0/oa/message/cs`, with an access token renewed before it expires (`ZaloTokens`).
///
/// Zalo lets an OA write freely only within 48 hours of the user's last message. A unit's reply
/// that comes later is not sent blindly: the daemon is told it could not be delivered (the
/// ticket shows why), and sends it again when the user writes. Other events: `follow` gets a
/// greeting; images, stickers, files and the like a polite note that only text is read.
///
/// A swift-service-lifecycle `Service`: on graceful shutdown it stops taking webhooks, finishes
/// what it took, saves its state and closes the link.
package final class ZaloAdapter: Service, Sendable {
    /// What the adapter is configured with.
    package struct Settings: Sendable {
        package var appID: String
        package var secret: String
        package var apiBase: String = "https://openapi.zalo.me"
        /// Where users' last message times are kept between runs.
        package var stateFile: String
        /// How long after a user's message the OA may write to them.
        package var window: TimeInterval = 48 * 3600
        /// Where the webhook listens (`run()`).
        package var listenHost = "0.0.0.0"
        package var listenPort = 8080

        /// Creates settings.
        package init(appID: String, secret: String, stateFile: String) {
            self.appID = appID
            self.secret = secret
            self.stateFile = stateFile
        }
    }

    static let textOnly = "Xin lỗi, hiện em chỉ đọc được tin nhắn chữ. Anh/chị vui lòng gõ câu hỏi ạ."
    static let greeting = "Chào anh/chị! Đây là bàn hỗ trợ một cửa về chính phủ điện tử. Anh/chị cứ nhắn câu hỏi ạ."

    let settings: Settings
    let logger: Logger
    let network: ZaloNetwork
    /// The link, the lanes and the delivery rules.
    package let relay: GatewayRelay
    private let seen = RecentIDs()

    /// Creates the adapter (it receives nothing until `handle` is wired to a webhook, by `run()`
    /// or a test).
    /// - Parameter clock: the time the 48-hour window is measured by (tests move it).
    package init(settings: Settings, link: GatewayLink.Settings, tokens: ZaloTokens, client: HTTPClient = .shared,
                 clock: any WallClock = SystemClock(), lanes: UserLanes = UserLanes(), logger: Logger)
    {
        self.settings = settings
        self.logger = logger
        network = ZaloNetwork(settings: settings, tokens: tokens, client: client, clock: clock, logger: logger)
        relay = GatewayRelay(link: link, network: network, lanes: lanes, logger: logger)
    }

    /// Links to the daemon (the webhook may be served from now on).
    package func start() async {
        await relay.start()
    }

    /// Serves the webhook and keeps the token fresh until shut down gracefully.
    package func run() async throws {
        await start()
        let receiver = try await HTTPReceiver(host: settings.listenHost, port: settings.listenPort) { [self] in
            await handle($0)
        }
        logger.info("zalo webhook listening", metadata: ["port": "\(receiver.port)"])
        let tokens = network.tokens
        let refresher = Task { await tokens.keepFresh() }
        let network = self.network
        let saver = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(60))
                network.saveState()
            }
        }
        defer { saver.cancel() }
        try? await gracefulShutdown()
        await receiver.stop()
        refresher.cancel()
        await close()
    }

    /// Finishes what was taken, saves the state, closes the link.
    package func close() async {
        await relay.finish()
        network.saveState()
    }

    /// The webhook: checks the signature, drops repeats, answers at once; the event goes to its
    /// user's lane.
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
        if let id = event["message"]?["msg_id"]?.text, !(await seen.add(id)) {
            return (.ok, #"{"ok":true,"duplicate":true}"#)
        }
        await process(user, event)
        return (.ok, #"{"ok":true}"#)
    }

    private func process(_ user: String, _ event: JSONValue) async {
        switch event["event_name"]?.string {
        case "user_send_text":
            network.wrote(user)
            guard let text = event["message"]?["text"]?.string else { return }
            await relay.received(text, from: user)
        case "follow":
            network.wrote(user)
            await relay.say(Self.greeting, to: user)
        case let name? where name.hasPrefix("user_send_"):
            network.wrote(user)
            await relay.say(Self.textOnly, to: user)
        default:
            break
        }
    }
}

/// Zalo OA as a `GatewayNetwork`: `message/cs` with the current access token (renewed and sent
/// again once if Zalo says it expired), and the 48-hour window by the users' last message times
/// — kept only for users inside the window, so the table holds no one who wrote days ago.
final class ZaloNetwork: GatewayNetwork {
    let settings: ZaloAdapter.Settings
    let tokens: ZaloTokens
    let client: HTTPClient
    let clock: any WallClock
    let logger: Logger
    private let lastSeen: Mutex<(table: [String: Double], pruneAt: Int)>
    /// Zalo's error for an access token that is invalid or expired.
    static let expiredToken = -216

    init(settings: ZaloAdapter.Settings, tokens: ZaloTokens, client: HTTPClient, clock: any WallClock, logger: Logger) {
        self.settings = settings
        self.tokens = tokens
        self.client = client
        self.clock = clock
        self.logger = logger
        let saved = (try? Data(contentsOf: URL(fileURLWithPath: settings.stateFile)))
            .flatMap { try? JSONDecoder().decode([String: Double].self, from: $0) }
        lastSeen = Mutex((saved ?? [:], 10_000))
    }

    /// The user wrote now.
    func wrote(_ user: String) {
        let now = clock.now.timeIntervalSince1970
        let window = settings.window
        lastSeen.withLock { state in
            // Those outside the window tell nothing more than someone never seen: they go.
            if state.table.count >= state.pruneAt {
                state.table = state.table.filter { now - $0.value <= window }
                state.pruneAt = max(10_000, state.table.count * 2)
            }
            state.table[user] = now
        }
    }

    func holdBack(_ message: JSONValue, for user: String) async -> String? {
        guard message["type"] == "reply" || message["type"] == "ask" else { return nil }
        let last = lastSeen.withLock { $0.table[user] } ?? 0
        guard clock.now.timeIntervalSince1970 - last > settings.window else { return nil }
        return "outside-window: Zalo chỉ cho gửi tin trong 48 giờ sau tin nhắn cuối của người dùng"
    }

    /// `POST {api}/v3.0/oa/message/cs`, retried (bounded) until Zalo takes it (`error` 0).
    func send(_ text: String, to user: String) async throws {
        let base = settings.apiBase.hasSuffix("/") ? String(settings.apiBase.dropLast()) : settings.apiBase
        for part in MessageSplitter.split(text, limit: 2_000) {
            var renewed = false
            while true {
                let token = await tokens.accessToken()
                var expired = false
                _ = try await GatewayHTTP.post(
                    "\(base)/v3.0/oa/message/cs", headers: [("access_token", token)],
                    body: ["recipient": ["user_id": .string(user)], "message": ["text": .string(part)]], client: client,
                    timeout: .seconds(30), maximumAttempts: 5, logger: logger
                ) { status, value in
                    if value?["error"]?.int == Self.expiredToken, !renewed {
                        expired = true
                        return true
                    }
                    return status == 200 && (value?["error"]?.int ?? 0) == 0
                }
                guard expired else { break }
                renewed = true
                try await tokens.renew()
            }
        }
    }

    /// Saves the users' last message times (owner-only: Zalo user ids).
    func saveState() {
        let now = clock.now.timeIntervalSince1970
        let window = settings.window
        let table = lastSeen.withLock { $0.table.filter { now - $0.value <= window } }
        if let data = try? JSONEncoder().encode(table) {
            try? PrivateFiles.write(String(decoding: data, as: UTF8.self), to: settings.stateFile)
        }
    }
}
