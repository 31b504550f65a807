import CExecutorHook
import DeckRuntime
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Swift concurrency's executor hook")
struct ConcurrencyExecutorTests {
    @Test("the shim's direct reference is the runtime's own hook variable, the one dlsym finds")
    func directReferenceIsTheRuntimesVariable() throws {
        // Tests link the runtime as shared libraries, so dlsym can check the direct reference that
        // release builds (runtime linked in, invisible to dlsym) depend on: no copy of the variable.
        #expect(ConcurrencyExecutor.runtimeIsShared)
        let found = try #require(dlsym(nil, "swift_task_enqueueGlobal_hook"))
        #expect(UnsafeMutableRawPointer(deck_enqueue_global_hook_direct()) == found)
        #expect(UnsafeMutableRawPointer(deck_enqueue_global_hook_slot()) == found)
    }
}
