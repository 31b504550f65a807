import DeckRuntime
import Dispatch

// Swift concurrency runs its jobs on SwiftNIO's event loops instead of a pool of its own. A task
// that reads a streamed reply then wakes on the loop that received the bytes, rather than one thread
// receiving each chunk and waking another to read it: one thread wake-up per chunk instead of two.
// Blocking work stays off these threads: the dashboard's loop runs on a thread of its own
// (`DedicatedThread`), the chat store and file reads on dispatch queues.
ConcurrencyExecutor.useNIOEventLoops()

// The command runs as a task while the main thread waits; it ends the process itself (`exit`).
// Not an `await` here: that makes an async main, whose main thread leaves through `pthread_exit`,
// unwinding its stack through the unwind tables of the whole binary (a megabyte of memory touched
// for nothing).
let finished = DispatchSemaphore(value: 0)
Task.detached {
    await OllamaDeckCommand.start()
    finished.signal()
}
finished.wait()
