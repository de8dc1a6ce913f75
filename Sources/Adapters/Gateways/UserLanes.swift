/// Work for a gateway's users, side by side: each user's jobs run one at a time in the order
/// they came (a user's messages and the replies to them stay in order), different users' jobs
/// run at the same time, so one slow or failing user never holds up the others. Bounded: at
/// most `perUser` jobs wait for one user and `total` for all (a job beyond is refused, and the
/// caller says so), and a user whose jobs are done leaves no trace.
package actor UserLanes {
    /// Jobs waiting (or running) for one user at most.
    let perUser: Int
    /// Jobs waiting (or running) for all users at most.
    let total: Int
    private var queues: [String: [@concurrent @Sendable () async -> Void]] = [:]
    private var pending = 0
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []

    /// Creates empty lanes.
    package init(perUser: Int = 200, total: Int = 20_000) {
        self.perUser = perUser
        self.total = total
    }

    /// Queues a job for `user`; false (and nothing queued) when the bounds are reached.
    @discardableResult
    package func submit(_ user: String, _ job: @escaping @concurrent @Sendable () async -> Void) -> Bool {
        guard pending < total, (queues[user]?.count ?? 0) < perUser else { return false }
        pending += 1
        if queues[user] != nil {
            queues[user]!.append(job)
        } else {
            queues[user] = [job]
            Task { await run(user) }
        }
        return true
    }

    /// Users with work now.
    package var busyUsers: Int { queues.count }

    /// Jobs waiting or running.
    package var waiting: Int { pending }

    /// Returns once fewer than `count` jobs wait or run (looked at every 50 ms).
    package func waitUntil(below count: Int) async {
        while pending >= count, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Returns once no job waits or runs.
    package func idle() async {
        guard pending > 0 else { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    private func run(_ user: String) async {
        while let job = queues[user]?.first {
            await job()
            queues[user]!.removeFirst()
            pending -= 1
        }
        queues[user] = nil
        if pending == 0 {
            let waiters = idleWaiters
            idleWaiters.removeAll()
            for waiter in waiters { waiter.resume() }
        }
    }
}
