import CExecutorHook
import NIOCore
import NIOPosix

/// Makes SwiftNIO's event loops Swift concurrency's global executor, so a task reading a streamed
/// reply wakes on the loop that received the bytes instead of one thread receiving each chunk and
/// waking another to read it.
///
/// NIO's own installer finds the runtime's hook with `dlsym`, which sees nothing when the Swift
/// runtime is linked into the binary (`-static-stdlib`, how release builds link: see
/// ARCHITECTURE.md). Then the hook is set through `CExecutorHook`, which references the runtime's
/// variable directly, to the same job hand-off NIO installs.
public enum ConcurrencyExecutor {
    public enum Outcome: Equatable, Sendable {
        /// NIO's installer set the hook (the runtime is a shared library).
        case installedByNIO
        /// The hook was set directly (the runtime is linked into the binary).
        case installedDirectly
        /// Something else had set the hook already: jobs run where it sends them.
        case alreadyTaken
    }

    /// Call once, from the main thread, before starting any task.
    @discardableResult
    public static func useNIOEventLoops() -> Outcome {
        if NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() {
            return .installedByNIO
        }
        let slot = deck_enqueue_global_hook_slot()
        guard slot.pointee == nil else { return .alreadyTaken }
        typealias EnqueueHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void
        return withUnsafeTemporaryAllocation(of: EnqueueHook.self, capacity: 1) { storage in
            // `any()` prefers the calling thread's own loop, so a task woken by the network stays there.
            storage.baseAddress!.initialize(to: { job, _ in
                MultiThreadedEventLoopGroup.singleton.any().enqueue(ExecutorJob(job))
            })
            slot.pointee = storage.baseAddress!.withMemoryRebound(to: UnsafeMutableRawPointer?.self, capacity: 1) { $0.pointee }
            return .installedDirectly
        }
    }

    /// Whether the Swift runtime is a shared library here (NIO's installer can find the hook).
    public static var runtimeIsShared: Bool { deck_enqueue_global_hook_is_dynamic() != 0 }
}
