import ArgumentParser
import Foundation
import Testing

@testable import Bot
@testable import CommandOptions
@testable import Server

/// `motcua serve`'s options as an operator gives them: a configuration file with flags over it,
/// and the refusal to listen in the clear where other machines can connect.
@Suite struct ServeOptionsTests {
    /// Writes `json` to a temporary file; returns its path.
    static func file(_ json: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("motcua-\(UUID().uuidString).json").path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// `serve` as the `motcua` command parses it (the file expanded first, as `main` does).
    static func serve(_ arguments: [String]) throws -> Serve {
        try #require(try Motcua.parseAsRoot(try Motcua.arguments(["serve"] + arguments)) as? Serve)
    }

    /// The file's settings are the options, flags on the command line win over them (a repeated
    /// option whole), and `--config` (the ranking file) is still its own option.
    @Test func fileThenFlags() throws {
        let path = try Self.file("""
            {"data": "/var/lib/motcua", "host": "127.0.0.1", "port": 7000, "http": "127.0.0.1:8443",
             "http-origin": ["https://hoidap.example.gov.vn", "https://www.example.gov.vn"],
             "max-connections": 5000, "rate": 2.5, "tls-cert": "/etc/motcua/tls/cert.pem",
             "tls-key": "/etc/motcua/tls/key.pem", "config": "/etc/motcua/ranking.json", "stdio": false}
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fromFile = try Self.serve(["--config-file", path])
        #expect(fromFile.store.data == "/var/lib/motcua")
        #expect(fromFile.port.value == 7000 && fromFile.host == "127.0.0.1")
        #expect(fromFile.http?.host == "127.0.0.1" && fromFile.http?.port == 8443)
        #expect(fromFile.httpOrigin == ["https://hoidap.example.gov.vn", "https://www.example.gov.vn"])
        #expect(fromFile.maxConnections == 5000 && fromFile.rate == 2.5)
        #expect(fromFile.tlsCert == "/etc/motcua/tls/cert.pem" && fromFile.tlsKey == "/etc/motcua/tls/key.pem")
        #expect(fromFile.store.config == "/etc/motcua/ranking.json")
        #expect(!fromFile.stdio)

        let overridden = try Self.serve(["--port", "7100", "--config-file=\(path)", "--http-origin", "https://khac.example",
                                         "--data=/srv/motcua"])
        #expect(overridden.port.value == 7100)
        #expect(overridden.store.data == "/srv/motcua")
        #expect(overridden.httpOrigin == ["https://khac.example"], "the command line's list replaces the file's")
        #expect(overridden.maxConnections == 5000, "what the command line does not name comes from the file")
    }

    /// The sample deployment's file (`deploy/motcua.json`, what `deploy/motcua.service` runs
    /// with) is one `serve` accepts: public listeners with TLS from /etc/motcua.
    @Test func deploySampleParses() throws {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let sample = try Self.serve(["--config-file", url.appendingPathComponent("deploy/motcua.json").path])
        #expect(sample.store.data == "/var/lib/motcua")
        #expect(sample.host == "0.0.0.0" && sample.http?.host == "0.0.0.0")
        #expect(sample.tlsCert?.hasPrefix("/etc/motcua/") == true && sample.tlsKey?.hasPrefix("/etc/motcua/") == true)
        #expect(!sample.insecure)
        let unit = try String(contentsOf: url.appendingPathComponent("deploy/motcua.service"), encoding: .utf8)
        #expect(unit.contains("serve --config-file /etc/motcua/motcua.json"))
    }

    /// A key that is no option of `serve` stops it with an error naming the key; so does a value
    /// of the wrong shape, and a value the option itself refuses.
    @Test func badFilesNamed() throws {
        let unknown = try Self.file(#"{"data": "/var/lib/motcua", "retention-dayz": 30}"#)
        let flagWithValue = try Self.file(#"{"insecure": "yes"}"#)
        let badPort = try Self.file(#"{"port": 70000}"#)
        defer { for path in [unknown, flagWithValue, badPort] { try? FileManager.default.removeItem(atPath: path) } }
        #expect {
            _ = try Self.serve(["--config-file", unknown])
        } throws: { error in
            "\(error)".contains("\"retention-dayz\"")
        }
        #expect(throws: ConfigFile.Error.self) { _ = try Self.serve(["--config-file", flagWithValue]) }
        #expect(throws: (any Error).self) { _ = try Self.serve(["--config-file", badPort]) }
        #expect(throws: ConfigFile.Error.self) { _ = try Self.serve(["--config-file", "/nonexistent/motcua.json"]) }
    }

    /// Listening on an address other machines reach needs TLS or `--insecure`; loopback needs
    /// neither; a certificate needs its key.
    @Test func nonLoopbackNeedsTLS() throws {
        for open in [["--host", "0.0.0.0"], ["--http", "0.0.0.0:8080"], ["--host", "192.0.2.10"], ["--http", "[::]:8080"]] {
            #expect(throws: (any Error).self, "\(open)") { _ = try Self.serve(open) }
        }
        for fine in [["--host", "127.0.0.2", "--http", "localhost:8080"], ["--host", "::1"], ["--host", "0.0.0.0", "--insecure"],
                     ["--host", "0.0.0.0", "--tls-cert", "c.pem", "--tls-key", "k.pem"], ["--host", "0.0.0.0", "--stdio"]]
        {
            #expect(throws: Never.self, "\(fine)") { _ = try Self.serve(fine) }
        }
        #expect(throws: (any Error).self) { _ = try Self.serve(["--tls-cert", "c.pem"]) }
    }

    /// `motcua serve --host 0.0.0.0` without TLS exits non-zero with a message that says why and
    /// what to give instead, before it opens anything.
    @Test func binaryRefusesOpenListener() throws {
        try #require(FileManager.default.isExecutableFile(atPath: BinaryStdioTests.binary.path))
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("motcua-open-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let process = Process()
        process.executableURL = BinaryStdioTests.binary
        process.arguments = ["serve", "--host", "0.0.0.0", "--port", "0", "--data", data.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(message.contains("0.0.0.0") && message.contains("--tls-cert") && message.contains("--insecure"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: data.path), "nothing was opened")
    }

    /// The listeners' loopback rule, address by address.
    @Test(arguments: [
        ("127.0.0.1", true), ("127.8.9.10", true), ("localhost", true), ("LOCALHOST", true), ("::1", true), ("[::1]", true),
        ("0:0:0:0:0:0:0:1", true), ("0.0.0.0", false), ("::", false), ("10.0.0.5", false), ("192.168.1.2", false),
        ("fe80::1", false), ("hoidap.example.gov.vn", false), ("128.0.0.1", false),
    ])
    func loopback(_ host: String, _ expected: Bool) {
        #expect(ListenerTLS.isLoopback(host) == expected)
    }
}
