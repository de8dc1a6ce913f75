import Foundation

/// Where the package's own `corpus/` directory is, for tests that read it.
enum BundledCorpus {
    /// Tests/DialogueTests/<this file> → the package root → `corpus`.
    static let directory: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("corpus").path
    }()
}
