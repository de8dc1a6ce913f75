import NIOCore
import Wire

/// A JSON Lines client of the daemon for programs that script it (the crash test, the tests):
/// objects out, objects in as they come, with a timeout on reading.
package actor JSONLineClient {
    /// Nothing arrived in time for `ask`.
    package struct Timeout: Error {}

    let channel: NIOAsyncChannel<InputLine, ByteBuffer>
    private var buffered: [String] = []
    private var reader: Task<Void, Never>?
    /// The server closed the connection (after everything it sent was buffered).
    package private(set) var closed = false

    /// Connects (inside TLS when `tls` is given).
    package init(host: String, port: Int, tls: DaemonConnection.TLS? = nil) async throws {
        channel = try await DaemonConnection.connect(host: host, port: port, tls: tls)
        let inbound = channel.inbound
        reader = Task { [weak self] in
            do {
                for try await line in inbound {
                    if case .text(let text) = line { await self?.received(text) }
                }
            } catch {}
            await self?.markClosed()
        }
    }

    deinit {
        // A script that stops halfway drops its client without closing it.
        channel.outbound.finish()
        reader?.cancel()
        channel.channel.close(promise: nil)
    }

    private func received(_ line: String) { buffered.append(line) }
    private func markClosed() { closed = true }

    /// Sends one object.
    package func send(_ object: JSONValue) async throws {
        try await channel.outbound.write(ByteBuffer(string: object.encoded() + "\n"))
    }

    /// The next object, or nil after `seconds` or once the connection closed with nothing left.
    package func next(within seconds: Double) async throws -> JSONValue? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if !buffered.isEmpty { return try JSONValue.parse(buffered.removeFirst()) }
            if closed { return nil }
            try await Task.sleep(for: .milliseconds(2))
        }
        return nil
    }

    /// Whether nothing arrives within `seconds`.
    package func isQuiet(for seconds: Double) async throws -> Bool {
        try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        return buffered.isEmpty
    }

    /// Sends a request and returns its response: the object whose `re` is the request's `id`
    /// (one is added when it has none, and then left out of the response), or an error that
    /// answers no request (a line the server could not read). Objects the server pushed
    /// meanwhile stay, in order, for `next`.
    /// - Throws: `Timeout` after 10 s without one.
    package func ask(_ object: JSONValue) async throws -> JSONValue {
        guard case .object(var fields) = object else {
            try await send(object)
            guard let reply = try await next(within: 10) else { throw Timeout() }
            return reply
        }
        let added = fields["id"] == nil
        if added {
            asked += 1
            fields["id"] = .string("ask-\(asked)")
        }
        let id = fields["id"]!
        try await send(.object(fields))
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            for (index, line) in buffered.enumerated() {
                guard case .object(var reply)? = try? JSONValue.parse(line) else { continue }
                if reply["re"] == id || (reply["re"] == nil && reply["type"] == "error") {
                    buffered.remove(at: index)
                    if added { reply["re"] = nil }
                    return .object(reply)
                }
            }
            if closed { break }
            try await Task.sleep(for: .milliseconds(2))
        }
        throw Timeout()
    }

    private var asked = 0

    /// Closes the connection.
    package func close() async {
        channel.outbound.finish()
        reader?.cancel()
        try? await channel.channel.close()
    }
}
