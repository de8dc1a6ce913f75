import NIOCore
import NIOPosix
import NIOSSL
import Wire

/// A connection to the daemon, framed by lines as the daemon frames them: what the terminal
/// clients and the gateways open (never the load generator, which is the benchmarks' own).
package enum DaemonConnection {
    /// The longest line a client accepts from the daemon (its replies are far shorter).
    package static let maximumLineBytes = 1 << 20

    /// How a client speaks TLS to a daemon that listens with `--tls-cert` (`--tls` on the
    /// client): the daemon's certificate is checked against the system's trusted authorities,
    /// or against `--tls-ca` (a private authority, or the daemon's self-signed certificate),
    /// and must name the host the client dialled — or `serverName` (`--tls-server-name`), for
    /// a client on the daemon's machine that dials 127.0.0.1 but checks the public name.
    package struct TLS: Sendable {
        let context: NIOSSLContext
        /// The name the certificate must carry (nil: the host dialled).
        let serverName: String?

        /// Client TLS trusting `caFile` (PEM; nil: the system's trusted authorities).
        /// - Throws: when the file cannot be read.
        package init(caFile: String? = nil, serverName: String? = nil) throws {
            self.serverName = serverName
            var configuration = TLSConfiguration.makeClientConfiguration()
            if let caFile {
                do {
                    configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
                } catch {
                    throw TLSFileError(description: "không đọc được chứng chỉ CA (PEM) \(caFile): \(error)")
                }
            }
            context = try NIOSSLContext(configuration: configuration)
        }
    }

    /// Opens a connection to `endpoint`, inside TLS when `tls` is given.
    package static func connect(_ endpoint: DaemonEndpoint, tls: TLS? = nil, timeout: TimeAmount = .seconds(30))
        async throws -> NIOAsyncChannel<InputLine, ByteBuffer>
    {
        try await connect(host: endpoint.host, port: endpoint.port, tls: tls, timeout: timeout)
    }

    /// A CA file could not be read.
    package struct TLSFileError: Error, CustomStringConvertible {
        package var description: String
    }

    /// Opens a connection to `host:port`, inside TLS when `tls` is given.
    /// - Parameter timeout: how long the TCP connect may take (a client with other daemons to
    ///   try gives up on a silent one sooner).
    /// - Throws: when the daemon cannot be reached within `timeout`.
    package static func connect(host: String, port: Int, tls: TLS? = nil, timeout: TimeAmount = .seconds(30))
        async throws -> NIOAsyncChannel<InputLine, ByteBuffer>
    {
        // An address is checked against the certificate's IP entries (and sent as no server
        // name: SNI carries names only); a name is sent and checked against its DNS entries.
        let serverName = tls?.serverName ?? ((try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil)
        return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeout)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tls.context, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: maximumLineBytes)))
                    return try NIOAsyncChannel<InputLine, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }
}

/// Where one daemon listens: a client given several (`--daemon h1:p1,h2:p2`, daemons sharing
/// one store) moves to the next when the one it uses goes away.
package struct DaemonEndpoint: Sendable, Hashable, CustomStringConvertible {
    package var host: String
    package var port: Int

    /// Creates an endpoint.
    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `HOST:PORT`, as the operator wrote it (what logs and messages name).
    package var description: String { "\(host):\(port)" }
}
