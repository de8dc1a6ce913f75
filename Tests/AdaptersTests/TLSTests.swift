import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import Clients
@testable import Server
@testable import Wire

/// TLS on both listeners, with a certificate made in the test: the JSON protocol over TLS, HTTPS,
/// and nothing for a client that does not speak TLS or does not trust the certificate.
@Suite(.serialized) struct TLSTests {
    /// Runs a desk daemon with TLS from `certificate` on both listeners.
    func withTLSDaemon(_ certificate: TestCertificate, _ body: @Sendable @escaping (OperationsDaemon.Ports) async throws -> Void)
        async throws
    {
        let (daemon, _, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let tls = try ListenerTLS.serverConfiguration(certificateFile: certificate.certificateFile, keyFile: certificate.keyFile)
        try await OperationsDaemon.run(try await daemon.service(), tls: tls, body)
    }

    /// A client trusting the daemon's certificate asks over TLS — by address and by name — and
    /// is answered; HTTPS `/health` answers `ok` to a client trusting it.
    @Test func jsonAndHTTPSOverTLS() async throws {
        let certificate = try TestCertificate.make()
        defer { certificate.remove() }
        try await withTLSDaemon(certificate) { ports in
            let trust = try DaemonConnection.TLS(caFile: certificate.certificateFile)
            for host in ["127.0.0.1", "localhost"] {
                let client = try await JSONLineClient(host: host, port: ports.tcp, tls: trust)
                let reply = try await client.ask(["type": "say", "text": .string(DeskDaemon.entries[0].question)])
                #expect(reply["type"] == "answer" && reply["text"]?.string?.contains("5 cấp độ") == true, "\(host): \(reply)")
                await client.close()
            }
            let https = try certificate.httpClient()
            do {
                let response = try await https.execute(HTTPClientRequest(url: "https://127.0.0.1:\(ports.http)/health"),
                                                       timeout: .seconds(10))
                #expect(response.status == .ok)
                #expect(String(buffer: try await response.body.collect(upTo: 1024)) == "ok")
            } catch {
                try await https.shutdown()
                throw error
            }
            try await https.shutdown()
        }
    }

    /// The console's sign-in over the daemon's own HTTPS sets a `Secure` cookie: the browser
    /// never sends it over plain HTTP.
    @Test func consoleCookieIsSecureOverHTTPS() async throws {
        let certificate = try TestCertificate.make()
        defer { certificate.remove() }
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let tls = try ListenerTLS.serverConfiguration(certificateFile: certificate.certificateFile, keyFile: certificate.keyFile)
        try await OperationsDaemon.run(try await daemon.service(), tls: tls) { ports in
            let https = try certificate.httpClient()
            do {
                var request = HTTPClientRequest(url: "https://127.0.0.1:\(ports.http)/console/session")
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: #"{"token": "\#(attt)"}"#))
                let response = try await https.execute(request, timeout: .seconds(10))
                #expect(response.status == .ok)
                let cookie = response.headers["Set-Cookie"].first ?? ""
                #expect(cookie.contains("HttpOnly") && cookie.hasSuffix("; Secure"), "\(cookie)")
            } catch {
                try await https.shutdown()
                throw error
            }
            try await https.shutdown()
        }
    }

    /// `--tls-server-name`: a client on the daemon's machine dials 127.0.0.1 and checks the name
    /// the certificate carries; a name it does not carry, or the bare address, is refused.
    @Test func serverNameChecked() async throws {
        let certificate = try TestCertificate.make(address: false)
        defer { certificate.remove() }
        try await withTLSDaemon(certificate) { ports in
            let trusted = certificate.certificateFile
            let reply = try await Self.help(port: ports.tcp, caFile: trusted, serverName: "localhost")
            #expect(reply["type"] == "chat")
            await #expect(throws: (any Error).self, "a name the certificate does not carry") {
                _ = try await Self.help(port: ports.tcp, caFile: trusted, serverName: "hoidap.example.gov.vn")
            }
            await #expect(throws: (any Error).self, "an address the certificate does not carry") {
                _ = try await Self.help(port: ports.tcp, caFile: trusted, serverName: nil)
            }
        }
    }

    /// Asks for help over TLS from 127.0.0.1, trusting `caFile` and checking `serverName`.
    static func help(port: Int, caFile: String, serverName: String?) async throws -> JSONValue {
        let client = try await JSONLineClient(host: "127.0.0.1", port: port,
                                              tls: try DaemonConnection.TLS(caFile: caFile, serverName: serverName))
        defer { Task { await client.close() } }
        return try await client.ask(["type": "help"])
    }

    /// A client that speaks plain TCP to the TLS listener gets no reply at all (its line is
    /// not a TLS handshake) and is disconnected; plain HTTP to the HTTPS listener fails.
    @Test func plainClientsGetNothing() async throws {
        let certificate = try TestCertificate.make()
        defer { certificate.remove() }
        try await withTLSDaemon(certificate) { ports in
            let received = try await Self.plainExchange(port: ports.tcp, send: #"{"type":"say","text":"xin chào","id":1}"# + "\n")
            #expect(!received.contains("\"type\""), "no JSON reply to a plain-text client: \(received)")
            await #expect(throws: (any Error).self) {
                _ = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(ports.http)/health"),
                                                        timeout: .seconds(5))
            }
        }
    }

    /// A TLS client that does not trust the certificate (only the system's authorities) does not
    /// get through: the check of the daemon's certificate is real.
    @Test func untrustedCertificateRefused() async throws {
        let certificate = try TestCertificate.make()
        defer { certificate.remove() }
        try await withTLSDaemon(certificate) { ports in
            await #expect(throws: (any Error).self) {
                let client = try await JSONLineClient(host: "127.0.0.1", port: ports.tcp, tls: try DaemonConnection.TLS())
                defer { Task { await client.close() } }
                _ = try await client.ask(["type": "help"])
            }
        }
    }

    /// Sends `text` over plain TCP and returns everything the server sent until it closed the
    /// connection (fails if it stays open for 10 s).
    static func plainExchange(port: Int, send text: String) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: text))
            return try await withThrowingTaskGroup(of: String?.self) { group in
                group.addTask {
                    var received = ""
                    do {
                        for try await buffer in inbound { received += String(decoding: buffer.readableBytesView, as: UTF8.self) }
                    } catch {}  // a reset is a way of closing too
                    return received
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(10))
                    return nil
                }
                let first = try await group.next()!
                group.cancelAll()
                return try #require(first, "the server kept the plain-text connection open")
            }
        }
    }
}
