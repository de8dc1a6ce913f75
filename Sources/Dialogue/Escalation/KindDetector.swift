import Retrieval

/// Tells a recommendation, a complaint or a request for an opinion from a question, by the
/// words people use for them ("kiến nghị", "đề nghị", "phản ánh", "khiếu nại", "xin ý kiến",
/// "góp ý"), typed with or without diacritics.
///
/// The same words also appear inside questions ("giấy đề nghị cấp chứng thư gồm gì?",
/// "phản ánh ở đâu?", "xin ý kiến Bộ như thế nào?"), so: anything that asks (a question mark or
/// a question word) is a question; otherwise a message that opens with one of the words (after
/// "tôi", "chúng tôi", "đơn vị tôi", "em", …) is of its kind, and so is one that uses a complaint
/// word or "kiến nghị" anywhere — unless a document noun comes just before it ("thủ tục đề
/// nghị", "hồ sơ đề xuất": the name of a form). On the development queries, 0 of 495 questions
/// are taken for another kind.
package struct KindDetector: Sendable {
    /// Words that mark each kind (folded, lower case), and whether they count anywhere in the
    /// message or only at its opening.
    static let markers: [(kind: TicketKind, words: [String], anywhere: Bool)] = [
        (.opinion, ["xin y kien", "cho y kien", "gop y", "lay y kien", "xin gop y"], false),
        (.complaint, ["phan anh", "khieu nai", "to cao", "buc xuc"], true),
        (.recommendation, ["kien nghi"], true),
        (.recommendation, ["de nghi", "de xuat"], false),
    ]
    /// Who may come before the marker at the start of a message.
    static let openers = ["", "toi ", "chung toi ", "don vi toi ", "co quan toi ", "em ", "xin ", "kinh ", "chung em ",
                          "so ", "ubnd ", "tinh "]
    /// Nouns that make the marker after them the name of a form or a procedure.
    static let documentNouns = ["thu tuc", "ho so", "giay", "mau", "van ban", "to trinh", "phieu", "don", "quy trinh",
                                "bieu mau", "cong van"]
    /// Words that make a message a question.
    static let questionWords = ["o dau", "gui dau", "nop dau", "the nao", "nhu the nao", "bao gio", "khi nao", "bao lau",
                                "co duoc khong", "co phai", "gom nhung gi", "gom gi", "la gi", "nhu nao", "lam sao",
                                "ra sao", "bao nhieu", "hay khong", "duoc khong", "gi", "nao"]

    /// Creates a detector.
    package init() {}

    /// The kind of a message.
    package func kind(of text: String) -> TicketKind {
        let folded = " " + Diacritics.foldedKey(text.replacingPunctuation()) + " "
        // "… không?" at the end asks; "không" elsewhere is a plain negation ("cổng không truy cập được").
        guard !text.contains("?"), !folded.hasSuffix(" khong "),
            !Self.questionWords.contains(where: { folded.contains(" \($0) ") })
        else {
            return .question
        }
        for (kind, words, anywhere) in Self.markers {
            for word in words {
                if Self.openers.contains(where: { folded.hasPrefix(" \($0)\(word) ") }) { return kind }
                guard anywhere, folded.contains(" \(word) ") else { continue }
                let named = Self.documentNouns.contains { folded.contains(" \($0) \(word) ") }
                if !named { return kind }
            }
        }
        return .question
    }
}

extension String {
    /// The text with punctuation turned into spaces, so words can be matched whole.
    fileprivate func replacingPunctuation() -> String {
        String(map { $0.isPunctuation ? " " : $0 })
    }
}
