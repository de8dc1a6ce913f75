import NIOCore

/// A Swift task executor that runs jobs on one NIO event loop.
///
/// A connection's task prefers its channel's loop (SE-0417), so everything the task would have
/// sent to the global pool — above all the resumption of a continuation, after a line arrived or
/// a commit finished — runs on the loop instead: one `execute` on that loop (no wake-up at all
/// when already on it), where the global pool meant waking a worker thread only for it to hop
/// back to the loop. NIO 2.101 has no such executor of its own; this is the whole of it.
package final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    package init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
