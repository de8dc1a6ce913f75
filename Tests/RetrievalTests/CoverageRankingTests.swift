import Foundation
import Testing

@testable import Retrieval

/// How much of the question an entry explains (`coordination`) and how much of the entry the
/// question covers (`entryCoverage`) weigh in the ranking.
@Suite struct CoverageRankingTests {
    /// The knobs as `corpus/ranking.json` ships them, and switched off.
    static func configuration(on: Bool) -> RankingConfiguration {
        var configuration = RankingConfiguration()
        configuration.coordination = on ? 0.6 : 0
        configuration.entryCoverage = on ? 1 : 0
        return configuration
    }

    /// Entries full of the long entry's common words, as a large knowledge base is.
    static let common = [
        "Cán bộ đăng ký tài khoản thư điện tử thế nào?", "Quy trình cấp tài khoản cho cán bộ?",
        "Đăng ký chữ ký số ở đâu?", "Cán bộ mới cần làm gì khi nhận việc?", "Quy trình đăng ký hộp thư công vụ?",
        "Cấp lại mật khẩu cho cán bộ thế nào?", "Chữ ký số bị khóa thì làm gì?", "Cán bộ của phòng tài chính đăng ký ra sao?",
        "Quy trình cấp phép phần mềm cho cán bộ?", "Chữ ký số chuyên dùng hết hạn thì sao?",
    ].enumerated().map { KnowledgeEntry(id: "common-\($0.offset)", question: $0.element, answer: "Trả lời số \($0.offset).") }

    static let entries = Fixtures.background + common + [
        KnowledgeEntry(id: "long", question: "Quy trình đăng ký cấp chứng thư chữ ký số chuyên dùng cho cán bộ mới của sở nội vụ tỉnh",
                       answer: "Lập hồ sơ đề nghị gửi Ban Cơ yếu Chính phủ qua cơ quan quản lý."),
        KnowledgeEntry(id: "short", question: "Sở nội vụ tỉnh thi tuyển khi nào?", answer: "Theo kế hoạch tuyển dụng hằng năm."),
        KnowledgeEntry(id: "other", question: "Gia hạn chứng thư số thế nào?", answer: "Gửi đề nghị gia hạn trước 30 ngày."),
    ]

    /// A question made of a long entry's words finds it, not a short entry that shares one
    /// rare phrase with the question — which the length normalisation alone favours, as the
    /// same knowledge base ranked without the two knobs shows.
    @Test func aLongEntryTheQuestionRepeatsBeatsAShortOneSharingAPhrase() {
        var on = Fixtures.index(Self.entries, configuration: Self.configuration(on: true))
        var off = Fixtures.index(Self.entries, configuration: Self.configuration(on: false))
        for question in ["chữ ký cho cán bộ của sở nội vụ tỉnh", "cấp chữ ký cán bộ sở nội vụ tỉnh"] {
            #expect(Fixtures.ranked(&on, question).first == "long", "\(question)")
            #expect(Fixtures.ranked(&off, question).first == "short", "\(question)")
        }
    }

    /// An entry phrased in stop words alone is still found by the same words (it has no
    /// content word to cover, so entry coverage does not zero it).
    @Test func aPhrasingOfStopWordsIsStillFound() {
        var on = Fixtures.index(Self.entries + [
            KnowledgeEntry(id: "stops", question: "Có được không?", answer: "Làm theo hướng dẫn của sở."),
        ], configuration: Self.configuration(on: true))
        #expect(Fixtures.ranked(&on, "có được không").first == "stops")
    }

    /// The knobs are read from a configuration file and kept when one is written.
    @Test func knobsRoundTripThroughJSON() throws {
        let json = #"{"coordination": 0.6, "entryCoverage": 1}"#
        let decoded = try JSONDecoder().decode(RankingConfiguration.self, from: Data(json.utf8))
        #expect(decoded.coordination == 0.6)
        #expect(decoded.entryCoverage == 1)
        let again = try JSONDecoder().decode(RankingConfiguration.self, from: JSONEncoder().encode(decoded))
        #expect(again == decoded)
        #expect(RankingConfiguration().entryCoverage == 0, "plain BM25F unless a configuration says otherwise")
    }
}
