import Dialogue
import Foundation
import Logging
import PostgresNIO
import Retrieval
import Synchronization

/// The change log several daemons follow: a row in `change` written in the transaction of
/// the change it tells of, and a NOTIFY on the schema's channel (sent by PostgreSQL at commit).
///
/// A follower reads the rows after the last it applied, when notified and every half second
/// (a notification lost with its connection is caught up by the next read). Sequence values are
/// taken before commit, so a row may become visible after a higher one: a number skipped is
/// looked for again for half a minute (then it was a rolled-back transaction's).
extension PostgresStore: SharedStore {
    /// What a change row tells of.
    enum ChangeKind: String {
        /// A ticket to announce (`ref` its number, `detail` the notice).
        case ticket
        /// A unit's message to the asker (`ref` the delivery id).
        case reply
        /// A draft waiting for review (`ref` its id).
        case draft
        /// A knowledge entry saved or retired (`ref` its id).
        case knowledge
    }

    /// Logs a change in the current transaction and notifies the followers at its commit.
    func logChange(_ kind: ChangeKind, _ ref: String, detail: String = "", on connection: PostgresConnection) async throws {
        try await run("""
            WITH c AS (INSERT INTO change (origin, kind, ref, detail) VALUES (\(origin), \(kind.rawValue), \(ref), \(detail))
                       RETURNING seq)
            SELECT pg_notify(\(channel), seq::text) FROM c
            """, on: connection)
    }

    package func markPosition() async throws {
        let position = try await withConnection { connection in
            try await rows("SELECT COALESCE(max(seq), 0)::bigint FROM change", on: connection).first?.decode(Int.self) ?? 0
        }
        followFrom.withLock { $0 = position }
    }

    package func relay(_ event: DeskEvent) async {
        // Only what the store did not log itself with the change.
        guard case .ticket(let ticket, let notice) = event, notice != .raised else { return }
        do {
            try await client.withConnection { connection in
                try await logChange(.ticket, "\(ticket.number)", detail: notice.rawValue, on: connection)
            }
        } catch {
            logger.warning("a ticket notice did not reach the other daemons", metadata: ["ticket": "\(ticket.number)"])
        }
    }

    package func follow(_ apply: @escaping @Sendable (StoreChange) async -> Void) async {
        let wake = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.listen(wake: wake.continuation) }
            group.addTask {
                // Every half second as well: a notification lost with its connection is caught up.
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(500))
                    wake.continuation.yield()
                }
                wake.continuation.finish()
            }
            group.addTask { await self.read(wakes: wake.stream, apply: apply) }
            await group.next()
            group.cancelAll()
        }
    }

    /// LISTENs on the channel, on a connection of its own, again after it is lost.
    private func listen(wake: AsyncStream<Void>.Continuation) async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: channel) { notifications in
                        // Listening now: whatever was logged before is read once more.
                        wake.yield()
                        for try await _ in notifications { wake.yield() }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("the change notifications' connection was lost; reading every half second meanwhile")
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Reads and applies the rows after the last applied, at each wake.
    private func read(wakes: AsyncStream<Void>, apply: @Sendable (StoreChange) async -> Void) async {
        var last = followFrom.withLock { $0 }
        var gaps: [Int: ContinuousClock.Instant] = [:]
        for await _ in wakes {
            do {
                try await client.withConnection { connection in
                    guard let after = last else {
                        // Not marked: from now (what was logged before is in what the daemon loaded).
                        last = try await rows("SELECT COALESCE(max(seq), 0)::bigint FROM change", on: connection).first?
                            .decode(Int.self) ?? 0
                        return
                    }
                    let missing = Array(gaps.keys)
                    let found = try await rows("""
                        SELECT seq, origin, kind, ref, detail FROM change WHERE seq > \(after) OR seq = ANY(\(missing))
                        ORDER BY seq LIMIT 1000
                        """, on: connection)
                    var newest = after
                    for row in found {
                        let (seq, origin, kind, ref, detail) = try row.decode((Int, String, String, String, String).self)
                        gaps[seq] = nil
                        if seq > newest {
                            // A jump of the sequence itself (a restored database, a cached range
                            // lost) is not a thousand transactions still committing.
                            if seq - newest <= 1000 { for skipped in (newest + 1)..<seq { gaps[skipped] = .now } }
                            newest = seq
                        }
                        guard origin != self.origin, let kind = ChangeKind(rawValue: kind),
                            let change = try await change(kind, ref: ref, detail: detail, on: connection)
                        else { continue }
                        await apply(change)
                    }
                    last = newest
                    gaps = gaps.filter { .now - $0.value < .seconds(30) }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("the change log could not be read; trying again")
            }
        }
    }

    /// What a change row means now (the row it names read afresh); nil when that is gone.
    private func change(_ kind: ChangeKind, ref: String, detail: String, on connection: PostgresConnection) async throws
        -> StoreChange?
    {
        switch kind {
        case .ticket:
            guard let number = Int(ref), let notice = TicketNotice(rawValue: detail),
                let ticket = try await fetchTicket(number, on: connection)
            else { return nil }
            return .desk(.ticket(ticket, notice))
        case .reply:
            guard let id = Int(ref), let delivery = try await delivery(id, on: connection) else { return nil }
            return .desk(.reply(delivery))
        case .draft:
            guard let draft = try await pendingDraft(ref, on: connection) else { return nil }
            return .desk(.draft(draft))
        case .knowledge:
            guard let row = try await rows("SELECT json, retired FROM knowledge_entry WHERE id = \(ref)", on: connection).first
            else { return .knowledge(id: ref, entry: nil) }
            let (json, retired) = try row.decode((String, Bool).self)
            guard !retired else { return .knowledge(id: ref, entry: nil) }
            // With its learned phrasings: a phrasing learned or removed on another daemon is
            // logged as a change of its entry.
            let entry = try JSONDecoder().decode(KnowledgeEntry.self, from: Data(json.utf8))
            let learned = try await livePhrasings(entry: ref, on: connection)[ref] ?? []
            return .knowledge(id: ref, entry: entry.adding(learned: learned))
        }
    }

    /// Drops change rows older than a day (a follower reads them within seconds).
    func pruneChanges() async {
        _ = try? await client.withConnection { connection in
            try await run("DELETE FROM change WHERE created_at < now() - interval '1 day'", on: connection)
        }
    }

    package func maintain() async {
        while !Task.isCancelled {
            await pruneChanges()
            try? await Task.sleep(for: .seconds(3600))
        }
    }
}
