import Foundation

/// Reading JSON Lines files: one JSON object a line, blank lines skipped, unknown fields
/// ignored (the `Decodable` types decode only what they know).
package enum JSONLines {
    /// A line that could not be decoded.
    package struct LineError: Error, CustomStringConvertible {
        /// The file.
        package var path: String
        /// 1-based line number.
        package var line: Int
        /// What went wrong.
        package var reason: String

        /// A readable description.
        package var description: String { "\(path):\(line): \(reason)" }
    }

    /// Decodes every line of a file.
    /// - Throws: `LineError` naming the first bad line, or the file-system error.
    package static func read<T: Decodable>(_ type: T.Type, from path: String) throws -> [T] {
        guard FileManager.default.fileExists(atPath: path) else { throw CorpusError.missing(path) }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try decode(type, from: data, path: path)
    }

    /// Decodes every line of in-memory JSON Lines.
    package static func decode<T: Decodable>(_ type: T.Type, from data: Data, path: String = "<input>") throws -> [T] {
        let decoder = JSONDecoder()
        var result: [T] = []
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = line.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }
            if trimmed.isEmpty || trimmed.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) { continue }
            do {
                result.append(try decoder.decode(T.self, from: Data(line)))
            } catch {
                throw LineError(path: path, line: lineNumber, reason: String(describing: error))
            }
        }
        return result
    }

    /// Encodes values one per line (sorted keys, no escaped slashes or non-ASCII).
    package static func encode<T: Encodable>(_ values: [T]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = Data()
        for value in values {
            data.append(try encoder.encode(value))
            data.append(UInt8(ascii: "\n"))
        }
        return data
    }
}
