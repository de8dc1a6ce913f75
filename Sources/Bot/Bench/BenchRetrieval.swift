import ArgumentParser
import Dialogue
import Foundation
import Retrieval
import Storage

/// `motcua-bench retrieval`: analysis throughput, index build time and memory, search latency and
/// throughput, each beside a baseline measured in the same run.
struct BenchRetrieval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieval",
        abstract: "Đo tốc độ phân tích, lập chỉ mục và tìm kiếm, so với SQLite FTS5 trong cùng lần chạy.")

    @Option(name: .long, help: "Thư mục corpus (mặc định: corpus đi kèm).")
    var corpus: String?

    @Option(name: .long, parsing: .upToNextOption,
            help: "Phép đo: analysis (tốc độ phân tích), corpus và/hoặc số mục tổng hợp (vd: 100000).")
    var sizes: [String] = ["analysis", "corpus", "100000", "1000000"]

    @Option(name: .long, help: "Số câu hỏi cho mỗi phép đo.")
    var queries = 2000

    @Option(name: .long, help: "Số MB văn bản cho phép đo tốc độ phân tích.")
    var megabytes = 8

    @Option(name: .long, help: "Tệp cấu hình xếp hạng JSON (mặc định: corpus/ranking.json).")
    var config: String?

    @Flag(name: .long, help: "Bỏ qua đường cơ sở FTS5 (nhanh hơn với 1.000.000 mục).")
    var skipBaseline = false

    @Flag(name: .long, help: "Đo cả tantivy (pip install tantivy==0.27) trong cùng lần chạy, qua scripts/bench-tantivy.py.")
    var tantivy = false

    @Flag(name: .long, help: "In bộ nhớ của chỉ mục theo từng phần (ước lượng theo các mảng của nó).")
    var footprint = false

    func run() throws {
        let corpus = try Corpus.load(from: self.corpus ?? Corpus.defaultDirectory())
        print("# motcua-bench retrieval — \(Machine.describe())")
        if sizes.contains("analysis") { analysis(corpus) }
        for size in sizes where size != "analysis" {
            let entries: [KnowledgeEntry]
            let questions: [String]
            var sources: [String] = []
            var synthetic = SyntheticCorpus(texts: corpus.entries.flatMap { [$0.question, $0.answer] + $0.variants })
            if size == "corpus" {
                entries = corpus.entries
                let eval = (try? JSONLines.read(EvaluationQuery.self, from: "\(corpus.directory)/eval/queries.jsonl")) ?? []
                let texts = eval.map(\.query)
                questions = (0..<queries).map { texts.isEmpty ? "" : texts[$0 % texts.count] }
            } else if let count = Int(size) {
                entries = synthetic.entries(count)
                let made = synthetic.queries(queries, about: entries)
                questions = made.map(\.text)
                sources = made.map(\.source)
            } else {
                throw ValidationError("cỡ không hợp lệ: \(size)")
            }
            try measure(label: size, corpus: corpus, entries: entries, questions: questions, sources: sources)
        }
    }

    /// Analysis throughput over several MB of the corpus's Vietnamese, beside a plain Foundation
    /// tokenizer (lower-case, fold, split on non-letters).
    func analysis(_ corpus: Corpus) {
        let analyzer = Analyzer(lexicon: corpus.lexicon)
        var lines = corpus.entries.flatMap { [$0.question, $0.answer] + $0.variants }
        lines += corpus.documents.flatMap { [$0.title, $0.summary] }
        let unit = lines.reduce(0) { $0 + $1.utf8.count }
        let repeats = max(1, megabytes * 1_000_000 / max(unit, 1))
        let text = Array(repeating: lines, count: repeats).flatMap { $0 }
        let bytes = Double(unit * repeats)
        var tokens = 0
        let ours = Timing.best(of: 3) { tokens = text.reduce(0) { $0 + analyzer.analyze($1).count } }
        var baselineTokens = 0
        let baseline = skipBaseline ? 0 : Timing.best(of: 3) {
            baselineTokens = text.reduce(0) { count, line in
                count + Diacritics.strip(line).lowercased().split { !$0.isLetter && !$0.isNumber }.count
            }
        }
        print(String(format: "analysis: %.1f MB, motcua %.1f MB/s (%d tokens), Foundation split+fold %.1f MB/s (%d tokens), ratio %.2f×",
                     bytes / 1e6, bytes / 1e6 / ours, tokens, bytes / 1e6 / baseline, baselineTokens, baseline / ours))
    }

    /// Build time, memory, latency and throughput for one knowledge base, and the same for FTS5.
    func measure(label: String, corpus: Corpus, entries: [KnowledgeEntry], questions: [String], sources: [String])
        throws
    {
        let before = Machine.residentBytes()
        let configuration = try config.map(Corpus.loadRanking(from:)) ?? corpus.ranking
        var index = corpus.emptyIndex(configuration: configuration)
        let build = Timing.seconds { index.load(entries) }
        let after = Machine.residentBytes()
        let stats = index.statistics
        // Warm up, then time each query.
        for question in questions.prefix(100) { _ = index.search(question) }
        var latencies: [Double] = []
        latencies.reserveCapacity(questions.count)
        let total = Timing.seconds {
            for question in questions {
                let start = ContinuousClock.now
                _ = index.search(question)
                latencies.append(Timing.seconds(since: start))
            }
        }
        let ours = Latency(latencies, total: total)
        print(String(format: "[%@] %d entries: motcua build %.2f s, index +%.0f MB resident (process %.0f MB; %d terms, %d postings); search p50 %.3f ms, p99 %.3f ms, %.0f q/s",
                     label, entries.count, build, Double(after - before) / 1e6, Double(after) / 1e6, stats.terms,
                     stats.postings, ours.p50 * 1e3, ours.p99 * 1e3, ours.perSecond))
        if footprint {
            let parts = index.footprint
            let total = parts.reduce(0) { $0 + $1.bytes }
            print(String(format: "[%@] index parts, estimated from their arrays: %.1f MB in all", label, Double(total) / 1e6))
            for part in parts where part.bytes > 0 {
                print(String(format: "[%@]   %6.1f MB  %@", label, Double(part.bytes) / 1e6, part.part))
            }
        }
        if !sources.isEmpty {
            agreement(label: label, index: &index, questions: questions, sources: sources)
            plainBM25(label: label, entries: entries, index: &index, questions: questions, sources: sources,
                      motcuaPerSecond: ours.perSecond)
            if tantivy {
                try runTantivy(label: label, corpus: corpus, entries: entries, questions: questions, sources: sources,
                               motcuaPerSecond: ours.perSecond)
            }
        }
        guard !skipBaseline else { return }
        let fts = try FTS5Baseline.timed(entries: entries)
        var ftsLatencies: [Double] = []
        let ftsCount = min(questions.count, 500)
        let ftsTotal = try Timing.throwingSeconds {
            for question in questions.prefix(ftsCount) {
                let start = ContinuousClock.now
                _ = try fts.baseline.search(question)
                ftsLatencies.append(Timing.seconds(since: start))
            }
        }
        let baseline = Latency(ftsLatencies, total: ftsTotal)
        print(String(format: "[%@] %d entries: FTS5 build %.2f s; search p50 %.3f ms, p99 %.3f ms, %.0f q/s (%d queries) — motcua/FTS5 q/s ratio %.0f×",
                     label, entries.count, fts.seconds, baseline.p50 * 1e3, baseline.p99 * 1e3, baseline.perSecond,
                     ftsCount, ours.perSecond / max(baseline.perSecond, 1e-9)))
    }
}

extension BenchRetrieval {
    /// How often probing long posting lists (the default) ranks like reading them whole, and how
    /// often each finds the entry a synthetic question was made from.
    func agreement(label: String, index: inout KnowledgeIndex, questions: [String], sources: [String]) {
        let sample = min(questions.count, 500)
        var exhaustive = index.configuration
        exhaustive.exhaustive = true
        var overlap = 0.0
        var found = (probe: 0, exact: 0)
        for number in 0..<sample {
            let probe = index.search(questions[number]).results.map(\.entryID)
            let query = index.queryBuilder.query(questions[number])
            let exact = index.withConfiguration(exhaustive) { $0.rank(query, limit: 10) }.map(\.entryID)
            overlap += Double(Set(probe).intersection(exact).count) / Double(max(exact.count, 1))
            if probe.first == sources[number] { found.probe += 1 }
            if exact.first == sources[number] { found.exact += 1 }
        }
        print(String(format: "[%@] top-10 agreement with exhaustive reading %.3f; source entry first: probing %.3f, exhaustive %.3f (%d questions)",
                     label, overlap / Double(sample), Double(found.probe) / Double(sample),
                     Double(found.exact) / Double(sample), sample))
    }
}

extension BenchRetrieval {
    /// Plain BM25 over the questions only (`PlainBM25`: what tantivy or bm25s rank with their
    /// default analysis), every list read whole: how often each ranks the source entry first,
    /// on the same questions.
    func plainBM25(label: String, entries: [KnowledgeEntry], index: inout KnowledgeIndex, questions: [String],
                   sources: [String], motcuaPerSecond: Double)
    {
        let before = Machine.residentBytes()
        var plain: PlainBM25?
        let build = Timing.seconds { plain = PlainBM25(texts: entries.map(\.question)) }
        guard let plain else { return }
        let memory = Machine.residentBytes() - before
        var scores: [Float] = []
        var touched: [UInt32] = []
        var plainFirst = 0
        var ourFirst = 0
        var firsts: [Int] = []
        firsts.reserveCapacity(questions.count)
        let seconds = Timing.seconds {
            for question in questions {
                firsts.append(plain.search(question, limit: 10, scores: &scores, touched: &touched).first ?? -1)
            }
        }
        var unaccented = (count: 0, ours: 0, plain: 0)
        for (number, question) in questions.enumerated() {
            let plainHit = firsts[number] >= 0 && entries[firsts[number]].id == sources[number]
            let ourHit = index.search(question).results.first?.entryID == sources[number]
            if plainHit { plainFirst += 1 }
            if ourHit { ourFirst += 1 }
            if Diacritics.strip(question) == question {
                unaccented.count += 1
                if plainHit { unaccented.plain += 1 }
                if ourHit { unaccented.ours += 1 }
            }
        }
        let n = Double(max(questions.count, 1))
        let u = Double(max(unaccented.count, 1))
        print(String(format: "[%@] plain BM25, questions only (exhaustive): build %.2f s, +%.0f MB, %.0f q/s; source entry first: motcua %.3f, plain BM25 %.3f (%d questions; typed without diacritics: %.3f, %.3f)",
                     label, build, Double(memory) / 1e6, n / max(seconds, 1e-9), Double(ourFirst) / n,
                     Double(plainFirst) / n, questions.count, Double(unaccented.ours) / u, Double(unaccented.plain) / u))
    }

    /// tantivy 0.27 (PyPI) run as a side process on the same entries and questions.
    func runTantivy(label: String, corpus: Corpus, entries: [KnowledgeEntry], questions: [String], sources: [String],
                    motcuaPerSecond: Double) throws
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("motcua-tantivy-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        struct Row: Encodable { var id: String; var question: String }
        struct Question: Encodable { var query: String; var source: String }
        let encoder = JSONEncoder()
        func lines<T: Encodable>(_ values: [T]) throws -> Data {
            var data = Data()
            for value in values {
                data.append(try encoder.encode(value))
                data.append(0x0A)
            }
            return data
        }
        let entriesFile = directory.appendingPathComponent("entries.jsonl")
        let questionsFile = directory.appendingPathComponent("questions.jsonl")
        try lines(entries.map { Row(id: $0.id, question: $0.question) }).write(to: entriesFile)
        try lines(zip(questions, sources).map { Question(query: $0, source: $1) }).write(to: questionsFile)
        let script = URL(fileURLWithPath: corpus.directory).deletingLastPathComponent()
            .appendingPathComponent("scripts/bench-tantivy.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, entriesFile.path, questionsFile.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let figures = try? JSONSerialization.jsonObject(with: data) as? [String: Double]
        else {
            print("[\(label)] tantivy: the side process failed (is `pip install tantivy==0.27` done?)")
            return
        }
        let qps = figures["qps_search_only"] ?? 0
        print(String(format: "[%@] tantivy 0.27, questions only: build %.2f s, index +%.0f MB, search p50 %.3f ms, p99 %.3f ms, %.0f q/s (%.0f with ids); source entry first %.3f — motcua/tantivy q/s %.2f×",
                     label, figures["build_s"] ?? 0, figures["index_mb"] ?? 0, figures["p50_ms"] ?? 0,
                     figures["p99_ms"] ?? 0, qps, figures["qps"] ?? 0, figures["source_first"] ?? 0,
                     motcuaPerSecond / max(qps, 1e-9)))
    }
}

extension FTS5Baseline {
    /// Builds the baseline and times it.
    static func timed(entries: [KnowledgeEntry]) throws -> (baseline: FTS5Baseline, seconds: Double) {
        let start = ContinuousClock.now
        let baseline = try FTS5Baseline(entries: entries)
        return (baseline, Timing.seconds(since: start))
    }
}

/// Latency percentiles of one run.
struct Latency {
    var p50: Double
    var p99: Double
    var perSecond: Double

    init(_ samples: [Double], total: Double) {
        let sorted = samples.sorted()
        p50 = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        p99 = sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
        perSecond = total > 0 ? Double(samples.count) / total : 0
    }
}

/// Wall-clock timing helpers.
enum Timing {
    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    static func seconds(_ body: () -> Void) -> Double {
        let start = ContinuousClock.now
        body()
        return seconds(since: start)
    }

    static func throwingSeconds(_ body: () throws -> Void) throws -> Double {
        let start = ContinuousClock.now
        try body()
        return seconds(since: start)
    }

    /// The fastest of `runs` runs (the least disturbed by the other processes of a shared machine).
    static func best(of runs: Int, _ body: () -> Void) -> Double {
        (0..<runs).map { _ in seconds(body) }.min() ?? 0
    }
}

/// Facts about the machine and the process.
enum Machine {
    /// Resident set size of this process (or another, by pid), from /proc/…/statm.
    static func residentBytes(pid: Int? = nil) -> Int {
        let path = pid.map { "/proc/\($0)/statm" } ?? "/proc/self/statm"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * 4096 : 0
    }

    /// CPU time (user + system) a process has used so far, in seconds (Linux `/proc`).
    static func cpuSeconds(pid: Int) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return 0 }
        // Fields after the command name: state is field 3, utime 14 and stime 15 (clock ticks).
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// CPU model, cores and the CPUs this process may run on.
    static func describe() -> String {
        let cpuInfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuInfo.split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
        return "\(model), \(ProcessInfo.processInfo.activeProcessorCount) cores active"
    }
}
