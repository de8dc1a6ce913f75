import Dialogue
import Foundation
import GRDB
import Synchronization
import Testing

@testable import Storage

/// The per-conversation lock: one holder at a time, waiters served in arrival order, a
/// cancelled waiter gone at once, nothing left behind.
@Suite struct ConversationLockTests {
    /// Waits (briefly, without sleeping on a clock the code reads) until `condition` holds.
    static func until(_ condition: () -> Bool) async throws {
        for _ in 0..<10_000 where !condition() { await Task.yield() }
        #expect(condition())
    }

    @Test func waitersGoInArrivalOrder() async throws {
        let locks = ConversationLocks()
        let order = Log<Int>()
        let (holding, release) = AsyncStream.makeStream(of: Void.self)
        let holder = Task {
            try await locks.withLock("c") { for await _ in holding { break } }
        }
        try await Self.until { locks.held == 1 }
        var waiters: [Task<Void, any Error>] = []
        for number in 0..<8 {
            waiters.append(Task { try await locks.withLock("c") { order.add(number) } })
            try await Self.until { locks.waiting(on: "c") == number + 1 }
        }
        // Another conversation is not held up meanwhile.
        #expect(try await locks.withLock("other") { 42 } == 42)
        release.yield()
        try await holder.value
        for waiter in waiters { try await waiter.value }
        #expect(order.all == Array(0..<8))
        #expect(locks.held == 0 && locks.waiting(on: "c") == 0)
    }

    @Test func aCancelledWaiterLeavesTheQueue() async throws {
        let locks = ConversationLocks()
        let ran = Log<String>()
        let (holding, release) = AsyncStream.makeStream(of: Void.self)
        let holder = Task { try await locks.withLock("c") { for await _ in holding { break } } }
        try await Self.until { locks.held == 1 }
        let cancelled = Task { try await locks.withLock("c") { ran.add("cancelled") } }
        try await Self.until { locks.waiting(on: "c") == 1 }
        let patient = Task { try await locks.withLock("c") { ran.add("patient") } }
        try await Self.until { locks.waiting(on: "c") == 2 }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(locks.waiting(on: "c") == 1, "the cancelled waiter left at once, while the lock was still held")
        release.yield()
        try await holder.value
        try await patient.value
        #expect(ran.all == ["patient"])
        #expect(locks.held == 0)
    }

    @Test func aThrowingBodyReleasesTheLock() async throws {
        struct Refused: Error {}
        let locks = ConversationLocks()
        await #expect(throws: Refused.self) { try await locks.withLock("c") { throw Refused() } }
        #expect(locks.held == 0)
        #expect(try await locks.withLock("c") { "again" } == "again")
    }

    @Test func aTaskCancelledBeforeItWaitsNeverTakesTheLock() async throws {
        let locks = ConversationLocks()
        let (holding, release) = AsyncStream.makeStream(of: Void.self)
        let holder = Task { try await locks.withLock("c") { for await _ in holding { break } } }
        try await Self.until { locks.held == 1 }
        let late = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await locks.withLock("c") { true }
        }
        await #expect(throws: CancellationError.self) { try await late.value }
        #expect(locks.waiting(on: "c") == 0)
        release.yield()
        try await holder.value
        #expect(locks.held == 0)
    }
}

/// The store's group commit: many writers share a transaction, each learns its own outcome.
@Suite struct GroupCommitTests {
    static func store() async throws -> (SQLiteStore, GroupCommit) {
        let queue = try DatabaseQueue()
        let store = try SQLiteStore(queue)
        try await queue.write { db in
            try db.execute(sql: "CREATE TABLE probe (id INTEGER PRIMARY KEY AUTOINCREMENT, writer INTEGER, step INTEGER)")
        }
        return (store, GroupCommit(writer: queue))
    }

    /// Each writer's commits land in the order it made them, whatever the others do at the same time.
    @Test func eachWritersCommitsKeepTheirOrder() async throws {
        let (store, commit) = try await Self.store()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<16 {
                group.addTask {
                    for step in 0..<25 {
                        let id = try await commit.commit { db in
                            try db.execute(sql: "INSERT INTO probe (writer, step) VALUES (?, ?)", arguments: [writer, step])
                            return db.lastInsertedRowID
                        }
                        #expect(id > 0)
                    }
                }
            }
            try await group.waitForAll()
        }
        let rows = try await store.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT writer, step FROM probe ORDER BY id").map { ($0["writer"] as Int, $0["step"] as Int) }
        }
        #expect(rows.count == 16 * 25)
        for writer in 0..<16 {
            #expect(rows.filter { $0.0 == writer }.map(\.1) == Array(0..<25))
        }
    }

    /// A write that fails fails only its own caller: the others of its batch are committed and
    /// get their own results.
    @Test func aFailedWriteFailsOnlyItsWaiter() async throws {
        struct Refused: Error {}
        let (store, commit) = try await Self.store()
        let outcomes = try await withThrowingTaskGroup(of: (Int, Result<Int64, any Error>).self) { group in
            for writer in 0..<40 {
                group.addTask {
                    let result = await Result(catching: {
                        try await commit.commit { db -> Int64 in
                            try db.execute(sql: "INSERT INTO probe (writer, step) VALUES (?, 0)", arguments: [writer])
                            if writer == 17 { throw Refused() }
                            return db.lastInsertedRowID
                        }
                    })
                    return (writer, result)
                }
            }
            var all: [Int: Result<Int64, any Error>] = [:]
            for try await (writer, result) in group { all[writer] = result }
            return all
        }
        #expect(outcomes.count == 40)
        for (writer, outcome) in outcomes {
            switch outcome {
            case .success: #expect(writer != 17)
            case .failure(let error): #expect(writer == 17 && error is Refused)
            }
        }
        let writers = try await store.writer.read { db in try Int.fetchAll(db, sql: "SELECT writer FROM probe ORDER BY writer") }
        #expect(writers == Array(0..<40).filter { $0 != 17 }, "the failed write was rolled back, the rest kept")
        // Each caller got the row id of its own insert.
        let ids = try await store.writer.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT writer, id FROM probe").map { ($0["writer"] as Int, $0["id"] as Int64) })
        }
        for (writer, outcome) in outcomes { if case .success(let id) = outcome { #expect(ids[writer] == id) } }
    }
}

extension Result where Failure == any Error {
    /// The outcome of an async throwing body.
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

