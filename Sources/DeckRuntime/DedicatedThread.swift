import Foundation

/// Runs blocking work on a thread of its own, so it never holds one of Swift concurrency's threads
/// (or, with NIO's executor take-over, one of the event loops the network runs on).
enum DedicatedThread {
    /// Runs `body` on a new thread named `name` (as `top -H`, `perf` and `/proc` show it) and
    /// returns its result when it has finished.
    static func run<Result: Sendable>(name: String, _ body: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { (continuation: CheckedContinuation<Result, Never>) in
            let thread = Thread {
                nameCurrentThread(name)
                continuation.resume(returning: body())
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Names the calling thread (Linux keeps 15 bytes). `Thread.name` does not reach the kernel
    /// here, and a new thread otherwise inherits its creator's name.
    private static func nameCurrentThread(_ name: String) {
        let fd = open("/proc/thread-self/comm", O_WRONLY)
        guard fd >= 0 else { return }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}
