import Foundation
import Retrieval

/// Everything the bundled `corpus/` directory (or one of the same layout) holds: entries,
/// topics, units, the provinces, the document catalogue, the lexicon and the ranking configuration.
package struct Corpus: Sendable {
    /// The directory it was read from.
    package var directory: String
    /// Knowledge-base entries (`kb/*.jsonl`).
    package var entries: [KnowledgeEntry]
    /// Topics.
    package var topics: [Topic]
    /// Answering units.
    package var units: [AnsweringUnit]
    /// The document catalogue.
    package var documents: [CatalogueDocument]
    /// The lexicon (`lexicon/*.txt`).
    package var lexicon: Lexicon
    /// Ranking configuration (`ranking.json`, defaults where missing).
    package var ranking: RankingConfiguration
    /// The desk's settings (`desk.json`): due hours per ticket kind, the fallback unit.
    package var desk: DeskSettings = DeskSettings()
    /// The 34 provinces and cities (`provinces.jsonl`), to place askers' agencies in reports.
    package var provinces: ProvinceDirectory = .empty

    /// Reads a corpus directory. Missing optional files (lexicon lists, `ranking.json`,
    /// `desk.json`, `docs.jsonl`, `provinces.jsonl`) leave their part empty or at defaults.
    package static func load(from directory: String) throws -> Corpus {
        let root = URL(fileURLWithPath: directory)
        func path(_ name: String) -> String { root.appendingPathComponent(name).path }
        func optional<T: Decodable>(_ type: T.Type, _ name: String) throws -> [T] {
            FileManager.default.fileExists(atPath: path(name)) ? try JSONLines.read(type, from: path(name)) : []
        }
        let entries = try loadEntries(from: path("kb"))
        var corpus = Corpus(
            directory: directory, entries: entries,
            topics: try optional(Topic.self, "topics.jsonl"),
            units: try optional(AnsweringUnit.self, "units.jsonl"),
            documents: try optional(CatalogueDocument.self, "docs.jsonl"),
            lexicon: loadLexicon(from: path("lexicon")),
            ranking: try loadRanking(from: path("ranking.json")))
        if FileManager.default.fileExists(atPath: path("desk.json")) {
            corpus.desk = try JSONDecoder().decode(DeskSettings.self, from: Data(contentsOf: URL(fileURLWithPath: path("desk.json"))))
            try corpus.desk.validate(file: path("desk.json"))
        }
        if FileManager.default.fileExists(atPath: path("provinces.jsonl")) {
            corpus.provinces = try ProvinceDirectory(JSONLines.read(Province.self, from: path("provinces.jsonl")),
                                                     file: path("provinces.jsonl"))
        }
        return corpus
    }

    /// Reads entries from one JSON Lines file or every `*.jsonl` file of a directory (sorted by
    /// name, so the order is stable).
    package static func loadEntries(from path: String) throws -> [KnowledgeEntry] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CorpusError.missing(path)
        }
        guard isDirectory.boolValue else { return try JSONLines.read(KnowledgeEntry.self, from: path) }
        let files = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".jsonl") }.sorted()
        return try files.flatMap { try JSONLines.read(KnowledgeEntry.self, from: "\(path)/\($0)") }
    }

    /// Reads the lexicon lists that exist in a directory.
    package static func loadLexicon(from directory: String) -> Lexicon {
        func text(_ name: String) -> String {
            (try? String(contentsOfFile: "\(directory)/\(name)", encoding: .utf8)) ?? ""
        }
        return Lexicon(abbreviationsText: text("abbreviations.txt"), chatText: text("chat.txt"),
                       documentTypesText: text("doctypes.txt"), synonymsText: text("synonyms.txt"),
                       stopWordsText: text("stopwords.txt"), wordsText: text("words.txt"))
    }

    /// Reads a ranking configuration, or the defaults when the file does not exist.
    package static func loadRanking(from path: String) throws -> RankingConfiguration {
        guard FileManager.default.fileExists(atPath: path) else { return RankingConfiguration() }
        return try JSONDecoder().decode(RankingConfiguration.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The escalation desk's configuration from this corpus.
    package var deskConfiguration: EscalationService.Configuration {
        var configuration = EscalationService.Configuration(topics: topics, fallbackUnit: desk.fallbackUnit)
        configuration.provinces = provinces
        for (code, days) in desk.dueWorkingDays ?? [:] {
            if let kind = TicketKind(text: code) { configuration.dueWorkingDays[kind] = days }
        }
        configuration.calendar = desk.calendar
        if let days = desk.updateEveryDays { configuration.updateInterval = Double(days) * 86_400 }
        if let review = desk.review { configuration.review = review }
        if let cap = desk.ticketsPerConversationPerHour { configuration.ticketLimits.perConversation = cap }
        if let cap = desk.ticketsPerAddressPerHour { configuration.ticketLimits.perAddress = cap }
        return configuration
    }

    /// The corpus's units as the store keeps them.
    package var unitRecords: [UnitRecord] {
        units.map { UnitRecord(id: $0.id, name: $0.name, answers: $0.answers) }
    }

    /// Topic code → Vietnamese name.
    package var topicNames: [String: String] { Self.topicNames(topics) }

    /// Topic code → Vietnamese name, for any topics.
    package static func topicNames(_ topics: [Topic]) -> [String: String] {
        Dictionary(topics.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
    }

    /// Catalogue document id → "number title", for indexing the documents entries cite.
    package var documentTexts: [String: String] { Self.documentTexts(documents) }

    /// Document id → "number title", for any documents.
    package static func documentTexts(_ documents: [CatalogueDocument]) -> [String: String] {
        Dictionary(documents.map { ($0.id, "\($0.number) \($0.title)") }, uniquingKeysWith: { first, _ in first })
    }

    /// An empty index analysing with this corpus's lexicon, topics and catalogue.
    package func emptyIndex(configuration: RankingConfiguration? = nil) -> KnowledgeIndex {
        KnowledgeIndex(analyzer: Analyzer(lexicon: lexicon), configuration: configuration ?? ranking,
                       topicNames: topicNames, documentTexts: documentTexts)
    }

    /// An index of `entries` (by default this corpus's own; another knowledge base is analysed
    /// with this corpus's lexicon).
    package func makeIndex(entries: [KnowledgeEntry]? = nil, configuration: RankingConfiguration? = nil)
        -> KnowledgeIndex
    {
        var index = emptyIndex(configuration: configuration)
        index.load(entries ?? self.entries)
        return index
    }

    /// The bundled corpus directory: `$MOTCUA_CORPUS`, else `./corpus` when it holds a corpus,
    /// else the `corpus/` directory of the source tree this binary was built from.
    package static func defaultDirectory() -> String {
        if let fromEnvironment = ProcessInfo.processInfo.environment["MOTCUA_CORPUS"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        if FileManager.default.fileExists(atPath: "corpus/topics.jsonl") { return "corpus" }
        // Sources/Dialogue/Corpus/Corpus.swift → the package root.
        // `#filePath` here, not as a default argument (which would be the caller's file).
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("corpus").path
    }
}

/// A corpus that cannot be read.
package struct CorpusError: Error, CustomStringConvertible {
    /// What went wrong.
    package var description: String

    /// An error saying `description`.
    package init(description: String) { self.description = description }

    /// A path that does not exist.
    package static func missing(_ path: String) -> CorpusError {
        CorpusError(description: "không tìm thấy \(path)")
    }
}

/// `desk.json`: the desk's rules — working days until each kind of ticket is due, the public
/// holidays and make-up working days of each year, how often an open ticket owes the asker
/// news, whether answers are reviewed before they become knowledge, the caps on tickets, and
/// where tickets of a topic without an owner go.
package struct DeskSettings: Sendable, Codable, Hashable {
    /// Working days until due, by kind code (`cau-hoi`, `kien-nghi`, `phan-anh`, `xin-y-kien`).
    package var dueWorkingDays: [String: Int]?
    /// Days off on weekdays, by year: `{"2026": ["2026-01-01", "2026-02-16", …]}`.
    package var holidays: [String: [String]]?
    /// Weekend days that are working days, by year (made up for a bridge day).
    package var workdays: [String: [String]]?
    /// Days an open ticket may go without news to the asker.
    package var updateEveryDays: Int?
    /// Reusable answers wait for a reviewer (default true).
    package var review: Bool?
    /// Tickets a conversation may raise in an hour (0: no cap).
    package var ticketsPerConversationPerHour: Int?
    /// Tickets one client address may raise in an hour (0: no cap).
    package var ticketsPerAddressPerHour: Int?
    /// Unit code for tickets whose topic has no owner.
    package var fallbackUnit: String?

    /// No settings: the defaults.
    package init() {}

    /// The working calendar the lists give.
    package var calendar: WorkingCalendar {
        func days(_ lists: [String: [String]]?) -> Set<CivilDay> {
            Set((lists ?? [:]).values.flatMap { $0.compactMap(CivilDay.init) })
        }
        return WorkingCalendar(holidays: days(holidays), workdays: days(workdays),
                               listedYears: Set((holidays ?? [:]).keys.compactMap { Int($0) }))
    }

    /// Refuses settings that cannot be meant: a day that does not exist or is filed under
    /// another year, a negative or absurd number, an unknown kind.
    package func validate(file: String) throws {
        func fail(_ why: String) -> CorpusError { CorpusError(description: "\(file): \(why)") }
        for (name, lists) in [("holidays", holidays), ("workdays", workdays)] {
            for (year, days) in lists ?? [:] {
                guard let number = Int(year), (2000...2100).contains(number) else { throw fail("\(name): năm không hợp lệ \(year)") }
                for text in days {
                    guard let day = CivilDay(text), day.year == number else { throw fail("\(name) \(year): ngày không hợp lệ \(text)") }
                }
            }
        }
        for (code, days) in dueWorkingDays ?? [:] {
            guard TicketKind(text: code) != nil else { throw fail("dueWorkingDays: không có loại phiếu \(code)") }
            guard (1...365).contains(days) else { throw fail("dueWorkingDays \(code): phải từ 1 đến 365 ngày làm việc") }
        }
        if let days = updateEveryDays, !(1...90).contains(days) { throw fail("updateEveryDays: phải từ 1 đến 90") }
        for cap in [ticketsPerConversationPerHour, ticketsPerAddressPerHour].compactMap({ $0 }) where cap < 0 {
            throw fail("giới hạn phiếu mỗi giờ không được âm")
        }
    }
}
