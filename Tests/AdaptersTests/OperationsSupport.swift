import AsyncHTTPClient
import Crypto
import Dialogue
import Foundation
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import SwiftASN1
import Testing
import X509

@testable import Server
@testable import Web

/// A self-signed certificate for `localhost` and 127.0.0.1 (P-256; or for the name alone),
/// made for one test and written as PEM files to a directory of its own.
struct TestCertificate {
    let directory: URL
    /// The certificate (PEM): what the daemon serves and what the clients trust.
    var certificateFile: String { directory.appendingPathComponent("cert.pem").path }
    /// Its private key (PEM).
    var keyFile: String { directory.appendingPathComponent("key.pem").path }

    /// Makes a fresh key and certificate, valid from an hour ago for a day.
    /// - Parameter address: whether it names 127.0.0.1 too (else only `localhost`).
    static func make(commonName: String = "motcua test", address: Bool = true) throws -> TestCertificate {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("motcua-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName(commonName) }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86_400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                // Its own authority, as `openssl req -x509` makes one: BoringSSL trusts a
                // self-signed certificate as a root only when it says it is a CA.
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                KeyUsage(digitalSignature: true, keyCertSign: true)
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(
                    [.dnsName("localhost")] + (address ? [.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))] : []))
            },
            issuerPrivateKey: .init(key))
        let made = TestCertificate(directory: directory)
        try certificate.serializeAsPEM().pemString.write(toFile: made.certificateFile, atomically: true, encoding: .utf8)
        try key.pemRepresentation.write(toFile: made.keyFile, atomically: true, encoding: .utf8)
        return made
    }

    /// An HTTP client that trusts this certificate (and nothing else).
    func httpClient() throws -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificateFile))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(tlsConfiguration: tls))
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// A daemon serving both listeners, TCP and HTTP, on free ports of 127.0.0.1 — with TLS on
/// both when given one — and its metrics at `/metrics`, as `motcua serve --http` runs them.
enum OperationsDaemon {
    /// The two ports a running daemon listens on.
    struct Ports: Sendable {
        var tcp: Int
        var http: Int
    }

    /// Runs the daemon for `body`, then shuts it down gracefully (also when `body` fails).
    static func run(_ service: DialogueService, metrics: DaemonMetrics? = nil, tls: TLSConfiguration? = nil,
                    _ body: @Sendable @escaping (Ports) async throws -> Void) async throws
    {
        let (tcpPorts, tcpBound) = AsyncStream.makeStream(of: Int.self)
        let (httpPorts, httpBound) = AsyncStream.makeStream(of: Int.self)
        var chat = ChatServer.Configuration()
        chat.port = 0
        chat.tls = tls
        var web = WebServer.Configuration()
        web.port = 0
        web.tls = tls
        let logger = Logger(label: "test")
        let servers: [any Service] = [
            ChatServer(configuration: chat, service: service, logger: logger, onBound: { tcpBound.yield($0) }),
            WebServer(configuration: web, service: service, logger: logger, metrics: metrics, onBound: { httpBound.yield($0) }),
        ]
        var configuration = ServiceGroupConfiguration(services: servers, logger: logger)
        // Generous: the whole suite runs side by side on two cores.
        configuration.maximumGracefulShutdownDuration = .seconds(15)
        let group = ServiceGroup(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var tcp = tcpPorts.makeAsyncIterator()
            var http = httpPorts.makeAsyncIterator()
            guard let tcpPort = await tcp.next(), let httpPort = await http.next() else { return }
            do {
                try await body(Ports(tcp: tcpPort, http: httpPort))
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// `/metrics` read and parsed: each sample (`name{labels}` as the text writes it) to its
    /// value.
    static func scrape(port: Int) async throws -> [String: Double] {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics")
        // No connection kept alive in the shared pool: the daemon's graceful shutdown does not
        // wait for it.
        request.headers.add(name: "connection", value: "close")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        #expect(response.status == .ok)
        #expect(response.headers.first(name: "content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                Issue.record("not a sample line: \(line)")
                continue
            }
            samples[String(line[..<space])] = value
        }
        return samples
    }
}

extension Dictionary where Key == String, Value == Double {
    /// The sum of a metric's samples whose labels hold every one of `labels` (`name{…}` or a
    /// bare `name`; `_bucket`, `_sum` and `_count` are other names).
    func sum(_ name: String, _ labels: [String: String] = [:]) -> Double {
        reduce(0) { total, sample in
            guard sample.key == name || sample.key.hasPrefix(name + "{") else { return total }
            let matches = labels.allSatisfy { sample.key.contains("\($0.key)=\"\($0.value)\"") }
            return matches ? total + sample.value : total
        }
    }
}
