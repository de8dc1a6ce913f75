import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

@testable import Wire

/// A fake Telegram Bot API on loopback: `getUpdates` serves queued updates after the offset
/// (waiting a little when there are none), `sendMessage` records what was sent; it can be told
/// to answer the next requests with 502 (an outage) or 429.
final class FakeTelegram: Sendable {
    struct State {
        var updates: [(id: Int, chat: Int, text: String?)] = []
        var sent: [(chat: Int, text: String)] = []
        var failures = 0
        var failureStatus: HTTPResponseStatus = .badGateway
        var offsets: [Int] = []
        /// Chats that blocked the bot: Telegram refuses messages to them (403).
        var blocked: Set<Int> = []
        /// How long `sendMessage` takes to answer.
        var sendDelay: TimeAmount = .zero
        /// When each message was sent.
        var sentAt: [(chat: Int, at: ContinuousClock.Instant)] = []
    }

    let state = Mutex(State())
    private let server = Mutex<(any Channel)?>(nil)

    static func start() async throws -> FakeTelegram {
        let fake = FakeTelegram()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(fake: fake))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        fake.server.withLock { $0 = channel }
        return fake
    }

    var base: String { "http://127.0.0.1:\(server.withLock { $0?.localAddress?.port ?? 0 })" }

    func stop() async { try? await server.withLock { $0 }?.close() }

    /// Queues an update from a chat.
    func receive(chat: Int, text: String?) {
        state.withLock { state in
            let id = (state.updates.last?.id ?? 100) + 1
            state.updates.append((id, chat, text))
        }
    }

    /// Messages sent to a chat so far.
    func sent(to chat: Int) -> [String] {
        state.withLock { $0.sent.filter { $0.chat == chat }.map(\.text) }
    }

    /// When the first message to a chat was sent.
    func firstSent(to chat: Int) -> ContinuousClock.Instant? {
        state.withLock { $0.sentAt.first { $0.chat == chat }?.at }
    }

    /// Waits until `condition` holds on what was sent, or fails after `seconds`.
    func wait(_ seconds: Double = 15, until condition: @escaping @Sendable ([(chat: Int, text: String)]) -> Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if state.withLock({ condition($0.sent) }) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ClientTimeout()
    }

    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let fake: FakeTelegram
        var head: HTTPRequestHead?
        var body = ByteBuffer()

        init(fake: FakeTelegram) { self.fake = fake }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body.clear()
            case .body(var chunk):
                body.writeBuffer(&chunk)
            case .end:
                guard let head else { return }
                let request = (try? JSONValue.parse(String(buffer: body))) ?? [:]
                let method = head.uri.split(separator: "/").last.map(String.init) ?? ""
                let fail = fake.state.withLock { state -> HTTPResponseStatus? in
                    guard state.failures > 0 else { return nil }
                    state.failures -= 1
                    return state.failureStatus
                }
                if let fail {
                    respond(context, fail, fail == .tooManyRequests
                        ? #"{"ok":false,"error_code":429,"description":"Too Many Requests","parameters":{"retry_after":1}}"#
                        : "bad gateway")
                    return
                }
                switch method {
                case "getUpdates":
                    let offset = request["offset"]?.int ?? 0
                    let updates = fake.state.withLock { state in
                        state.offsets.append(offset)
                        return state.updates.filter { $0.id >= offset }
                    }
                    let result = JSONValue.array(updates.map { update in
                        var message: [String: JSONValue] = ["message_id": .int(update.id), "chat": ["id": .int(update.chat), "type": "private"]]
                        if let text = update.text { message["text"] = .string(text) } else { message["sticker"] = ["file_id": "x"] }
                        return ["update_id": .int(update.id), "message": .object(message)]
                    })
                    let reply = JSONValue.object(["ok": true, "result": result]).encoded()
                    if updates.isEmpty {
                        // Long polling: nothing yet, answer a moment later.
                        context.eventLoop.scheduleTask(in: .milliseconds(100)) { self.respond(context, .ok, reply) }
                    } else {
                        respond(context, .ok, reply)
                    }
                case "sendMessage":
                    let chat = request["chat_id"]?.int ?? 0
                    let text = request["text"]?.string ?? ""
                    let (blocked, delay) = fake.state.withLock { state -> (Bool, TimeAmount) in
                        (state.blocked.contains(chat), state.sendDelay)
                    }
                    if blocked {
                        respond(context, .forbidden, #"{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}"#)
                    } else {
                        context.eventLoop.scheduleTask(in: delay) {
                            self.fake.state.withLock { state in
                                state.sent.append((chat, text))
                                state.sentAt.append((chat, .now))
                            }
                            self.respond(context, .ok, #"{"ok":true,"result":{"message_id":1}}"#)
                        }
                    }
                default:
                    respond(context, .notFound, #"{"ok":false,"error_code":404,"description":"Not Found"}"#)
                }
            }
        }

        func respond(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus, _ text: String) {
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: "\(text.utf8.count)")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
