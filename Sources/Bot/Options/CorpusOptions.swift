import ArgumentParser
import Dialogue
import Foundation
import Retrieval

/// Options shared by the commands that search a knowledge base.
package struct CorpusOptions: ParsableArguments {
    package init() {}

    @Option(name: .long, help: "Thư mục corpus (mặc định: corpus đi kèm).")
    package var corpus: String?

    @Option(name: .long, help: "Tệp hoặc thư mục JSONL của cơ sở tri thức (mặc định: corpus/kb); nhắc lại để gộp nhiều nguồn.")
    package var kb: [String] = []

    @Option(name: .long, help: "Tệp cấu hình xếp hạng JSON (mặc định: corpus/ranking.json).")
    package var config: String?

    @Option(name: .long, help: "Cách biểu diễn từ nhiều âm tiết: none, bigrams, dictionary, both.")
    package var compounds: TermExtractor.Compounds?

    /// The corpus (lexicon, topics) and the configuration to use.
    package func load() throws -> (Corpus, RankingConfiguration) {
        let corpus = try Corpus.load(from: self.corpus ?? Corpus.defaultDirectory())
        var configuration = try config.map(Corpus.loadRanking(from:)) ?? corpus.ranking
        if let compounds { configuration.compounds = compounds.rawValue }
        return (corpus, configuration)
    }

    /// The entries to search: those of every `--kb` together (in order), or the corpus's own.
    /// Two sources with one id are an error, not a silent replacement.
    package func entries(_ corpus: Corpus) throws -> [KnowledgeEntry] {
        guard !kb.isEmpty else { return corpus.entries }
        var seen = Set<String>()
        var all: [KnowledgeEntry] = []
        for path in kb {
            for entry in try Corpus.loadEntries(from: path) {
                guard seen.insert(entry.id).inserted else {
                    throw CorpusError(description: "mục \(entry.id) có ở nhiều nguồn --kb (\(path))")
                }
                all.append(entry)
            }
        }
        return all
    }
}

/// The development queries option shared by `eval` and `calibrate`.
package struct QueryOptions: ParsableArguments {
    package init() {}

    @Option(name: .long, help: "Tệp JSONL câu hỏi (mặc định: corpus/eval/queries.jsonl).")
    package var queries: String?

    /// The queries, from `--queries` or the corpus's own.
    package func load(_ corpus: Corpus) throws -> [EvaluationQuery] {
        try JSONLines.read(EvaluationQuery.self, from: queries ?? "\(corpus.directory)/eval/queries.jsonl")
    }
}

extension TermExtractor.Compounds: ExpressibleByArgument {}
