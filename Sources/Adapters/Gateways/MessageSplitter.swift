/// Splits a long text into parts a gateway accepts (Telegram: 4,096 characters), at line
/// boundaries where it can, at word boundaries when a single line is too long, and only as a
/// last resort inside a word.
package enum MessageSplitter {
    /// The parts, each at most `limit` characters, in order; their concatenation (with the
    /// line breaks they were split at) is the text.
    package static func split(_ text: String, limit: Int) -> [String] {
        guard text.count > limit else { return [text] }
        var parts: [String] = []
        var current = ""
        func flush() {
            if !current.isEmpty { parts.append(current) }
            current = ""
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = Substring(line)
            while line.count > limit {
                flush()
                let window = line.prefix(limit)
                let cut = window.lastIndex(of: " ").map { line.index(after: $0) } ?? window.endIndex
                parts.append(String(line[..<cut]).trimmedTrailingSpace)
                line = line[cut...]
            }
            if current.isEmpty {
                current = String(line)
            } else if current.count + 1 + line.count <= limit {
                current += "\n" + line
            } else {
                flush()
                current = String(line)
            }
        }
        flush()
        return parts
    }
}

extension String {
    fileprivate var trimmedTrailingSpace: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
