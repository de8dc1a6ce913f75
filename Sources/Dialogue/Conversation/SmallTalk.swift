import Retrieval

/// Recognises messages that are only greetings, thanks, goodbyes or a request for help, and
/// says the Vietnamese reply to each. A message that also asks something is not small talk
/// ("chào ad, cho hỏi thủ tục …" is a question).
package struct SmallTalk: Sendable {
    /// What kind of small talk a message is.
    package enum Kind: Sendable, Hashable {
        case greeting, thanks, goodbye, help
    }

    let analyzer: Analyzer
    let phrases: [(Kind, [UInt64])]
    let filler: Set<UInt64>

    /// Creates the recogniser over the same analysis as questions (so "cam on", "cảm ơn" and
    /// "c.ơn" typed without diacritics are recognised alike).
    package init(analyzer: Analyzer) {
        self.analyzer = analyzer
        let table: [(Kind, [String])] = [
            (.greeting, ["xin chào", "chào", "hello", "hi", "alo", "chào buổi sáng", "chào buổi chiều"]),
            (.thanks, ["cảm ơn", "cám ơn", "thanks", "thank you", "thank", "ok cảm ơn"]),
            (.goodbye, ["tạm biệt", "bye", "hẹn gặp lại"]),
            (.help, ["help", "trợ giúp", "hướng dẫn", "giúp tôi", "giúp em"]),
        ]
        phrases = table.flatMap { kind, texts in
            texts.map { (kind, Tokenizer.tokenize($0).map(\.folded)) }
        }
        let fillerWords = ["ạ", "à", "nhé", "nha", "ơi", "bạn", "ad", "admin", "em", "anh", "chị", "mọi", "người",
                           "nhiều", "rất", "lắm", "bot", "shop", "vâng", "dạ", "ok", "oke", "nhiều lắm"]
        filler = Set(fillerWords.flatMap { Tokenizer.tokenize($0).map(\.folded) })
    }

    /// The kind of small talk `text` is, or nil when it says something more.
    package func classify(_ text: String) -> Kind? {
        let words = analyzer.analyze(text).map(\.folded)
        guard !words.isEmpty, words.count <= 8 else { return nil }
        var found: Kind?
        var index = 0
        while index < words.count {
            if filler.contains(words[index]) {
                index += 1
                continue
            }
            guard let match = phrases.filter({ _, phrase in
                index + phrase.count <= words.count && Array(words[index..<index + phrase.count]) == phrase
            }).max(by: { $0.1.count < $1.1.count }) else { return nil }
            found = found ?? match.0
            index += match.1.count
        }
        return found
    }

    /// The reply to a kind of small talk.
    package static func reply(_ kind: Kind) -> String {
        switch kind {
        case .greeting:
            "Xin chào anh/chị! Đây là bàn hỗ trợ một cửa về chính phủ điện tử. Anh/chị cứ đặt câu hỏi, "
                + "có dấu hay không dấu đều được."
        case .thanks: "Dạ, không có gì ạ. Anh/chị cần hỏi thêm gì cứ nhắn nhé."
        case .goodbye: "Chào anh/chị, hẹn gặp lại!"
        case .help: helpText
        }
    }

    /// What every asker can do, wherever they write from.
    static let commonHelp = """
        Anh/chị gõ câu hỏi về chính phủ điện tử, dịch vụ công, dữ liệu, an toàn thông tin… (có dấu hay không dấu đều được).
        Khi có gợi ý, gõ số thứ tự để chọn.
        /more — xem câu trả lời khác cho câu hỏi vừa rồi
        /yes, /no — câu trả lời có giúp ích không
        /human — chuyển câu hỏi cho cán bộ phụ trách
        /tickets — xem các phiếu của anh/chị và trạng thái
        """

    /// How to use the desk, in Vietnamese.
    package static let helpText = commonHelp + """

        /resume MÃ — tiếp tục một cuộc trò chuyện cũ
        /quit — kết thúc
        """

    /// How to use the desk from a messaging app (no conversation ids, nothing to quit).
    package static let gatewayHelpText = commonHelp + """

        /rate SỐ_PHIẾU ĐIỂM — đánh giá câu trả lời của đơn vị (1–5)
        """
}
