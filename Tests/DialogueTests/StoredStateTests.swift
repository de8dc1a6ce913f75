import Dialogue
import Foundation
@testable import Storage
import Testing

/// The state's hand-written JSON reads back as the state it was, through the decoder the store
/// reads every state with, and says what `JSONEncoder` says of it.
@Suite struct StoredStateTests {
    static var states: [ConversationState] {
        var fresh = ConversationState()
        var full = ConversationState()
        full.lastQuestion = "Thủ tục \"cấp lại\" chữ ký số \\ ở đâu?\n\tTab\u{1}\u{1F}"
        full.lastAnswer = "kb-001"
        full.lastTopic = "chu-ky-so"
        full.options = ["kb-002", "kb-003", ""]
        full.alternatives = ["kb-004"]
        full.escalated = true
        full.feedbackGiven = false
        full.nearest = [NearestEntry(kb: "kb-005", confidence: 0.123456789), NearestEntry(kb: "kb-006", confidence: 1e-30)]
        full.detailsFor = 42
        var some = ConversationState()
        some.feedbackGiven = true
        some.nearest = []
        fresh.lastQuestion = "😀 emoji và dấu /"
        return [ConversationState(), fresh, full, some]
    }

    @Test(arguments: states)
    func readsBackAsItWas(_ state: ConversationState) throws {
        let written = try StoredState.encode(state)
        #expect(try JSONDecoder().decode(ConversationState.self, from: written) == state)
        let object = try JSONSerialization.jsonObject(with: written) as? NSDictionary
        let expected = try JSONSerialization.jsonObject(with: JSONEncoder().encode(state)) as? NSDictionary
        #expect(object == expected)
    }

    @Test func nonFiniteConfidenceIsRefusedAsTheEncoderRefusesIt() {
        var state = ConversationState()
        state.nearest = [NearestEntry(kb: "kb", confidence: .nan)]
        #expect(throws: EncodingError.self) { try StoredState.encode(state) }
    }
}
