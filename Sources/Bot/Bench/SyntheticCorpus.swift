import Retrieval

/// Deterministic synthetic knowledge bases made from the bundled corpus's vocabulary: a
/// word-bigram Markov chain over the corpus text (so word co-occurrence looks like the real
/// thing), with occasional jumps to any word (so the vocabulary of bigrams keeps growing).
struct SyntheticCorpus {
    let words: [String]
    let followers: [[Int32]]
    var random: SplitMix64

    /// Learns the chain from texts.
    init(texts: [String], seed: UInt64 = 2026) {
        var numbers: [String: Int32] = [:]
        var words: [String] = []
        var followers: [[Int32]] = []
        for text in texts {
            var previous: Int32 = -1
            for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
                let key = String(word)
                let number: Int32
                if let existing = numbers[key] {
                    number = existing
                } else {
                    number = Int32(words.count)
                    numbers[key] = number
                    words.append(key)
                    followers.append([])
                }
                if previous >= 0 { followers[Int(previous)].append(number) }
                previous = number
            }
        }
        self.words = words
        self.followers = followers
        random = SplitMix64(seed: seed)
    }

    /// A sentence of `count` words.
    mutating func sentence(_ count: Int) -> String {
        var current = Int.random(in: 0..<words.count, using: &random)
        var parts: [String] = [words[current]]
        parts.reserveCapacity(count)
        while parts.count < count {
            let next = followers[current]
            if next.isEmpty || Int.random(in: 0..<10, using: &random) == 0 {
                current = Int.random(in: 0..<words.count, using: &random)
            } else {
                current = Int(next[Int.random(in: 0..<next.count, using: &random)])
            }
            parts.append(words[current])
        }
        return parts.joined(separator: " ")
    }

    /// `count` entries: a question of 8–16 words and an answer of 30–60.
    mutating func entries(_ count: Int) -> [KnowledgeEntry] {
        (0..<count).map { number in
            KnowledgeEntry(id: "syn-\(number)", question: sentence(Int.random(in: 8...16, using: &random)),
                           answer: sentence(Int.random(in: 30...60, using: &random)))
        }
    }

    /// Questions people might type about the entries: an entry's question with about a third
    /// of its words dropped, every third one without diacritics.
    mutating func queries(_ count: Int, about entries: [KnowledgeEntry]) -> [(text: String, source: String)] {
        (0..<count).map { number in
            let entry = entries[Int.random(in: 0..<entries.count, using: &random)]
            let words = entry.question.split(separator: " ").filter { _ in Int.random(in: 0..<3, using: &random) > 0 }
            let text = words.joined(separator: " ")
            return (number % 3 == 0 ? Diacritics.strip(text) : text, entry.id)
        }
    }
}
