import Foundation
import NIOCore
import NIOSSL

/// TLS for the daemon's listeners (TCP and HTTP share one certificate), and the rule that a
/// listener reachable from other machines speaks TLS: an address that is not loopback carries
/// handler tokens and askers' questions over the network.
package enum ListenerTLS {
    /// A certificate or key file could not be used (the message names the file).
    package struct Error: Swift.Error, CustomStringConvertible {
        package var description: String
    }

    /// Whether a listener on `host` is reachable from this machine only: `localhost`, an
    /// address in 127.0.0.0/8, or `::1`. Anything else — `0.0.0.0`, `::`, a LAN address, a
    /// name — may be reached from elsewhere.
    package static func isLoopback(_ host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" { return true }
        if let address = try? SocketAddress(ipAddress: host, port: 0) {
            switch address {
            case .v4:
                return host.split(separator: ".").first == "127"
            case .v6:
                // ::1, however it is written (0:0:0:0:0:0:0:1); ::ffff:127.x.y.z is loopback too.
                guard var bytes = address.ipAddressBytes else { return false }
                if bytes.prefix(12) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] { return bytes[12] == 127 }
                let last = bytes.removeLast()
                return last == 1 && bytes.allSatisfy { $0 == 0 }
            default:
                return false
            }
        }
        return false
    }

    /// The server side of TLS from PEM files: the certificate chain (leaf first) and its
    /// private key, checked to belong together.
    /// - Throws: `Error` naming the file that cannot be read or does not match.
    package static func serverConfiguration(certificateFile: String, keyFile: String) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
        } catch {
            throw Error(description: "không đọc được chứng chỉ TLS (PEM) \(certificateFile): \(error)")
        }
        guard !chain.isEmpty else {
            throw Error(description: "tệp \(certificateFile) không có chứng chỉ PEM nào")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        } catch {
            throw Error(description: "không đọc được khoá riêng TLS (PEM) \(keyFile): \(error)")
        }
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        // Made once here so that a key that does not match its certificate stops the start.
        do {
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw Error(
                description: "chứng chỉ \(certificateFile) và khoá \(keyFile) không dùng được cùng nhau: \(error)")
        }
        return configuration
    }
}

extension SocketAddress {
    /// The address's bytes (4 for IPv4, 16 for IPv6; nil for a Unix socket).
    fileprivate var ipAddressBytes: [UInt8]? {
        switch self {
        case .v6(let address):
            return withUnsafeBytes(of: address.address.sin6_addr) { Array($0) }
        case .v4(let address):
            return withUnsafeBytes(of: address.address.sin_addr) { Array($0) }
        default:
            return nil
        }
    }
}
