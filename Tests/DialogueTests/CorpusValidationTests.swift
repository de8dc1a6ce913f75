import Foundation
import Testing

@testable import Dialogue
@testable import Retrieval

/// Checks of the data in the bundled `corpus/` directory: every file parses, ids are unique,
/// cross-references resolve, the promised sizes and mixes hold, and text is NFC.
@Suite struct CorpusValidationTests {
    /// The package's own `corpus/` directory.
    static let corpusDirectory = BundledCorpus.directory

    static func path(_ name: String) -> String { "\(corpusDirectory)/\(name)" }

    /// The knowledge-base files, sorted by name.
    static func knowledgeBaseFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path("kb"))
            .filter { $0.hasSuffix(".jsonl") }.sorted().map { "kb/\($0)" }
    }

    static func loadCorpus() throws -> Corpus { try Corpus.load(from: corpusDirectory) }

    static func loadQueries() throws -> [EvaluationQuery] {
        try JSONLines.read(EvaluationQuery.self, from: path("eval/queries.jsonl"))
    }

    /// Decodes each non-empty line of a corpus file on its own; returns "file:line: reason" for
    /// each line that does not decode (or the file cannot be read).
    static func unparsableLines<T: Decodable>(_ type: T.Type, in name: String) -> [String] {
        guard let text = try? String(contentsOfFile: path(name), encoding: .utf8) else {
            return ["\(name): cannot be read as UTF-8"]
        }
        let decoder = JSONDecoder()
        var failures: [String] = []
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy(\.isWhitespace) { continue }
            do {
                _ = try decoder.decode(T.self, from: Data(line.utf8))
            } catch {
                failures.append("\(name):\(offset + 1): \(error)")
            }
        }
        return failures
    }

    /// Ids that occur more than once.
    static func duplicates(_ ids: [String]) -> [String] {
        Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
    }

    /// Chat words and official abbreviations users type (lower case).
    static let shorthandTokens: Set<String> = [
        "ko", "k", "kh", "đc", "dc", "ntn", "j", "vs", "e", "ad", "mn", "cpđt", "cpdt", "cqnn", "tthc",
        "dvc", "csdl", "httt", "cntt", "attt", "ubnd", "nđ", "qđ", "lgsp", "ngsp", "dti", "egdi",
    ]

    /// Lower-cased tokens split at white space and punctuation.
    static func tokens(_ text: String) -> Set<String> {
        Set(text.lowercased()
            .components(separatedBy: CharacterSet.whitespacesAndNewlines.union(.punctuationCharacters)
                .union(.symbols))
            .filter { !$0.isEmpty })
    }

    /// Every line of every corpus JSON Lines file decodes into its record type.
    @Test func everyLineOfEveryFileParses() throws {
        var failures: [String] = []
        let kbFiles = try Self.knowledgeBaseFiles()
        #expect(!kbFiles.isEmpty, "no kb/*.jsonl files in \(Self.corpusDirectory)")
        for file in kbFiles { failures += Self.unparsableLines(KnowledgeEntry.self, in: file) }
        failures += Self.unparsableLines(Topic.self, in: "topics.jsonl")
        failures += Self.unparsableLines(AnsweringUnit.self, in: "units.jsonl")
        failures += Self.unparsableLines(CatalogueDocument.self, in: "docs.jsonl")
        failures += Self.unparsableLines(EvaluationQuery.self, in: "eval/queries.jsonl")
        failures += Self.unparsableLines(Province.self, in: "provinces.jsonl")
        #expect(failures.isEmpty, "unparsable lines:\n\(failures.joined(separator: "\n"))")
    }

    /// No two entries, topics, units, documents or queries share an id.
    @Test func idsAreUnique() throws {
        let corpus = try Self.loadCorpus()
        let queries = try Self.loadQueries()
        #expect(Self.duplicates(corpus.entries.map(\.id)).isEmpty, "duplicate entry ids")
        #expect(Self.duplicates(corpus.topics.map(\.id)).isEmpty, "duplicate topic ids")
        #expect(Self.duplicates(corpus.units.map(\.id)).isEmpty, "duplicate unit ids")
        #expect(Self.duplicates(corpus.documents.map(\.id)).isEmpty, "duplicate document ids")
        #expect(Self.duplicates(queries.map(\.id)).isEmpty, "duplicate query ids")
        #expect(Self.duplicates(corpus.provinces.provinces.map(\.id)).isEmpty, "duplicate province ids")
    }

    /// Every topic, unit, document and entry that something refers to exists.
    @Test func crossReferencesResolve() throws {
        let corpus = try Self.loadCorpus()
        let queries = try Self.loadQueries()
        let topics = Set(corpus.topics.map(\.id))
        let units = Set(corpus.units.map(\.id))
        let documents = Set(corpus.documents.map(\.id))
        let entries = Set(corpus.entries.map(\.id))

        let badEntryTopics = corpus.entries.filter { $0.topic.map { !topics.contains($0) } ?? true }
            .map { "\($0.id) → topic \($0.topic ?? "nil")" }
        let badEntryUnits = corpus.entries.filter { $0.unit.map { !units.contains($0) } ?? true }
            .map { "\($0.id) → unit \($0.unit ?? "nil")" }
        let badTopicUnits = corpus.topics.filter { !units.contains($0.unit) }.map { "\($0.id) → unit \($0.unit)" }
        let badRefs = corpus.entries.flatMap { entry in
            entry.refs.filter { !documents.contains($0) }.map { "\(entry.id) → ref \($0)" }
        }
        let badDocumentTopics = corpus.documents.flatMap { document in
            (document.topics ?? []).filter { !topics.contains($0) }.map { "\(document.id) → topic \($0)" }
        }
        let badRelevant = queries.flatMap { query in
            query.relevant.filter { !entries.contains($0) }.map { "\(query.id) → entry \($0)" }
        }
        #expect(badEntryTopics.isEmpty, "entries with an unknown topic: \(badEntryTopics)")
        #expect(badEntryUnits.isEmpty, "entries with an unknown unit: \(badEntryUnits)")
        #expect(badTopicUnits.isEmpty, "topics with an unknown unit: \(badTopicUnits)")
        #expect(badRefs.isEmpty, "entry refs to documents not in the catalogue: \(badRefs)")
        #expect(badDocumentTopics.isEmpty, "documents with an unknown topic: \(badDocumentTopics)")
        #expect(badRelevant.isEmpty, "queries naming entries that do not exist: \(badRelevant)")
    }

    /// At least 10 topics, one of them about administrative procedures (thủ tục hành chính).
    @Test func topicsCoverTheField() throws {
        let corpus = try Self.loadCorpus()
        #expect(corpus.topics.count >= 10)
        #expect(corpus.topics.contains { $0.name.lowercased().contains("thủ tục hành chính") })
    }

    /// At least 200 entries, and at least 15 in every topic.
    @Test func entriesAreNumerousInEveryTopic() throws {
        let corpus = try Self.loadCorpus()
        #expect(corpus.entries.count >= 200)
        let perTopic = Dictionary(grouping: corpus.entries, by: { $0.topic ?? "" }).mapValues(\.count)
        let thin = corpus.topics.filter { (perTopic[$0.id] ?? 0) < 15 }.map { "\($0.id): \(perTopic[$0.id] ?? 0)" }
        #expect(thin.isEmpty, "topics with fewer than 15 entries: \(thin)")
    }

    /// At least 60 catalogue documents, including the key decrees and the digital-transformation programme.
    @Test func catalogueHoldsTheKeyDocuments() throws {
        let corpus = try Self.loadCorpus()
        #expect(corpus.documents.count >= 60)
        let ids = Set(corpus.documents.map(\.id))
        for required in ["47-2020-nd-cp", "45-2020-nd-cp", "42-2022-nd-cp", "85-2016-nd-cp", "749-qd-ttg"] {
            #expect(ids.contains(required), "catalogue lacks \(required)")
        }
    }

    /// At least 400 queries: ≥ 100 without any diacritics, ≥ 50 with shorthand, ≥ 40 out of scope.
    @Test func evaluationQueriesHaveThePromisedMix() throws {
        let queries = try Self.loadQueries()
        #expect(queries.count >= 400)
        let unaccented = queries.filter { Diacritics.strip($0.query) == $0.query }
        #expect(unaccented.count >= 100, "only \(unaccented.count) queries without diacritics")
        let shorthand = queries.filter { !Self.tokens($0.query).isDisjoint(with: Self.shorthandTokens) }
        #expect(shorthand.count >= 50, "only \(shorthand.count) queries with abbreviations or chat words")
        let outOfScope = queries.filter(\.relevant.isEmpty)
        #expect(outOfScope.count >= 40, "only \(outOfScope.count) out-of-scope queries")
    }

    /// Questions, answers, variants and queries are all in Unicode NFC.
    @Test func allTextIsNFC() throws {
        let corpus = try Self.loadCorpus()
        let queries = try Self.loadQueries()
        // Scalar by scalar: `String`'s `==` holds any two canonically equivalent texts equal.
        func isNFC(_ text: String) -> Bool { text.unicodeScalars.elementsEqual(text.precomposedStringWithCanonicalMapping.unicodeScalars) }
        var offenders: [String] = []
        for entry in corpus.entries {
            if !isNFC(entry.question) { offenders.append("\(entry.id) question") }
            if !isNFC(entry.answer) { offenders.append("\(entry.id) answer") }
            for (position, variant) in entry.variants.enumerated() where !isNFC(variant) {
                offenders.append("\(entry.id) variant \(position + 1)")
            }
        }
        offenders += queries.filter { !isNFC($0.query) }.map { "\($0.id) query" }
        for province in corpus.provinces.provinces {
            for name in [province.name, province.kind] + province.aliases + province.merged where !isNFC(name) {
                offenders.append("province \(province.id): \(name)")
            }
        }
        #expect(offenders.isEmpty, "text not in NFC: \(offenders)")
    }

    /// The 34 provinces and cities of the 2025 reorganisation, each of the 63 before it named
    /// once (kept or merged), with ids derived from the names like the other codes.
    @Test func provincesAreTheReorganisedThirtyFour() throws {
        let provinces = try Self.loadCorpus().provinces.provinces
        #expect(provinces.count == 34)
        let oldNames = provinces.flatMap { [$0.name] + $0.merged }
        #expect(oldNames.count == 63 && Set(oldNames).count == 63)
        for province in provinces {
            let expected = Diacritics.foldedKey(province.name.replacingOccurrences(of: "Thành phố ", with: ""))
                .replacingOccurrences(of: " ", with: "-")
            #expect(province.id == expected, "\(province.name) → \(province.id)")
            #expect(["tỉnh", "thành phố"].contains(province.kind))
        }
    }

    /// The lexicon lists load with enough abbreviations, chat words, synonyms, stop words and words.
    @Test func lexiconIsSubstantial() {
        let lexicon = Corpus.loadLexicon(from: Self.path("lexicon"))
        #expect(lexicon.abbreviations.count >= 30)
        #expect(lexicon.chatWords.count >= 20)
        #expect(lexicon.synonyms.count >= 50)
        #expect(lexicon.stopWords.count >= 100)
        #expect(lexicon.words.count >= 1000)
    }
}
