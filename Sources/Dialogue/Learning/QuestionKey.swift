import Foundation
import Retrieval

/// What makes two askers' questions "the same question" for learning: the set of their folded
/// content tokens. The question goes through the index's own analysis (abbreviations and chat
/// words expanded, one tone placement), each token is taken without diacritics (`folded`: an
/// asker typing without accents asks the same as one typing with them), stop words are left
/// out ("cho em hỏi", "ạ", "với" do not change what is asked), and the rest is a sorted set
/// (order and repetition ignored: "cấp lại hộ chiếu thủ tục" = "thủ tục cấp lại hộ chiếu").
///
/// Chosen over a fuzzier near-duplicate measure because a learned phrasing changes what every
/// later asker is answered: two conversations must have asked the same content words, not
/// merely similar ones, and each must have confirmed the same entry. Folding can merge two
/// distinct words ("bán"/"bạn"), but both conversations still had to confirm one entry for it.
/// The key depends on the lexicon (stop words, expansions): after a lexicon change earlier
/// confirmations may no longer meet new ones, which only delays learning.
package struct QuestionKey: Sendable {
    /// The analyser of the index.
    let analyzer: Analyzer

    /// Fewer content tokens than this: too short to learn (one or two words fit too much).
    package static let minimumTokens = 3
    /// More content tokens than this, or a longer text: too long (a story, not a question).
    package static let maximumTokens = 30
    /// The longest question learned, in characters.
    package static let maximumCharacters = 300

    /// Keys made with `analyzer`.
    package init(analyzer: Analyzer) {
        self.analyzer = analyzer
    }

    /// The key of a question, or nil when it is too short or too long to learn. The masker's
    /// placeholders ("[họ tên]", …) are not content.
    package func key(of question: String) -> String? {
        guard question.count <= Self.maximumCharacters else { return nil }
        var text = question
        for kind in PersonalDataMasker.Kind.allCases { text = text.replacingOccurrences(of: kind.placeholder, with: " ") }
        let tokens = analyzer.analyze(text).filter { !analyzer.isStopWord($0, unaccented: true) }
        let content = Set(tokens.map(\.folded))
        guard content.count >= Self.minimumTokens, tokens.count <= Self.maximumTokens else { return nil }
        return content.sorted().map { String($0, radix: 16) }.joined(separator: ".")
    }
}
