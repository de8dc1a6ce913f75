import ArgumentParser
import CommandOptions
import Dialogue
import Retrieval
import Wire

/// `motcua ask`: one question, the decision and the ranked answers.
struct Ask: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Hỏi một câu và xem quyết định cùng các câu trả lời xếp hạng.")

    @Argument(help: "Câu hỏi.")
    var question: String

    @OptionGroup var options: CorpusOptions

    @Option(name: .long, help: "Số kết quả xếp hạng.")
    var limit = 5

    @Flag(name: .long, help: "In các đặc trưng mà độ tin cậy được tính từ đó.")
    var features = false

    func run() throws {
        let (corpus, configuration) = try options.load()
        let engine = SearchEngine(corpus.makeIndex(entries: try options.entries(corpus), configuration: configuration))
        let response = engine.search(question, limit: limit)
        let text = ResponseText(entry: { engine.entry($0) }, topicNames: corpus.topicNames)
        print(text.render(response))
        if features {
            for result in response.results {
                let f = result.features
                print(String(format: "%@: điểm chuẩn hóa %.3f, độ phủ %.3f, tương đối %.3f, cách biệt %.3f, mức điểm %.3f",
                             result.entryID, f.normalizedScore, f.coverage, f.relativeScore, f.margin, f.scoreLevel))
            }
        }
    }
}
