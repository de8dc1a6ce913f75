import Foundation

/// The word lists that teach the analyzer Vietnamese usage, as written in `corpus/lexicon/`.
///
/// Plain text, one item a line, `#` starts a comment:
/// - `abbreviations.txt`: `cpđt = chính phủ điện tử` (official abbreviations; matched without
///   diacritics, so "cpdt" works too);
/// - `chat.txt`: `ko = không` (chat words; matched exactly as written);
/// - `doctypes.txt`: `nd = nghị định, nđ` (a canonical document-type key, then the words and
///   abbreviations that name it before a number);
/// - `synonyms.txt`: `bảo mật ~ an toàn thông tin` (a group of equivalent phrases);
/// - `stopwords.txt`: one common word a line (weighs less, never deleted);
/// - `words.txt`: one multi-syllable word a line (for dictionary segmentation).
package struct Lexicon: Sendable {
    /// Abbreviation → expansion.
    package var abbreviations: [(String, String)] = []
    /// Chat word → standard word(s).
    package var chatWords: [(String, String)] = []
    /// Document type key → phrases that name it.
    package var documentTypes: [(key: String, phrases: [String])] = []
    /// Groups of equivalent phrases.
    package var synonyms: [[String]] = []
    /// Common words.
    package var stopWords: [String] = []
    /// Multi-syllable words.
    package var words: [String] = []

    /// An empty lexicon: the analyzer then does segmentation, folding and references only.
    package static let empty = Lexicon(abbreviations: [])

    /// Creates a lexicon from lists.
    package init(abbreviations: [(String, String)] = [], chatWords: [(String, String)] = [],
                 documentTypes: [(key: String, phrases: [String])] = [], synonyms: [[String]] = [],
                 stopWords: [String] = [], words: [String] = [])
    {
        self.abbreviations = abbreviations
        self.chatWords = chatWords
        self.documentTypes = documentTypes
        self.synonyms = synonyms
        self.stopWords = stopWords
        self.words = words
    }

    /// Parses the contents of the lexicon files (any may be empty).
    package init(abbreviationsText: String = "", chatText: String = "", documentTypesText: String = "",
                 synonymsText: String = "", stopWordsText: String = "", wordsText: String = "")
    {
        abbreviations = Self.pairs(abbreviationsText)
        chatWords = Self.pairs(chatText)
        documentTypes = Self.pairs(documentTypesText).map { key, phrases in
            (key, phrases.split(separator: ",").map { $0.trimmed }.filter { !$0.isEmpty })
        }
        synonyms = Self.lines(synonymsText).map { line in
            line.components(separatedBy: "~").map(\.trimmed).filter { !$0.isEmpty }
        }.filter { $0.count >= 2 }
        stopWords = Self.lines(stopWordsText)
        words = Self.lines(wordsText)
    }

    /// Non-empty, non-comment lines, trimmed.
    static func lines(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).map { Substring($0).trimmed }.filter {
            !$0.isEmpty && !$0.hasPrefix("#")
        }
    }

    /// `left = right` lines.
    static func pairs(_ text: String) -> [(String, String)] {
        lines(text).compactMap { line in
            guard let equals = line.firstIndex(of: "=") else { return nil }
            let left = line[..<equals].trimmed
            let right = line[line.index(after: equals)...].trimmed
            return left.isEmpty || right.isEmpty ? nil : (left, right)
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing white space.
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
