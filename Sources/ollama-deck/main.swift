import NIOCore
import NIOPosix

// Swift concurrency runs its jobs on SwiftNIO's event loops instead of a pool of its own. A task
// that reads a streamed reply then wakes on the loop that received the bytes, rather than one thread
// receiving each chunk and waking another to read it: one thread wake-up per chunk instead of two.
// Blocking work stays off these threads: the dashboard's loop runs on a thread of its own
// (`DedicatedThread`), the chat store and file reads on dispatch queues.
NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

await OllamaDeckCommand.start()
