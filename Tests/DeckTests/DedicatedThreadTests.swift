@testable import DeckRuntime
import Foundation
import Testing

/// The dashboard's loop blocks in `poll`, so it runs on a thread of its own, never one of Swift
/// concurrency's (or NIO's) threads.
@Suite("A thread of its own for blocking work")
struct DedicatedThreadTests {
    static func currentThreadName() -> String {
        (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }

    @Test("the body runs on a new, named thread and its result comes back")
    func runsOnNamedThread() async {
        let caller = Self.currentThreadName()
        let (name, isMain) = await DedicatedThread.run(name: "deck-test-loop") {
            (Self.currentThreadName(), Thread.isMainThread)
        }
        #expect(name == "deck-test-loop")
        #expect(name != caller)
        #expect(!isMain)
    }
}
