import NIOCore
import NIOPosix
import Wire

/// A connection to the daemon, framed by lines as the daemon frames them: what the terminal
/// clients and the gateways open (never the load generator, which is the benchmarks' own).
package enum DaemonConnection {
    /// The longest line a client accepts from the daemon (its replies are far shorter).
    package static let maximumLineBytes = 1 << 20

    /// Opens a connection to `host:port`.
    /// - Throws: when the daemon cannot be reached within 30 s.
    package static func connect(host: String, port: Int) async throws -> NIOAsyncChannel<InputLine, ByteBuffer> {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(30))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: maximumLineBytes)))
                    return try NIOAsyncChannel<InputLine, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }
}
