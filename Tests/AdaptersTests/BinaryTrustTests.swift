import Dialogue
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import Clients
@testable import Server

/// The built `motcua` binary under the conditions an operator meets: too few file descriptors,
/// a token revoked from another process, a report asked for a date out of range.
@Suite(.serialized) struct BinaryTrustTests {
    /// Out of file descriptors, the daemon refuses new clients with `busy` instead of leaving
    /// them hanging, serves those it holds, and does not spin a core.
    @Test func outOfDescriptorsClientsGetBusyAndNoCoreSpins() async throws {
        let daemon = try DaemonProcess(arguments: [], descriptorLimit: 160)
        defer { daemon.stop() }
        let port = try daemon.port()
        // 160 descriptors leave room for 48 connections (DescriptorBudget); ask with 120.
        let results = Outcomes()
        var clients: [JSONLineClient] = []
        for _ in 0..<120 { clients.append(try await JSONLineClient(host: "127.0.0.1", port: port)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in clients {
                group.addTask {
                    try? await client.send(["type": "say", "text": "xin chào", "id": 1])
                    let reply = try await client.next(within: 10)
                    await results.add(reply?["type"] == "error" ? reply?["code"]?.string ?? "?" : reply?["type"]?.string ?? "nothing")
                }
            }
            try await group.waitForAll()
        }
        let outcome = await results.all
        #expect(outcome.count == 120)
        #expect(!outcome.contains("nothing"), "every client heard back: \(outcome)")
        #expect(outcome.filter { $0 == "chat" }.count >= 40, "the ones it holds are served")
        #expect(outcome.filter { $0 == "busy" }.count >= 60, "the rest are told busy")
        // The held connections stay open; the daemon rests meanwhile.
        let cpu = try daemon.cpuSeconds(over: 2)
        #expect(cpu < 0.3, "daemon used \(cpu) s of CPU in 2 s at its descriptor limit")
        let late = try await JSONLineClient(host: "127.0.0.1", port: port)
        try? await late.send(["type": "say", "text": "xin chào"])  // refused at once: the send may find it closed
        #expect(try await late.next(within: 10)?["code"] == "busy")
        for client in clients { await client.close() }
        await late.close()
    }

    /// `motcua handlers revoke` in another process ends a live session within a couple of
    /// seconds: the handler is told, and their next request is refused.
    @Test func revokingFromAnotherProcessEndsTheSession() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("motcua-revoke-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        let added = try DaemonProcess.run(["handlers", "add", "--data", data, "--unit", "ATTT", "--name", "Cán bộ thử", "--days", "30"])
        let token = try #require(added.split(separator: "\n").last.map(String.init))
        let id = try #require(HandlerTokens.parse(token)).id
        let daemon = try DaemonProcess(arguments: [], data: data)
        defer { daemon.stop() }
        let client = try await JSONLineClient(host: "127.0.0.1", port: try daemon.port())
        #expect(try await client.ask(["type": "login", "token": .string(token)])["type"] == "welcome")
        #expect(try DaemonProcess.run(["handlers", "list", "--data", data]).contains("hết hạn"))
        _ = try DaemonProcess.run(["handlers", "revoke", "--data", data, id])
        let told = try await client.next(within: 5)
        #expect(told?["type"] == "signed-out" && told?["reason"] == "revoked")
        #expect(try await client.ask(["type": "queue"])["code"] == "bad-token")
        await client.close()
    }

    /// A report for a date out of range is a clear error, not a crash; the data directory the
    /// commands create is the daemon user's only.
    @Test func reportDatesAreChecked() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("motcua-report-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        _ = try DaemonProcess.run(["units", "list", "--data", data])
        #expect(try (FileManager.default.attributesOfItem(atPath: data)[.posixPermissions] as? Int) == 0o700)
        for dates in [["--since", "0001-01-01"], ["--until", "4100-01-01"], ["--since", "2026-02-30"],
                      ["--since", "2026-06-01", "--until", "2026-05-01"]] {
            let (status, output) = try DaemonProcess.exitStatus(["report", "--data", data] + dates)
            #expect(status == 64, "\(dates): exit \(status), \(output)")
            #expect(output.contains("Error"), "\(output)")
        }
        let (status, output) = try DaemonProcess.exitStatus(["report", "--data", data, "--since", "2026-01-01", "--format", "csv"])
        #expect(status == 0 && output.hasPrefix("section,key,count"))
    }
}

/// A `--store` nobody answers at: the command fails with a message after the opening's
/// timeout instead of hanging (run as a process: the pool it leaves retrying ends with it).
@Suite struct UnreachableStoreTests {
    @Test func unreachableStoreFailsTheCommand() throws {
        let started = Date()
        let (status, output) = try DaemonProcess.exitStatus(["units", "list", "--store", "postgres://motcua@127.0.0.1:1/motcua"])
        #expect(status != 0)
        #expect(output.contains("không kết nối được tới PostgreSQL postgres://motcua@127.0.0.1:1/motcua"), "\(output)")
        #expect(Date().timeIntervalSince(started) < 60, "it gives up instead of hanging")
    }
}

/// `motcua serve` as a child process on a free port, with its own data directory.
final class DaemonProcess: Sendable {
    let process: Process
    let data: String
    let ownsData: Bool
    private let errors: Pipe

    /// Starts the daemon (on port 0); `descriptorLimit` runs it under `ulimit -n`.
    init(arguments: [String], data: String? = nil, descriptorLimit: Int? = nil) throws {
        try #require(FileManager.default.isExecutableFile(atPath: BinaryStdioTests.binary.path))
        self.data = data ?? FileManager.default.temporaryDirectory.appendingPathComponent("motcua-proc-\(UUID().uuidString)").path
        ownsData = data == nil
        process = Process()
        let command = ([BinaryStdioTests.binary.path, "serve", "--port", "0", "--data", self.data, "--corpus",
                        BinaryStdioTests.corpus] + arguments).map { "'\($0)'" }.joined(separator: " ")
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", (descriptorLimit.map { "ulimit -n \($0) && " } ?? "") + "exec " + command]
        errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    /// The port, read from the daemon's "listening" log line.
    func port() throws -> Int {
        var seen = ""
        let handle = errors.fileHandleForReading
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if let range = seen.range(of: "port="), seen[range.upperBound...].contains(" ") {
                return try #require(Int(seen[range.upperBound...].prefix { $0.isNumber }))
            }
        }
        throw DaemonFailed(log: seen)
    }

    /// CPU seconds the daemon uses over the next `seconds`.
    func cpuSeconds(over seconds: Double) throws -> Double {
        func ticks() throws -> Double {
            let stat = try String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8)
            let fields = stat[stat.range(of: ") ")!.upperBound...].split(separator: " ")
            return (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)
        }
        let before = try ticks()
        Thread.sleep(forTimeInterval: seconds)
        return (try ticks() - before) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        if ownsData { try? FileManager.default.removeItem(atPath: data) }
    }

    /// Runs a `motcua` command to its end; returns what it printed.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let (status, output) = try exitStatus(arguments)
        guard status == 0 else { throw DaemonFailed(log: output) }
        return output
    }

    /// Runs a `motcua` command to its end; returns its exit status and what it printed (both streams).
    static func exitStatus(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = BinaryStdioTests.binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["MOTCUA_CORPUS": BinaryStdioTests.corpus]) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit, "\(arguments) died by a signal: \(text)")
        return (process.terminationStatus, text)
    }
}

/// The daemon did not start, or a command failed.
struct DaemonFailed: Error, CustomStringConvertible {
    var log: String
    var description: String { "motcua failed: \(log)" }
}

/// What clients heard, gathered from their tasks.
actor Outcomes {
    private(set) var all: [String] = []
    func add(_ outcome: String) { all.append(outcome) }
}
