import Hummingbird
import NIOCore

/// A request's context with the address it came from (a failed console sign-in is slowed down
/// per address, as a failed `login` is).
struct WebRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
