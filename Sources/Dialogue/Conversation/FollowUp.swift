import Retrieval

/// Short follow-ups that lean on the question before them ("còn cấp tỉnh thì sao?",
/// "văn bản đó ban hành khi nào?"): recognised by their size and their pointing words, and
/// searched together with the previous question.
package struct FollowUp: Sendable {
    let analyzer: Analyzer
    let markers: [[Marker]]

    /// A word of a pointing phrase, in both forms.
    struct Marker {
        let exact: UInt64
        let folded: UInt64

        /// A word typed with diacritics matches only as written ("độ" is not "đó"); one typed
        /// without any matches by its folded form ("do" may be "đó").
        func matches(_ token: Token) -> Bool {
            token.hasDiacritics ? token.exact == exact : token.folded == folded
        }
    }

    /// Creates the recogniser.
    package init(analyzer: Analyzer) {
        self.analyzer = analyzer
        let texts = ["thì sao", "còn", "vậy còn", "thế còn", "đó", "này", "nó", "ấy", "văn bản đó", "văn bản này",
                     "trường hợp đó", "cái đó", "cái này", "như vậy", "thế thì", "vậy thì", "khi đó"]
        markers = texts.map { Tokenizer.tokenize($0).map { Marker(exact: $0.exact, folded: $0.folded) } }
    }

    /// Whether `text` reads as a follow-up to an earlier question.
    package func isFollowUp(_ text: String) -> Bool {
        let words = analyzer.analyze(text)
        guard !words.isEmpty, words.count <= 10 else { return false }
        for marker in markers where marker.count <= words.count {
            for start in 0...(words.count - marker.count)
            where zip(marker, words[start..<start + marker.count]).allSatisfy({ $0.matches($1) }) {
                return true
            }
        }
        return false
    }

    /// The question to search for a follow-up: the follow-up first (its words are the new
    /// part), then the previous question for context.
    package func combine(_ text: String, after previous: String) -> String {
        "\(text)\n\(previous)"
    }
}
