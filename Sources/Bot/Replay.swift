import Daemon
import Dialogue
import Foundation
import Logging
import Retrieval
import Storage
import Synchronization

/// `motcua eval --replay`: what learning from use gains. Half of a query set is fed to a real
/// daemon (a fresh SQLite store, the dialogue, the learner) as use — each query asked in
/// conversations of its own by simulated askers who confirm (`helpful`) when a relevant entry
/// is the direct answer, or pick it when it is among the suggestions, and otherwise leave — and
/// the other half is measured (hit@1, MRR@10, decisions) before and after.
///
/// Two splits, because query sets are often written grouped by entry or intent: `order` feeds
/// the first half in file order (as one would replay a log: later questions may be about other
/// things entirely), `alternate` feeds the queries at even positions and measures the odd ones
/// (the use then covers the same entries as the test). Two crowds: each use query asked by one
/// asker (a phrasing is learned only when two different queries share a question key) and by
/// two askers (every query confirmed twice can be learned).
enum UseReplay {
    /// One replay's figures.
    struct Figures {
        var split: String
        var askers: Int
        var fed: Int
        var confirmed: Int
        var learned: Int
        var before: EvaluationMetrics
        /// The running daemon's index after the use (entries re-indexed one by one).
        var live: EvaluationMetrics
        /// A daemon started afresh over the store after the use (the index bulk-loaded with
        /// the learned phrasings): what learning itself changed.
        var after: EvaluationMetrics
        /// Measured queries whose first relevant rank got better / worse (after a restart).
        var better: Int
        var worse: Int
        /// The use half asked again by new askers (repeat questions), before and after a restart.
        var repeatBefore: EvaluationMetrics
        var repeatAfter: EvaluationMetrics
    }

    /// Runs the four replays and prints their figures (blocking: `eval` is a synchronous command).
    static func printAll(entries: [KnowledgeEntry], queries: [EvaluationQuery], corpus: Corpus,
                         ranking: RankingConfiguration) throws
    {
        let figures = try blocking {
            var all: [Figures] = []
            for split in ["order", "alternate"] {
                let (use, test) = halves(queries, split: split)
                for askers in [1, 2] {
                    all.append(try await replay(use: use, test: test, split: split, askers: askers, entries: entries,
                                                corpus: corpus, ranking: ranking))
                }
            }
            return all
        }
        print("Học từ người dùng (replay): \(entries.count) mục, \(queries.count) câu hỏi")
        for f in figures {
            print("""
                split \(f.split), \(f.askers) người hỏi/câu: dùng \(f.fed) câu, \(f.confirmed) xác nhận, \
                học \(f.learned) cách hỏi; đo \(f.before.inScope) câu trong phạm vi + \(f.before.outOfScope) ngoài phạm vi
                """)
            print(String(format: "  trước:               hit@1 %.3f  MRR@10 %.3f  answer %.3f  ngoài phạm vi được chuyển %.3f",
                         f.before.hitAt1, f.before.mrrAt10, f.before.decisions["answer"] ?? 0, f.before.outOfScopeEscalated))
            print(String(format: "  sau (bot đang chạy): hit@1 %.3f  MRR@10 %.3f  answer %.3f  ngoài phạm vi được chuyển %.3f",
                         f.live.hitAt1, f.live.mrrAt10, f.live.decisions["answer"] ?? 0, f.live.outOfScopeEscalated))
            print(String(format: "  sau (khởi động lại): hit@1 %.3f  MRR@10 %.3f  answer %.3f  ngoài phạm vi được chuyển %.3f",
                         f.after.hitAt1, f.after.mrrAt10, f.after.decisions["answer"] ?? 0, f.after.outOfScopeEscalated))
            print("  (khởi động lại) câu được xếp hạng tốt hơn: \(f.better), kém hơn: \(f.worse)")
            print(String(format: "  độ chính xác khi trả lời: trước %.3f, sau %.3f", f.before.answerPrecision, f.after.answerPrecision))
            print(String(format: "  nửa đã dùng hỏi lại: hit@1 %.3f → %.3f  answer %.3f → %.3f  độ chính xác khi trả lời %.3f → %.3f",
                         f.repeatBefore.hitAt1, f.repeatAfter.hitAt1, f.repeatBefore.decisions["answer"] ?? 0,
                         f.repeatAfter.decisions["answer"] ?? 0, f.repeatBefore.answerPrecision, f.repeatAfter.answerPrecision))
        }
    }

    /// The use half and the measured half.
    static func halves(_ queries: [EvaluationQuery], split: String) -> (use: [EvaluationQuery], test: [EvaluationQuery]) {
        if split == "alternate" {
            let indexed = Array(queries.enumerated())
            return (indexed.filter { $0.offset % 2 == 0 }.map(\.element), indexed.filter { $0.offset % 2 == 1 }.map(\.element))
        }
        let half = queries.count / 2
        return (Array(queries[..<half]), Array(queries[half...]))
    }

    /// One replay on a fresh store.
    static func replay(use: [EvaluationQuery], test: [EvaluationQuery], split: String, askers: Int, entries: [KnowledgeEntry],
                       corpus: Corpus, ranking: RankingConfiguration) async throws -> Figures
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("motcua-replay-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStore.open(directory: directory)
        let recipe = DaemonRecipe(entries: entries, topics: corpus.topics, documents: corpus.documents, lexicon: corpus.lexicon,
                                  ranking: ranking, desk: nil, catalogue: false)
        var logger = Logger(label: "motcua-replay")
        logger.logLevel = .warning
        let service = try await DaemonAssembly.open(store: store, recipe: recipe, logger: logger)
        let before = measure(test, service)
        let repeatBefore = measure(use, service)
        var confirmed = 0
        for query in use where !query.relevant.isEmpty {
            for _ in 0..<askers where try await ask(query, service) { confirmed += 1 }
        }
        let live = measure(test, service)
        let restarted = try await DaemonAssembly.open(store: store, recipe: recipe, logger: logger)
        let after = measure(test, restarted)
        let repeatAfter = measure(use, restarted)
        let learned = try await store.learnedPhrasings(includingRemoved: false).count
        var better = 0
        var worse = 0
        for (old, new) in zip(before.ranks, after.ranks) {
            if new < old { better += 1 } else if new > old { worse += 1 }
        }
        return Figures(split: split, askers: askers, fed: use.count, confirmed: confirmed, learned: learned,
                       before: before.metrics, live: live.metrics, after: after.metrics, better: better, worse: worse,
                       repeatBefore: repeatBefore.metrics, repeatAfter: repeatAfter.metrics)
    }

    /// One simulated asker in a conversation of their own: true when they confirmed.
    static func ask(_ query: EvaluationQuery, _ service: DialogueService) async throws -> Bool {
        let conversation = try await service.open(ConversationIdentity()).conversation.id
        let relevant = Set(query.relevant)
        let reply = try await say(.say(query.query), query.query, kind: "say", in: conversation, service)
        switch reply {
        case .answer(let answer) where relevant.contains(answer.kb):
            _ = try await say(.feedback(helpful: true), "helpful", kind: "feedback", in: conversation, service)
            return true
        case .suggest(_, let options):
            guard let position = options.firstIndex(where: { relevant.contains($0.kb) }) else { return false }
            _ = try await say(.pick(position + 1), "\(position + 1)", kind: "pick", in: conversation, service)
            return true
        default:
            return false
        }
    }

    static func say(_ input: DialogueInput, _ text: String, kind: String, in conversation: String,
                    _ service: DialogueService) async throws -> DialogueReply
    {
        try await service.handle(input, incoming: StoredMessage(direction: .incoming, kind: kind, text: text), in: conversation)
    }

    /// The measured half's figures, and each query's first relevant rank (11: not in the top 10;
    /// out-of-scope queries 0, so they never count as better or worse).
    static func measure(_ queries: [EvaluationQuery], _ service: DialogueService) -> (metrics: EvaluationMetrics, ranks: [Int]) {
        var outcomes: [EvaluationMetrics.Outcome] = []
        var ranks: [Int] = []
        for query in queries {
            let response = service.dialogue.ranking(of: query.query)
            let ranked = response.results.map(\.entryID)
            outcomes.append(.init(ranked: ranked, relevant: Set(query.relevant), decision: response.decision))
            let rank = ranked.prefix(10).firstIndex(where: query.relevant.contains).map { $0 + 1 } ?? 11
            ranks.append(query.relevant.isEmpty ? 0 : rank)
        }
        return (EvaluationMetrics(outcomes), ranks)
    }

    /// Runs async work to its end from a synchronous command (called on the main thread; the
    /// work runs on the global executor).
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let result = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do {
                let value = try await body()
                result.withLock { $0 = .success(value) }
            } catch {
                result.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        done.wait()
        return try result.withLock { $0! }.get()
    }
}
