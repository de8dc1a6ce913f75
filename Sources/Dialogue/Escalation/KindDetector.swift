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
    static let markers: [(kind: TicketKind, words: [[Substring]], anywhere: Bool)] = [
        (.opinion, phrases("xin y kien", "cho y kien", "gop y", "lay y kien", "xin gop y"), false),
        (.complaint, phrases("phan anh", "khieu nai", "to cao", "buc xuc"), true),
        (.recommendation, phrases("kien nghi"), true),
        (.recommendation, phrases("de nghi", "de xuat"), false),
    ]
    /// Who may come before the marker at the start of a message.
    static let openers = [[]] + phrases("toi", "chung toi", "don vi toi", "co quan toi", "em", "xin", "kinh", "chung em",
                                        "so", "ubnd", "tinh")
    /// Nouns that make the marker after them the name of a form or a procedure.
    static let documentNouns = phrases("thu tuc", "ho so", "giay", "mau", "van ban", "to trinh", "phieu", "don",
                                       "quy trinh", "bieu mau", "cong van")
    /// Words that make a message a question.
    static let questionWords = phrases("o dau", "gui dau", "nop dau", "the nao", "nhu the nao", "bao gio", "khi nao",
                                       "bao lau", "co duoc khong", "co phai", "gom nhung gi", "gom gi", "la gi",
                                       "nhu nao", "lam sao", "ra sao", "bao nhieu", "hay khong", "duoc khong", "gi",
                                       "nao")

    static func phrases(_ texts: String...) -> [[Substring]] {
        texts.map { $0.split(separator: " ") }
    }

    /// Creates a detector.
    package init() {}

    /// The kind of a message.
    package func kind(of text: String) -> TicketKind {
        // "… không?" at the end asks: no need to fold it (every message to the bot is looked at).
        if text.utf8.contains(UInt8(ascii: "?")) { return .question }
        let words = Diacritics.foldedWords(text)
        // A phrase can only be there when its first word is (one lookup instead of a scan).
        let present = Set(words)
        // "… không?" at the end asks; "không" elsewhere is a plain negation ("cổng không truy cập được").
        guard words.last != "khong",
            !Self.questionWords.contains(where: { phrase in
                present.contains(phrase[0]) && words.indices.contains { matches(phrase, words, at: $0) }
            })
        else { return .question }
        for (kind, phrases, anywhere) in Self.markers {
            for phrase in phrases where present.contains(phrase[0]) {
                if Self.openers.contains(where: { matches($0, words, at: 0) && matches(phrase, words, at: $0.count) }) {
                    return kind
                }
                guard anywhere else { continue }
                for start in words.indices where matches(phrase, words, at: start) {
                    let named = Self.documentNouns.contains { start >= $0.count && matches($0, words, at: start - $0.count) }
                    if !named { return kind }
                }
            }
        }
        return .question
    }

    /// Whether `phrase` is in `words` at `start`.
    func matches(_ phrase: [Substring], _ words: [Substring], at start: Int) -> Bool {
        guard start + phrase.count <= words.count else { return false }
        for offset in phrase.indices where words[start + offset] != phrase[offset] { return false }
        return true
    }
}
