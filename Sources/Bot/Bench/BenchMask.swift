import ArgumentParser
import Dialogue
import Foundation

/// `motcua-bench mask`: how often the personal-data masker changes text that holds no personal
/// data — its false alarms — on a knowledge base (every question, variant and answer), and how
/// fast it runs. The bundled corpus holds none; any other file is read as it is.
struct BenchMask: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mask", abstract: "Đo tỷ lệ che nhầm và tốc độ của bộ che dữ liệu cá nhân trên một cơ sở tri thức.")

    @Option(name: .long, help: "Tệp JSON Lines hoặc thư mục cơ sở tri thức (mặc định: corpus đi kèm).")
    var kb: String?
    @Option(name: .long, help: "Số ví dụ in ra.")
    var examples = 10

    func run() throws {
        let entries = try Corpus.loadEntries(from: kb ?? "\(Corpus.defaultDirectory())/kb")
        // Questions read as the askers' words, answers as the units' (their office lines stay).
        let texts: [(String, PersonalDataMasker.Source)] = entries.flatMap { entry in
            ([entry.question] + entry.variants).map { ($0, .question) } + [(entry.answer, .answer(question: entry.question))]
        }
        let masker = PersonalDataMasker()
        let start = Date()
        var changed: [String] = []
        var kinds: [PersonalDataMasker.Kind: Int] = [:]
        for (text, source) in texts {
            let found = masker.findings(in: text, source: source)
            guard !found.isEmpty else { continue }
            let characters = Array(text)
            // What was found, in its context: 30 characters either side.
            changed.append(found.map { finding in
                let before = String(characters[max(0, finding.range.lowerBound - 30)..<finding.range.lowerBound])
                let after = String(characters[finding.range.upperBound..<min(characters.count, finding.range.upperBound + 30)])
                return "\(finding.kind.rawValue): …\(before)⟦\(String(characters[finding.range]))⟧\(after)…"
            }.joined(separator: " | ").replacingOccurrences(of: "\n", with: " "))
            for finding in found { kinds[finding.kind, default: 0] += 1 }
        }
        let elapsed = Date().timeIntervalSince(start)
        let bytes = texts.reduce(0) { $0 + $1.0.utf8.count }
        print("# motcua-bench mask — \(Machine.describe()); \(kb ?? "bundled corpus")")
        print(String(format: "%d texts (%.1f MB): %d changed (%.2f%%); %.1f MB/s, %.0f µs a text", texts.count, Double(bytes) / 1e6,
                     changed.count, Double(changed.count) / Double(max(texts.count, 1)) * 100, Double(bytes) / 1e6 / elapsed,
                     elapsed / Double(max(texts.count, 1)) * 1e6))
        print("found: " + kinds.sorted { $0.value > $1.value }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", "))
        for example in changed.prefix(examples) { print("  - \(example)") }
        // The worst a line can hold: 16 KiB of what the rules look at, over and over.
        for piece in ["1 ", "0912345678 ", "+84 ", "Tôi là Nguyễn Văn An, ", "số 1 ngõ 2 phố Huế, ", "a@b.vn ", "anh ", "(0"] {
            let text = String(String(repeating: piece, count: 16 * 1024 / piece.utf8.count).utf8.prefix(16 * 1024))!
            let started = Date()
            let found = masker.findings(in: text, askerName: "Nguyễn Văn An").count
            print(String(format: "16 KiB of \"%@\": %d found in %.1f ms", piece, found, Date().timeIntervalSince(started) * 1000))
        }
    }
}
