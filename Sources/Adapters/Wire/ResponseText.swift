import Dialogue
import Foundation
import Retrieval

/// Renders a retrieval response as readable Vietnamese for people at a terminal.
package struct ResponseText: Sendable {
    /// Looks up an entry by id.
    package var entry: @Sendable (String) -> KnowledgeEntry?
    /// Topic code → name.
    package var topicNames: [String: String]

    /// Creates a renderer.
    package init(entry: @escaping @Sendable (String) -> KnowledgeEntry?, topicNames: [String: String]) {
        self.entry = entry
        self.topicNames = topicNames
    }

    /// The text of a response, with every ranked result when `showRanking` is set.
    package func render(_ response: SearchResponse, showRanking: Bool = true) -> String {
        var lines: [String] = []
        switch response.decision {
        case .answer:
            lines.append("Quyết định: trả lời (độ tin cậy \(percent(response.shown.first?.confidence ?? 0)))")
            if let top = response.shown.first, let entry = entry(top.entryID) {
                lines.append("")
                lines.append("Câu hỏi tương tự: \(entry.question)")
                lines.append("Trả lời: \(entry.answer)")
                if !entry.refs.isEmpty { lines.append("Văn bản liên quan: \(entry.refs.joined(separator: ", "))") }
            }
        case .suggest:
            lines.append("Quyết định: gợi ý — có thể anh/chị muốn hỏi một trong các câu sau:")
            for (position, result) in response.shown.enumerated() {
                let question = entry(result.entryID)?.question ?? result.entryID
                lines.append("  \(position + 1). \(question) (\(percent(result.confidence)))")
            }
        case .escalate:
            lines.append("Quyết định: chuyển cán bộ — chưa có câu trả lời phù hợp; câu hỏi sẽ được chuyển "
                + "đến đơn vị phụ trách.")
        }
        if showRanking && !response.results.isEmpty {
            lines.append("")
            lines.append("Xếp hạng:")
            for (position, result) in response.results.enumerated() {
                let topic = entry(result.entryID)?.topic.flatMap { topicNames[$0] } ?? ""
                var line = "  \(position + 1). \(result.entryID)  độ tin cậy \(percent(result.confidence))"
                line += String(format: "  điểm %.2f", result.score)
                if result.sharedBy > 1 { line += "  (\(result.sharedBy) câu chung một câu trả lời)" }
                if !topic.isEmpty { line += "  [\(topic)]" }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }

    func percent(_ value: Float) -> String { "\(Int((value * 100).rounded()))%" }
}
