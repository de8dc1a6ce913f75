import Dialogue
import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import Wire

/// One conversation on standard input and output, for a terminal, a pipe or a file
/// (`motcua serve --stdio < questions.txt`): every line is answered, and the service ends at
/// the end of input (run it with `successTerminationBehavior: .gracefullyShutdownGroup`). Reads happen on NIO's blocking-I/O thread pool, one chunk at a time, so a
/// large file is never held in memory and no concurrency thread blocks.
package struct StdioServer: Service {
    let service: DialogueService
    let limits: SessionLimits
    let logger: Logger
    let input: FileHandle
    let output: FileHandle

    /// Creates the stdio server.
    package init(service: DialogueService, limits: SessionLimits = SessionLimits(), logger: Logger,
                 input: FileHandle = .standardInput, output: FileHandle = .standardOutput)
    {
        self.service = service
        self.limits = limits
        self.logger = logger
        self.input = input
        self.output = output
    }

    /// Answers lines until the end of input.
    package func run() async throws {
        let session = ChatSession(service: service, limits: unlimitedRate(limits), source: nil)
        var framer = LineFramer(maximumLineBytes: limits.maximumLineBytes)
        let input = self.input
        reading: while true {
            let chunk = try await NIOThreadPool.singleton.runIfActive { input.availableData }
            let lines = chunk.isEmpty ? framer.finish() : framer.feed(chunk)
            for line in lines {
                let result = await session.handle(line)
                // The reader went away (a closed pipe): there is no one left to answer.
                guard write(result.lines) else { break reading }
                await session.written(result)
                if result.close { break reading }
            }
            if chunk.isEmpty { break }
        }
    }

    /// Writes lines; false when the output is closed.
    func write(_ lines: [String]) -> Bool {
        guard !lines.isEmpty else { return true }
        do {
            try output.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
            return true
        } catch {
            logger.info("output closed", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// A file of questions is read as fast as it comes: no rate limit on stdin.
    func unlimitedRate(_ limits: SessionLimits) -> SessionLimits {
        var limits = limits
        limits.burst = Int.max / 2
        return limits
    }
}
