import Retrieval

/// Tells a recommendation, a complaint or a request for an opinion from a question, by the
/// words people use for them ("kiến nghị", "đề nghị", "phản ánh", "khiếu nại", "xin ý kiến",
/// "góp ý"), typed with or without diacritics.
///
/// The same words also appear inside questions ("giấy đề nghị cấp chứng thư gồm gì?",
/// "phản ánh ở đâu?"), so a message counts as one of these kinds only when it opens with the
/// word (after "tôi", "chúng tôi", "đơn vị tôi", "em", "xin"…), or uses it without asking
/// anything (no question mark, no question word). Everything else is a question.
package struct KindDetector: Sendable {
    /// Words that mark each kind (folded, lower case).
    static let markers: [(TicketKind, [String])] = [
        (.opinion, ["xin y kien", "cho y kien", "gop y", "lay y kien", "xin gop y"]),
        (.complaint, ["phan anh", "khieu nai", "to cao", "buc xuc"]),
        (.recommendation, ["kien nghi", "de nghi", "de xuat", "kien nghi"]),
    ]
    /// Who may come before the marker at the start of a message.
    static let openers = ["", "toi ", "chung toi ", "don vi toi ", "co quan toi ", "em ", "xin ", "kinh ", "chung em "]
    /// Words that make a message a question.
    static let questionWords = ["o dau", "the nao", "nhu the nao", "bao gio", "khi nao", "bao lau", "co duoc khong",
                                "co phai", "gom nhung gi", "gom gi", "la gi", "nhu nao", "lam sao", "ra sao", "bao nhieu",
                                "hay khong", "duoc khong", "nao"]

    /// Creates a detector.
    package init() {}

    /// The kind of a message.
    package func kind(of text: String) -> TicketKind {
        let folded = " " + Diacritics.foldedKey(text.replacingQuestionMarks()) + " "
        let asks = text.contains("?") || Self.questionWords.contains { folded.contains(" \($0) ") }
        for (kind, words) in Self.markers {
            for word in words {
                let opens = Self.openers.contains { folded.hasPrefix(" \($0)\(word) ") }
                if opens || (!asks && folded.contains(" \(word) ")) { return kind }
            }
        }
        return .question
    }
}

extension String {
    /// The text with punctuation turned into spaces, so words can be matched whole.
    fileprivate func replacingQuestionMarks() -> String {
        String(map { $0.isPunctuation ? " " : $0 })
    }
}
