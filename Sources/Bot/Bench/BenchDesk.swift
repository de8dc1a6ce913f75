import ArgumentParser
import Clients
import CommandOptions
import Foundation
import NIOCore
import Synchronization
import Wire

/// `motcua-bench desk-load` and `motcua-bench desk-verify`: the two halves of the crash test
/// (`scripts/crash-test.sh`). The load raises tickets from many askers while an admin handler
/// answers every ticket it is told of, and logs every ticket number an asker received and every
/// reply the handler got an `ok` for; the daemon is killed under it. The verification, against
/// the restarted daemon, checks that each logged ticket exists and each logged reply reaches
/// its asker on resume. The askers never acknowledge, so every reply must still be waiting.
struct BenchDeskLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "desk-load", abstract: "Tạo tải chuyển phiếu và trả lời (nửa đầu của phép thử sập máy).")

    @OptionGroup var server: ServerAddress
    @Option(name: .long, help: "Số người hỏi đồng thời.")
    var askers = 20
    @Option(name: .long, help: "Số giây tối đa.")
    var duration = 30.0
    @Option(name: .long, help: "Tệp chứa mã đăng nhập của cán bộ quản trị.")
    var tokenFile: String
    @Option(name: .long, help: "Thư mục ghi nhật ký (asker.log, handler.log).")
    var out: String

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let token = try Secrets.read(file: tokenFile, variable: "MOTCUA_TOKEN")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let askerLog = try AppendLog(path: "\(out)/asker.log")
        let handlerLog = try AppendLog(path: "\(out)/handler.log")
        let deadline = ContinuousClock.now + .milliseconds(Int(duration * 1000))
        let (host, port, askers) = (server.host, server.port, self.askers)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // The handler: answer every ticket as soon as it is pushed.
                guard let client = try? await JSONLineClient(host: host, port: port) else { return }
                defer { Task { await client.close() } }
                _ = try? await client.ask(["type": "login", "token": .string(token)])
                while ContinuousClock.now < deadline, let event = try? await client.next(within: 2) {
                    if event["type"] == "ticket", let number = event["ticket"]?.int {
                        try? await client.send(["type": "reply", "ticket": .int(number), "id": .int(number),
                                                "text": .string("Trả lời phiếu số \(number).")])
                    } else if event["type"] == "ok", let number = event["re"]?.int {
                        handlerLog.append("\(number)")
                    }
                    if await client.closed { break }
                }
            }
            for asker in 0..<askers {
                group.addTask {
                    guard let client = try? await JSONLineClient(host: host, port: port),
                        let welcome = try? await client.ask(["type": "hello"]),
                        let conversation = welcome["conversation"]?.string
                    else { return }
                    defer { Task { await client.close() } }
                    var round = 0
                    while ContinuousClock.now < deadline {
                        round += 1
                        guard (try? await client.send(["type": "escalate", "kind": "cau-hoi",
                                                        "text": .string("Câu hỏi thử độ bền \(asker)-\(round)")])) != nil
                        else { return }
                        // Skip pushed replies; wait for this request's receipt.
                        var receipt: JSONValue?
                        while let event = try? await client.next(within: 5) {
                            if event["type"] == "escalated" || event["type"] == "error" {
                                receipt = event
                                break
                            }
                        }
                        guard let receipt, let number = receipt["ticket"]?.int else { return }
                        askerLog.append("\(number) \(conversation)")
                    }
                }
            }
        }
        print("askers logged \(askerLog.count) tickets, handler logged \(handlerLog.count) replies")
    }
}

/// The verification half of the crash test.
struct BenchDeskVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "desk-verify", abstract: "Kiểm tra sau khi khởi động lại: không mất phiếu, không mất câu trả lời.")

    @OptionGroup var server: ServerAddress
    @Option(name: .long, help: "Tệp chứa mã đăng nhập của cán bộ quản trị.")
    var tokenFile: String
    @Option(name: .long, help: "Thư mục nhật ký của desk-load.")
    var out: String

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let token = try Secrets.read(file: tokenFile, variable: "MOTCUA_TOKEN")
        var conversationOf: [Int: String] = [:]
        for line in try String(contentsOfFile: "\(out)/asker.log", encoding: .utf8).split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let number = Int(parts[0]) { conversationOf[number] = String(parts[1]) }
        }
        let replied = Set(try String(contentsOfFile: "\(out)/handler.log", encoding: .utf8).split(separator: "\n")
            .compactMap { Int($0) })

        let (host, port) = (server.host, server.port)
        let admin = try await JSONLineClient(host: host, port: port)
        _ = try await admin.ask(["type": "login", "token": .string(token)])
        var missingTickets: [Int] = []
        for number in conversationOf.keys.sorted() {
            let shown = try await admin.ask(["type": "show", "ticket": .int(number)])
            if shown["type"] != "show" { missingTickets.append(number) }
        }

        var delivered = 0
        var missingReplies: [Int] = []
        let byConversation = Dictionary(grouping: replied.filter { conversationOf[$0] != nil }) { conversationOf[$0]! }
        for (conversation, tickets) in byConversation {
            let asker = try await JSONLineClient(host: host, port: port)
            _ = try await asker.ask(["type": "hello", "conversation": .string(conversation)])
            var received: Set<Int> = []
            while let event = try? await asker.next(within: 1) {
                if event["type"] == "reply", let number = event["ticket"]?.int { received.insert(number) }
            }
            for ticket in tickets {
                if received.contains(ticket) { delivered += 1 } else { missingReplies.append(ticket) }
            }
            await asker.close()
        }
        await admin.close()
        let unlogged = replied.filter { conversationOf[$0] == nil }.count
        print("tickets an asker received: \(conversationOf.count); in the store after restart: "
            + "\(conversationOf.count - missingTickets.count); missing: \(missingTickets.count)")
        print("replies a handler got ok for: \(replied.count) (\(unlogged) to tickets whose receipt the asker "
            + "never read); delivered on resume: \(delivered); missing: \(missingReplies.count)")
        if !missingTickets.isEmpty || !missingReplies.isEmpty {
            print("LOST: tickets \(missingTickets.prefix(20)), replies \(missingReplies.sorted().prefix(20))")
            throw ExitCode(1)
        }
    }
}

/// Lines appended to a file as they happen (the load may be cut off at any moment).
final class AppendLog: Sendable {
    let handle: FileHandle
    let lines = Mutex(0)

    init(path: String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    func append(_ line: String) {
        lines.withLock { count in
            try? handle.write(contentsOf: Data((line + "\n").utf8))
            count += 1
        }
    }

    var count: Int { lines.withLock { $0 } }
}
