/// What kind of answer a question asks for, read from its interrogative words: "ở đâu" asks for
/// a place, "khi nào" for a time, "bao nhiêu" for an amount, "như thế nào" for a way. Two
/// phrasings that share most of their words but ask different things ("… nộp ở đâu?" and "…
/// nộp lệ phí bao nhiêu?") are different questions; the ranking and the confidence model use
/// whether the question's form agrees with the matched entry's.
package struct QuestionForm: OptionSet, Sendable, Hashable {
    package let rawValue: UInt16
    package init(rawValue: UInt16) { self.rawValue = rawValue }

    /// What something is ("là gì").
    package static let definition = QuestionForm(rawValue: 1 << 0)
    /// Where ("ở đâu", "nơi nào").
    package static let place = QuestionForm(rawValue: 1 << 1)
    /// When, by what date ("khi nào", "thời hạn").
    package static let time = QuestionForm(rawValue: 1 << 2)
    /// How long, how often ("bao lâu", "định kỳ").
    package static let duration = QuestionForm(rawValue: 1 << 3)
    /// How much, how many ("bao nhiêu", "mức phí").
    package static let amount = QuestionForm(rawValue: 1 << 4)
    /// How, by which steps ("như thế nào", "các bước").
    package static let manner = QuestionForm(rawValue: 1 << 5)
    /// Who, which body ("ai", "cơ quan nào").
    package static let agent = QuestionForm(rawValue: 1 << 6)
    /// Yes or no ("có … không", "được không").
    package static let yesNo = QuestionForm(rawValue: 1 << 7)
    /// Which document rules it ("văn bản nào", "căn cứ").
    package static let document = QuestionForm(rawValue: 1 << 8)
    /// How two things differ ("khác nhau", "phân biệt").
    package static let difference = QuestionForm(rawValue: 1 << 9)
    /// What it consists of ("gồm những gì", "thành phần").
    package static let contents = QuestionForm(rawValue: 1 << 10)
    /// Why ("tại sao", "mục đích").
    package static let reason = QuestionForm(rawValue: 1 << 11)

    /// How a question's form and an entry's compare: 1 they share a form, -1 both have forms
    /// and none is shared, 0 either has none (nothing is known).
    package func agreement(with other: QuestionForm) -> Float {
        guard !isEmpty, !other.isEmpty else { return 0 }
        return isDisjoint(with: other) ? -1 : 1
    }
}

/// Reads `QuestionForm`s from analysed tokens by their folded syllables, so a question typed
/// without diacritics reads the same. Patterns are written with diacritics here for the reader
/// and folded once; a pattern is matched only as whole syllables in order. Single syllables
/// that fold onto common words ("mấy" → "máy", "đâu" → "đầu") or are words of the field ("AI",
/// "thủ tục") are matched only inside longer patterns.
package struct QuestionFormReader: Sendable {
    /// Folded syllable sequences with their form, by their first syllable, longest first (a
    /// token looks up only the patterns that can start with it: reading a form costs one hash
    /// lookup a word, at every search and for every phrasing a load indexes).
    let patterns: [UInt64: [([UInt64], QuestionForm)]]
    /// The folded identity of "không" and "chưa" ending a question: a yes-or-no question.
    let closingNegations: Set<UInt64>

    /// The interrogative phrases of each form.
    static let phrases: [(QuestionForm, [String])] = [
        (.definition, ["là gì", "nghĩa là gì", "là sao", "hiểu thế nào", "hiểu là"]),
        (.place, ["ở đâu", "tại đâu", "từ đâu", "nơi nào", "chỗ nào", "địa chỉ nào", "trang nào", "cổng nào"]),
        (.time, ["khi nào", "bao giờ", "lúc nào", "thời điểm nào", "năm nào", "ngày nào", "thời hạn", "hạn chót",
                 "trước ngày"]),
        (.duration, ["bao lâu", "mấy ngày", "bao nhiêu ngày", "mấy lần", "định kỳ", "thời gian"]),
        (.amount, ["bao nhiêu", "mức phí", "lệ phí", "chi phí", "thứ mấy", "tỷ lệ", "mấy loại", "mấy cấp", "cấp mấy",
                   "độ mấy"]),
        (.manner, ["như thế nào", "thế nào", "ra sao", "làm sao", "cách nào", "bằng cách", "cách làm", "làm gì",
                   "các bước", "những bước", "bước nào", "mấy bước", "quy trình", "trình tự"]),
        (.agent, ["là ai", "do ai", "ai là", "ai được", "ai có", "ai phải", "ai chịu", "ai chủ", "ai thẩm", "ai cấp",
                  "ai ký", "ai quản", "ai phê", "ai giữ", "ai lo", "cơ quan nào", "đơn vị nào", "bộ nào", "vụ nào", "cục nào", "cấp nào", "người nào",
                  "bên nào", "chủ trì", "chịu trách nhiệm"]),
        (.yesNo, ["có phải", "phải không", "được không", "hay không", "có được", "có cần", "có bắt buộc",
                  "có thể", "có nên"]),
        (.document, ["văn bản nào", "thông tư nào", "nghị định nào", "quyết định nào", "quy định nào", "luật nào",
                     "căn cứ", "theo văn bản", "ban hành"]),
        (.difference, ["khác nhau", "khác gì", "phân biệt", "giống nhau", "so với"]),
        (.contents, ["gồm", "bao gồm", "những gì", "nội dung gì", "giấy tờ gì", "thành phần", "mấy phần",
                     "nội dung nào", "những nội dung", "yêu cầu gì"]),
        (.reason, ["tại sao", "vì sao", "lý do", "để làm gì", "mục đích"]),
    ]

    /// Compiles the patterns.
    package init() {
        var patterns: [([UInt64], QuestionForm)] = []
        for (form, phrases) in Self.phrases {
            for phrase in phrases {
                let folded = Tokenizer.tokenize(phrase).map(\.folded)
                if !folded.isEmpty { patterns.append((folded, form)) }
            }
        }
        self.patterns = Dictionary(grouping: patterns.sorted { $0.0.count > $1.0.count }, by: { $0.0[0] })
        closingNegations = Set(["không", "chưa"].compactMap { Tokenizer.tokenize($0).first?.folded })
    }

    /// The forms a question's tokens ask for (empty: none recognised).
    package func form(of tokens: [Token]) -> QuestionForm {
        var form: QuestionForm = []
        var index = 0
        while index < tokens.count {
            var matched = 1
            if tokens[index].kind == .word, let candidates = patterns[tokens[index].folded] {
                for (pattern, patternForm) in candidates where index + pattern.count <= tokens.count {
                    var equal = true
                    for offset in pattern.indices where tokens[index + offset].folded != pattern[offset] {
                        equal = false
                        break
                    }
                    if equal {
                        form.insert(patternForm)
                        matched = pattern.count
                        break
                    }
                }
            }
            index += matched
        }
        if let last = tokens.last(where: { $0.kind == .word }), closingNegations.contains(last.folded) {
            form.insert(.yesNo)
        }
        return form
    }
}
