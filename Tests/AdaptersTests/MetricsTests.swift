import Dialogue
import Foundation
import Testing

@testable import Web

/// `/metrics` on the HTTP listener: what an operator's Prometheus reads, counted from real
/// traffic over TCP.
@Suite(.serialized) struct MetricsTests {
    /// Questions the bot answers from the desk daemon's entries.
    static let answerable = DeskDaemon.entries.map(\.question)

    /// N questions over TCP, k of them raising tickets: the scrape counts exactly N replies (k of
    /// them tickets), N answer latencies and N commits, k tickets raised for the unit, the one a
    /// handler answered, the reply waiting in the outbox until acknowledged, the tickets that
    /// fall overdue when their due time passes, and the connections open.
    @Test func countsWhatTheDaemonDid() async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let metrics = DaemonMetrics()
        let service = try await daemon.service(metrics: metrics.serviceMetrics)
        let n = 7
        let k = 3
        try await OperationsDaemon.run(service, metrics: metrics) { ports in
            let handler = try await JSONClient(port: ports.tcp)
            #expect(try await handler.ask(["type": "login", "token": .string(attt)])["unit"] == "ATTT")
            let asker = try await JSONClient(port: ports.tcp)
            for index in 0..<(n - k) {
                let reply = try await asker.ask(["type": "say", "text": .string(Self.answerable[index % Self.answerable.count])])
                #expect(reply["type"] == "answer")
            }
            // Each raising asker is a conversation of its own (one ticket a question in each).
            var raisers: [JSONClient] = []
            var tickets: [Int] = []
            for _ in 0..<k {
                let raiser = try await JSONClient(port: ports.tcp)
                let reply = try await raiser.ask(["type": "say", "text": .string(DeskTests.unanswerable)])
                #expect(reply["type"] == "escalated")
                tickets.append(try #require(reply["ticket"]?.int))
                raisers.append(raiser)
            }
            let replied = try await handler.ask(["type": "reply", "ticket": .int(tickets[0]), "text": "Tính theo định mức ngày công."])
            #expect(replied["type"] == "ok")
            var pushed = try await raisers[0].next()
            while pushed["type"] != "reply" { pushed = try await raisers[0].next() }
            let delivery = try #require(pushed["delivery"]?.int)

            let first = try await OperationsDaemon.scrape(port: ports.http)
            #expect(first.sum("motcua_questions_total") == Double(n))
            #expect(first.sum("motcua_questions_total", ["decision": "answer"]) == Double(n - k))
            #expect(first.sum("motcua_questions_total", ["decision": "escalated"]) == Double(k))
            #expect(first["motcua_answer_latency_seconds_count"] == Double(n))
            #expect(first["motcua_store_commit_seconds_count"] == Double(n))
            #expect((first["motcua_answer_latency_seconds_sum"] ?? 0) > 0)
            #expect(first.sum("motcua_tickets_raised_total") == Double(k))
            #expect(first.sum("motcua_tickets_raised_total", ["unit": "ATTT"]) == Double(k))
            #expect(first.sum("motcua_tickets_answered_total", ["unit": "ATTT"]) == 1)
            #expect(first["motcua_tickets_overdue{unit=\"ATTT\"}"] == 0)
            #expect(first["motcua_tickets_overdue{unit=\"CDS\"}"] == 0, "every unit shows, late or not")
            #expect(first["motcua_outbox_backlog{channel=\"direct\"}"] == 1)
            #expect(first["motcua_connections{kind=\"tcp\"}"] == Double(2 + k))

            // Past every due date: the open tickets are overdue (the answered one is not), and
            // the unacknowledged reply is as old as the time that passed.
            daemon.clock.advance(days: 60)
            let later = try await OperationsDaemon.scrape(port: ports.http)
            #expect(later["motcua_tickets_overdue{unit=\"ATTT\"}"] == Double(k - 1))
            #expect((later["motcua_outbox_oldest_seconds{channel=\"direct\"}"] ?? 0) >= 60 * 86_400 - 60)

            #expect(try await raisers[0].ask(["type": "ack", "delivery": .int(delivery)])["type"] == "ok")
            await raisers[0].close()
            var acknowledged = try await OperationsDaemon.scrape(port: ports.http)
            #expect(acknowledged["motcua_outbox_backlog{channel=\"direct\"}"] == 0)
            #expect(acknowledged["motcua_outbox_oldest_seconds{channel=\"direct\"}"] == 0)
            // The connection that left is no longer counted (once the server has seen it go).
            let deadline = ContinuousClock.now + .seconds(5)
            while acknowledged["motcua_connections{kind=\"tcp\"}"] != Double(1 + k), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                acknowledged = try await OperationsDaemon.scrape(port: ports.http)
            }
            #expect(acknowledged["motcua_connections{kind=\"tcp\"}"] == Double(1 + k))
            #expect(acknowledged.sum("motcua_questions_total") == Double(n), "scraping counts nothing")
            for client in [handler, asker] + raisers.dropFirst() { await client.close() }
        }
    }

    /// Two daemons in one process keep their own counts: each scrape shows only its daemon's
    /// questions (a process-wide registry would add them up).
    @Test func daemonsDoNotShareCounts() async throws {
        let (one, _, _, _) = try await DeskDaemon.make()
        let (two, _, _, _) = try await DeskDaemon.make()
        defer {
            one.remove()
            two.remove()
        }
        let first = DaemonMetrics()
        let second = DaemonMetrics()
        let firstService = try await one.service(metrics: first.serviceMetrics)
        let secondService = try await two.service(metrics: second.serviceMetrics)
        try await OperationsDaemon.run(firstService, metrics: first) { a in
            try await OperationsDaemon.run(secondService, metrics: second) { b in
                let client = try await JSONClient(port: a.tcp)
                for question in Self.answerable.prefix(2) { _ = try await client.ask(["type": "say", "text": .string(question)]) }
                await client.close()
                #expect(try await OperationsDaemon.scrape(port: a.http).sum("motcua_questions_total") == 2)
                #expect(try await OperationsDaemon.scrape(port: b.http).sum("motcua_questions_total") == 0)
            }
        }
    }
}
