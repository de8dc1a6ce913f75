import ArgumentParser
import Foundation

/// Secrets (tokens, keys) for the commands: from a file, else from an environment variable —
/// never typed on the command line, where `ps` and shell history would keep them.
package enum Secrets {
    /// The trimmed content of `file`, else of `$variable`.
    /// - Throws: `ValidationError` naming both places when neither gives a value.
    package static func read(file: String?, variable: String) throws -> String {
        let value = try file.map { try String(contentsOfFile: $0, encoding: .utf8) }
            ?? ProcessInfo.processInfo.environment[variable]
        guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            throw ValidationError("thiếu \(variable): đặt biến môi trường này hoặc dùng tệp (--…-file)")
        }
        return value
    }
}
