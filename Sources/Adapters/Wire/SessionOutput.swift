/// What a session sends back for one input line.
package struct SessionOutput: Sendable, Hashable {
    /// Lines to write, each without its newline.
    package var lines: [String]
    /// Close the connection after writing them.
    package var close = false
    /// Unit replies these lines carry to a client that cannot acknowledge them (text mode):
    /// they count as delivered only once the transport has written the lines to a connection
    /// still open, and tells the session so with `written(_:)`.
    package var deliveredOnWrite: [Int] = []
    /// The request was something even though nothing is written back (a `pong`): the
    /// connection is not idle.
    package var alive = false
    /// A gateway logged in with these lines: its link is kept alive by pings from now on.
    package var gatewayLink = false

    /// Creates an output.
    package init(lines: [String], close: Bool = false, deliveredOnWrite: [Int] = []) {
        self.lines = lines
        self.close = close
        self.deliveredOnWrite = deliveredOnWrite
    }
}

/// How a transport writes lines the desk pushes (replies, tickets), from any thread; `written`
/// is called once the lines went out on a connection still open (nil: nobody needs to know).
package typealias PushWriter = @Sendable (_ lines: [String], _ written: (@Sendable () -> Void)?) -> Void
