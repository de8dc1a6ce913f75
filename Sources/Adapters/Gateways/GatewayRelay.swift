import Foundation
import Logging
import Synchronization
import Wire

/// How an adapter reaches its users on its network (Telegram, Zalo, …).
package protocol GatewayNetwork: Sendable {
    /// Sends a text to a user; returns once the network accepted all of it.
    /// - Throws: when the network refused it or the adapter gave up after its bounded retries
    ///   (`GatewayHTTP.Refused` carries the attempts).
    func send(_ text: String, to user: String) async throws

    /// Why a unit's message may not go to `user` now (Zalo: outside the 48 hours after the
    /// user last wrote); nil: it may.
    func holdBack(_ message: JSONValue, for user: String) async -> String?
}

/// What every adapter shares: the gateway link to the daemon, the users' lanes, and the rules
/// for a unit's message — sent at most once at a time, acknowledged only after the network took
/// it, reported undeliverable (with why and the attempts) when the network would not, and then
/// left for the daemon to send again (at the next login, or when the user writes).
package final class GatewayRelay: Sendable {
    /// What a user reads when the daemon cannot be reached.
    static let busy = "Xin lỗi, hệ thống đang bận. Anh/chị vui lòng gửi lại sau ít phút ạ."
    /// What a user reads when they send faster than the adapter takes.
    static let tooFast = "Anh/chị gửi nhanh quá; em chưa kịp đọc hết. Anh/chị vui lòng gửi lại sau giây lát ạ."

    /// The link to the daemon.
    package let link: GatewayLink
    /// The users' lanes.
    package let lanes: UserLanes
    let network: any GatewayNetwork
    let logger: Logger
    private let deliveries = Mutex(RecentDeliveries())
    private let events: AsyncStream<JSONValue>
    private let pump = Mutex<Task<Void, Never>?>(nil)

    /// Creates a relay; `start()` links it.
    package init(link settings: GatewayLink.Settings, network: any GatewayNetwork, lanes: UserLanes = UserLanes(),
                 logger: Logger)
    {
        // Events wait here (a bounded buffer: what falls out is sent again by the daemon).
        let (stream, continuation) = AsyncStream.makeStream(of: JSONValue.self, bufferingPolicy: .bufferingOldest(50_000))
        events = stream
        // The next page of a backlog only once the lanes have room for it.
        link = GatewayLink(settings: settings, logger: logger, pace: { await lanes.waitUntil(below: lanes.total / 4) }) {
            continuation.yield($0)
        }
        self.network = network
        self.lanes = lanes
        self.logger = logger
    }

    /// Opens the link and starts handling what the daemon sends.
    package func start() async {
        await link.start()
        let events = self.events
        pump.withLock { pump in
            pump = Task { [self] in
                for await event in events { await self.event(event) }
            }
        }
    }

    /// A user's message from the network: queued on the user's lane, sent to the daemon, its
    /// answer sent back. False when the lanes are full (the user is told to slow down).
    @discardableResult
    package func received(_ text: String, from user: String) async -> Bool {
        let request = GatewayCommands.request(for: text)
        let accepted = await lanes.submit(user) { [self] in
            do {
                let response = try await link.request(request, user: user)
                await show(response, to: user)
            } catch {
                logger.notice("daemon did not answer a user's message",
                              metadata: ["gateway.user": "\(LogPrivacy.pseudonym(user))", "error": "\(error)"])
                try? await network.send(Self.busy, to: user)
            }
        }
        if !accepted { try? await network.send(Self.tooFast, to: user) }
        return accepted
    }

    /// Sends a text of the adapter's own to a user, in the user's lane (greetings, "text only").
    package func say(_ text: String, to user: String) async {
        await lanes.submit(user) { [self] in try? await network.send(text, to: user) }
    }

    /// Waits for the lanes to empty (at most `seconds`), then closes the link: graceful shutdown.
    package func finish(within seconds: Double = 20) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.lanes.idle() }
            group.addTask { try? await Task.sleep(for: .milliseconds(Int(seconds * 1000))) }
            await group.next()
            group.cancelAll()
        }
        await link.close()
        pump.withLock { $0?.cancel() }
    }

    // MARK: - What the daemon sends

    func event(_ message: JSONValue) async {
        guard let user = message["user"]?.string else { return }
        guard ["reply", "ask"].contains(message["type"]?.string), let delivery = message["delivery"]?.int else {
            await lanes.submit(user) { [self] in await show(message, to: user) }
            return
        }
        let action = deliveries.withLock { $0.begin(delivery) }
        switch action {
        case .skip:
            return
        case .acknowledge:
            // Sent before, the acknowledgment lost: only acknowledged.
            await lanes.submit(user) { [self] in await acknowledge(delivery, of: user, sent: false) }
        case .send:
            let queued = await lanes.submit(user) { [self] in await deliver(message, delivery, to: user) }
            if !queued { deliveries.withLock { $0.forget(delivery) } }
        }
    }

    /// A unit's message to its user: held back, sent and acknowledged, or reported undelivered.
    func deliver(_ message: JSONValue, _ delivery: Int, to user: String) async {
        if let reason = await network.holdBack(message, for: user) {
            await undeliverable(delivery, of: user, reason: reason, attempts: 0)
            return
        }
        guard let text = GatewayText.render(message) else { return }
        do {
            try await network.send(text, to: user)
        } catch {
            let refused = error as? GatewayHTTP.Refused
            await undeliverable(delivery, of: user, reason: refused?.description ?? "\(error)", attempts: refused?.attempts ?? 1)
            return
        }
        await acknowledge(delivery, of: user, sent: true)
    }

    private func acknowledge(_ delivery: Int, of user: String, sent: Bool) async {
        do {
            let answer = try await link.request(["type": "ack", "delivery": .int(delivery)], user: user)
            deliveries.withLock { $0.acknowledged(delivery) }
            if answer["type"] == "error" {
                logger.notice("daemon refused an acknowledgment", metadata: ["delivery": "\(delivery)", "code": "\(answer["code"]?.string ?? "-")"])
            }
        } catch {
            // Sent, but the daemon did not hear it: when it sends it again, it is only acknowledged.
            deliveries.withLock { $0.sentUnacknowledged(delivery) }
        }
    }

    private func undeliverable(_ delivery: Int, of user: String, reason: String, attempts: Int) async {
        deliveries.withLock { $0.forget(delivery) }
        logger.notice("unit message not delivered", metadata: ["gateway.user": "\(LogPrivacy.pseudonym(user))",
                                                              "delivery": "\(delivery)", "reason": "\(reason)"])
        _ = try? await link.request(["type": "undeliverable", "delivery": .int(delivery), "reason": .string(String(reason.prefix(300))),
                                     "attempts": .int(attempts)], user: user)
    }

    /// Shows a daemon message to its user (nothing for what has no text).
    func show(_ message: JSONValue, to user: String) async {
        guard let text = GatewayText.render(message) else { return }
        do {
            try await network.send(text, to: user)
        } catch {
            logger.error("network refused a message", metadata: ["gateway.user": "\(LogPrivacy.pseudonym(user))", "error": "\(error)"])
        }
    }
}

/// The unit messages an adapter is sending or has sent lately, by delivery id: a message the
/// daemon sends again while it is on its way is not sent twice, and one sent whose
/// acknowledgment was lost is only acknowledged. The last 10,000 are remembered.
struct RecentDeliveries {
    enum Action { case send, acknowledge, skip }

    static let capacity = 10_000
    private var inFlight: Set<Int> = []
    private var sent: Set<Int> = []
    private var sentOrder: [Int] = []

    mutating func begin(_ delivery: Int) -> Action {
        if inFlight.contains(delivery) { return .skip }
        inFlight.insert(delivery)
        return sent.contains(delivery) ? .acknowledge : .send
    }

    mutating func acknowledged(_ delivery: Int) {
        inFlight.remove(delivery)
        remember(delivery)
    }

    mutating func sentUnacknowledged(_ delivery: Int) {
        inFlight.remove(delivery)
        remember(delivery)
    }

    mutating func forget(_ delivery: Int) {
        inFlight.remove(delivery)
    }

    private mutating func remember(_ delivery: Int) {
        guard sent.insert(delivery).inserted else { return }
        sentOrder.append(delivery)
        if sentOrder.count > Self.capacity {
            sent.remove(sentOrder.removeFirst())
        }
    }
}
