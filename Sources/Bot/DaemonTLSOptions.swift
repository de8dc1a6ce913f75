import ArgumentParser
import Clients

/// How a client command reaches a daemon that listens with TLS (`chat`, `tickets`, the
/// adapters' link): `--tls`, and `--tls-ca` for a certificate the system does not trust (a
/// private authority, or the daemon's self-signed certificate; it implies `--tls`).
struct DaemonTLSOptions: ParsableArguments {
    @Flag(name: .long, help: "Kết nối tới máy chủ motcua bằng TLS.")
    var tls = false

    @Option(name: .long, help: "Tin chứng chỉ CA này (PEM; hoặc chứng chỉ tự ký của máy chủ) khi kiểm tra máy chủ; kéo theo --tls.")
    var tlsCa: String?

    /// The TLS to use, nil for plain TCP.
    /// - Throws: when the CA file cannot be read.
    func connectionTLS() throws -> DaemonConnection.TLS? {
        guard tls || tlsCa != nil else { return nil }
        return try DaemonConnection.TLS(caFile: tlsCa)
    }
}
