import Foundation
import Testing

/// The built `motcua` binary, driven through pipes as a shell script would.
@Suite struct BinaryStdioTests {
    /// `swift test` builds every product next to the test bundle.
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("motcua")
    }

    static var corpus: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("corpus").path
    }

    /// `motcua serve --stdio < questions` answers every line in order and exits 0 at the end of input.
    @Test func serveStdioAnswersEveryLineAndExits() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "motcua not built at \(Self.binary.path)")
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("motcua-bin-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["serve", "--stdio", "--data", data.path, "--corpus", Self.corpus]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("xin chào\nchữ ký số chuyên dùng công vụ do ai cấp\n/help\n".utf8))
        input.fileHandleForWriting.closeFile()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let replies = text.components(separatedBy: "\n.\n")
        #expect(replies.count == 4, "three replies, each ending with a dot line")
        #expect(replies[0].contains("Xin chào"))
        #expect(replies[1].contains("Ban Cơ yếu") || replies[1].contains("chữ ký số"))
        #expect(replies[2].contains("/human"))
    }
}
