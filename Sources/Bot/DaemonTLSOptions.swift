import ArgumentParser
import Clients

/// How a client command reaches a daemon that listens with TLS (`chat`, `tickets`, the
/// adapters' link): `--tls`; `--tls-ca` for a certificate the system does not trust (a private
/// authority, or the daemon's self-signed certificate); `--tls-server-name` for a certificate
/// of another name than the address dialled (an adapter on the daemon's machine dials
/// 127.0.0.1, the certificate names the public host). Either implies `--tls`.
struct DaemonTLSOptions: ParsableArguments {
    @Flag(name: .long, help: "Kết nối tới máy chủ motcua bằng TLS.")
    var tls = false

    @Option(name: .long, help: "Tin chứng chỉ CA này (PEM; hoặc chứng chỉ tự ký của máy chủ) khi kiểm tra máy chủ; kéo theo --tls.")
    var tlsCa: String?

    @Option(name: .long, help: "Tên máy chủ mà chứng chỉ phải mang, khi khác địa chỉ kết nối (vd: kết nối 127.0.0.1, chứng chỉ của hoidap.example.gov.vn); kéo theo --tls.")
    var tlsServerName: String?

    /// The TLS to use, nil for plain TCP.
    /// - Throws: when the CA file cannot be read.
    func connectionTLS() throws -> DaemonConnection.TLS? {
        guard tls || tlsCa != nil || tlsServerName != nil else { return nil }
        return try DaemonConnection.TLS(caFile: tlsCa, serverName: tlsServerName)
    }
}
