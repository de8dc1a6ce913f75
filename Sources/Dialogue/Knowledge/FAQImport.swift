import Crypto
import Foundation
import Retrieval

/// An agency's existing FAQ brought in as it is kept (a spreadsheet saved as CSV): which column
/// holds what — by header name (with or without diacritics: "Câu hỏi", "cau hoi", "question")
/// or by number — each usable row a knowledge-base entry, each unusable row reported with its
/// line. Entries get ids from their question (`faq-` and 10 hex digits of its folded form), so
/// importing the same file again updates them instead of adding copies; their texts are
/// masked like every answer that becomes knowledge.
package struct FAQImport: Sendable {
    /// Where each field is: a header's name or a 1-based column number; nil: found by the
    /// usual header names (question and answer must be found).
    package struct Mapping: Sendable, Hashable {
        package var question: String?
        package var answer: String?
        package var topic: String?
        package var unit: String?
        package var variants: String?

        /// Creates a mapping.
        package init(question: String? = nil, answer: String? = nil, topic: String? = nil, unit: String? = nil,
                     variants: String? = nil)
        {
            self.question = question
            self.answer = answer
            self.topic = topic
            self.unit = unit
            self.variants = variants
        }
    }

    /// A row left out, and why.
    package struct Rejected: Sendable, Hashable {
        package var line: Int
        package var reason: String
    }

    /// Why the file cannot be imported at all.
    package struct Unusable: Error, Hashable, CustomStringConvertible {
        package var description: String
    }

    /// The usual header names of each field, folded.
    static let headers: [String: [String]] = [
        "question": ["question", "cau hoi", "hoi", "noi dung cau hoi"],
        "answer": ["answer", "tra loi", "cau tra loi", "noi dung tra loi", "dap"],
        "topic": ["topic", "chu de", "linh vuc"],
        "unit": ["unit", "don vi", "don vi tra loi", "co quan tra loi"],
        "variants": ["variants", "cach hoi khac", "cau hoi tuong tu"],
    ]

    let topics: [Topic]
    let units: Set<String>
    let masker = PersonalDataMasker()

    /// An importer that places entries in the corpus's topics and units.
    package init(topics: [Topic], units: Set<String>) {
        self.topics = topics
        self.units = units
    }

    /// The entries of a table whose first row is its header.
    /// - Throws: `Unusable` when the question or answer column is not found.
    package func entries(from table: CSVTable, mapping: Mapping = Mapping()) throws(Unusable)
        -> (entries: [KnowledgeEntry], rejected: [Rejected])
    {
        guard let header = table.rows.first else { throw Unusable(description: "Tệp không có dòng nào.") }
        let names = header.cells.map { Diacritics.foldedKey($0) }
        func column(_ field: String, _ given: String?) throws(Unusable) -> Int? {
            if let given {
                if let number = Int(given.trimmingCharacters(in: .whitespaces)), number >= 1, number <= names.count {
                    return number - 1
                }
                guard let index = names.firstIndex(of: Diacritics.foldedKey(given)) else {
                    throw Unusable(description: "Không có cột \"\(given)\" (các cột: \(header.cells.joined(separator: ", "))).")
                }
                return index
            }
            return names.firstIndex { Self.headers[field]!.contains($0) }
        }
        guard let question = try column("question", mapping.question), let answer = try column("answer", mapping.answer) else {
            throw Unusable(description: "Không tìm thấy cột câu hỏi và cột trả lời; hãy chỉ rõ bằng --question-column và --answer-column "
                + "(các cột: \(header.cells.joined(separator: ", "))).")
        }
        let topic = try column("topic", mapping.topic)
        let unit = try column("unit", mapping.unit)
        let variants = try column("variants", mapping.variants)
        var entries: [KnowledgeEntry] = []
        var rejected: [Rejected] = []
        var seen: [String: Int] = [:]
        for row in table.rows.dropFirst() {
            func cell(_ index: Int?) -> String {
                guard let index, index < row.cells.count else { return "" }
                let text = row.cells[index].trimmingCharacters(in: .whitespacesAndNewlines)
                // The `'` an export put before a cell a spreadsheet would run as a formula.
                if text.hasPrefix("'"), let second = text.dropFirst().first, "=+-@".contains(second) { return String(text.dropFirst()) }
                return text
            }
            let asked = cell(question), told = cell(answer)
            guard asked.hasVisibleText else { rejected.append(Rejected(line: row.line, reason: "thiếu câu hỏi")); continue }
            guard told.hasVisibleText else { rejected.append(Rejected(line: row.line, reason: "thiếu câu trả lời")); continue }
            guard asked.utf8.count <= 2_000, told.utf8.count <= 16_000 else {
                rejected.append(Rejected(line: row.line, reason: "câu hỏi hoặc câu trả lời quá dài"))
                continue
            }
            var placed: Topic?
            if topic != nil, cell(topic).hasVisibleText {
                let wanted = Diacritics.foldedKey(cell(topic))
                placed = topics.first { Diacritics.foldedKey($0.id) == wanted || Diacritics.foldedKey($0.name) == wanted }
                guard placed != nil else {
                    rejected.append(Rejected(line: row.line, reason: "chủ đề \"\(cell(topic).prefix(60))\" không có"))
                    continue
                }
            }
            var owner = placed?.unit
            if unit != nil, cell(unit).hasVisibleText {
                let given = cell(unit).uppercased()
                guard units.contains(given) else {
                    rejected.append(Rejected(line: row.line, reason: "đơn vị \"\(cell(unit).prefix(40))\" không có"))
                    continue
                }
                owner = given
            }
            let id = Self.entryID(asked)
            if let first = seen[id] {
                rejected.append(Rejected(line: row.line, reason: "trùng câu hỏi ở dòng \(first)"))
                continue
            }
            seen[id] = row.line
            let others = cell(variants).split(whereSeparator: { $0 == "|" || $0 == "\n" })
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter(\.hasVisibleText)
            entries.append(KnowledgeEntry(
                id: id, question: masker.mask(asked), answer: masker.mask(told, source: .answer(question: asked)),
                topic: placed?.id, unit: owner, variants: others.map { masker.mask($0) }))
        }
        return (entries, rejected)
    }

    /// The id of the entry a question makes (the same however it is cased or accented).
    package static func entryID(_ question: String) -> String {
        let digest = SHA256.hash(data: Data(Diacritics.foldedKey(question).utf8))
        return "faq-" + digest.prefix(5).map { String(format: "%02x", $0) }.joined()
    }

    /// The knowledge base as a CSV a spreadsheet opens (`motcua export --csv`): the columns the
    /// import reads back.
    package static func csv(_ entries: [KnowledgeEntry]) -> String {
        CSVTable.render([["id", "question", "answer", "topic", "unit", "variants", "refs"]] + entries.map {
            [$0.id, $0.question, $0.answer, $0.topic ?? "", $0.unit ?? "", $0.variants.joined(separator: " | "),
             $0.refs.joined(separator: " ")]
        })
    }
}
