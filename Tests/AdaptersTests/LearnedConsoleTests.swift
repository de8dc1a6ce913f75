import Dialogue
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import Dialogue
@testable import Web
@testable import Wire

/// The console's view of what the desk learned from use: a reviewer lists the learned
/// phrasings and removes one (out of the live index at once); other handlers cannot.
@Suite(.serialized) struct LearnedConsoleTests {
    @Test func reviewerListsAndRemoves() async throws {
        let (daemon, attt, cds, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let service = try await daemon.service()
        let learner = try #require(service.learner)
        let question = "hệ thống thông tin chia làm mấy cấp độ"
        for _ in 0..<2 {
            let conversation = try await service.open(ConversationIdentity()).conversation.id
            try await learner.apply(.confirmed(entry: "cap-do", question: question), in: conversation)
        }
        #expect(service.dialogue.liveEntry("cap-do")?.variants == [question])
        var configuration = WebServer.Configuration()
        configuration.port = 0
        let server = WebServer(configuration: configuration, service: service, logger: Logger(label: "test"))
        try await server.application().test(.live) { client in
            #expect(try await client.execute(uri: "/console/learned", method: .get) { $0.status } == .unauthorized)
            let other = try #require(try await ConsoleTests.signIn(client, token: cds).cookie)
            #expect(try await client.execute(uri: "/console/learned", method: .get, headers: [.cookie: other]) { $0.status }
                == .forbidden, "not a reviewer")
            let cookie = try #require(try await ConsoleTests.signIn(client, token: attt).cookie)
            let listed = try await client.execute(uri: "/console/learned", method: .get, headers: [.cookie: cookie]) {
                (try? JSONValue.parse(String(buffer: $0.body))) ?? .null
            }
            guard case .array(let items)? = listed["learned"], let item = items.first, items.count == 1 else {
                Issue.record("expected one learned phrasing, got \(listed)")
                return
            }
            #expect(item["question"] == .string(question) && item["entry"] == "cap-do" && item["conversations"] == .int(2))
            #expect(item["entryQuestion"] == "Hệ thống thông tin có mấy cấp độ an toàn?")
            guard case .int(let id)? = item["id"] else { Issue.record("no id"); return }
            let foreign = try await client.execute(uri: "/console/learned/\(id)", method: .delete,
                                                   headers: [.cookie: cookie, .origin: "https://evil.example"]) { $0.status }
            #expect(foreign == .forbidden)
            #expect(try await client.execute(uri: "/console/learned/\(id)", method: .delete, headers: [.cookie: other]) { $0.status }
                == .forbidden)
            #expect(try await client.execute(uri: "/console/learned/\(id)", method: .delete, headers: [.cookie: cookie]) { $0.status }
                == .noContent)
            #expect(service.dialogue.liveEntry("cap-do")?.variants == [], "out of the index at once")
            let after = try await client.execute(uri: "/console/learned", method: .get, headers: [.cookie: cookie]) {
                (try? JSONValue.parse(String(buffer: $0.body))) ?? .null
            }
            #expect(after["learned"] == .array([]))
            #expect(try await client.execute(uri: "/console/learned/\(id)", method: .delete, headers: [.cookie: cookie]) { $0.status }
                == .notFound)
        }
    }
}
