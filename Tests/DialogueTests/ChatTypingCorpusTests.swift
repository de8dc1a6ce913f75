import Testing

@testable import Dialogue
@testable import Retrieval

/// Questions typed the way people type on a phone (Telex or VNI keys left in, syllables run
/// together, a letter swapped) find their entry on the bundled corpus and are answered, not
/// passed on to staff. Written for this test, not taken from `corpus/eval/chat.jsonl`.
@Suite struct ChatTypingCorpusTests {
    struct Question: Sendable, CustomTestStringConvertible {
        var question: String
        var expected: Set<String>
        var testDescription: String { question }
    }

    static let questions: [Question] = [
        Question(question: "chuwx kys soos cuar cow quan vaf cas nhaan khacs nhau choox naof",
                 expected: ["van-ban-dt-009"]),
        Question(question: "thu1 tuc5 ket61 noi61 mang5 truyen62 so61 lieu65 chuyen dung2", expected: ["van-ban-dt-013"]),
        Question(question: "d9ang8 ky1 chu74 ky1 so61 cho lanh4 d9ao5 o73 d9au6", expected: ["van-ban-dt-008"]),
        Question(question: "thowif gian chuyeenr phats cuar buwu ddieenj cos tinhs vaof thowif hanj giair quyeets khoong",
                 expected: ["buu-chinh-010"]),
        Question(question: "hoso gui buudien bi mat thi ai boi thuong", expected: ["buu-chinh-007"]),
        Question(question: "ho so nop qua buu dien bi thaat lac thi ben nao chiu tracj nhiem", expected: ["buu-chinh-007"]),
    ]

    @Test(arguments: questions)
    func chatTypedQuestionIsAnswered(_ item: Question) throws {
        var index = try BundledCorpusBehaviourTests.index()
        let response = index.search(item.question)
        #expect(response.results.first.map { item.expected.contains($0.entryID) } == true)
        #expect(response.decision != .escalate)
    }
}
