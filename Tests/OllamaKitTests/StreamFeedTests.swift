import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import OllamaKit

@Suite("StreamFeed: values from the event loop to the reader, with a hold on reads when it falls behind")
struct StreamFeedTests {
    let noCancel: @Sendable () -> Void = {}

    @Test("values come out in order; a reader that falls behind holds the next read until it has caught up")
    func holdsReadsForASlowReader() async throws {
        let loop = EmbeddedEventLoop()
        let feed = StreamFeed<Int>(highWater: 4)
        #expect(feed.push([1, 2], on: loop) == nil)
        let hold = try #require(feed.push([3, 4, 5], on: loop))
        let released = Counter()
        hold.whenSuccess { released.add() }
        #expect(feed.isHoldingRead)

        var seen: [Int] = []
        for _ in 0..<5 { seen.append(try #require(try await feed.next(cancel: noCancel))) }
        #expect(seen == [1, 2, 3, 4, 5])
        #expect(!released.isSet, "the read stays held until the reader asks for more")

        let reader = Task { try await feed.next(cancel: noCancel) }
        #expect(await eventually { released.isSet })
        #expect(feed.push([6], on: loop) == nil)
        #expect(try await reader.value == 6)
        feed.finish(.finished)
        #expect(try await feed.next(cancel: noCancel) == nil)
        #expect(try await feed.next(cancel: noCancel) == nil)
    }

    @Test("a failure is thrown once, after the values before it; then the feed stays ended")
    func failureAfterValues() async throws {
        let loop = EmbeddedEventLoop()
        let feed = StreamFeed<String>()
        _ = feed.push(["a", "b"], on: loop)
        feed.finish(.failed(.stream(message: "runner stopped")))
        _ = feed.push(["late"], on: loop)
        feed.finish(.finished)
        #expect(try await feed.next(cancel: noCancel) == "a")
        #expect(try await feed.next(cancel: noCancel) == "b")
        await #expect(throws: OllamaError.stream(message: "runner stopped")) {
            _ = try await feed.next(cancel: noCancel)
        }
        #expect(try await feed.next(cancel: noCancel) == nil)
    }

    @Test("finishing releases a held read, so the connection can wind down")
    func finishReleasesHeldRead() throws {
        let loop = EmbeddedEventLoop()
        let feed = StreamFeed<Int>(highWater: 1)
        let hold = try #require(feed.push([1], on: loop))
        let released = Counter()
        hold.whenSuccess { released.add() }
        feed.finish(.failed(.cancelled))
        #expect(released.isSet)
        #expect(!feed.isHoldingRead)
    }

    @Test("cancelling a waiting reader runs the cancel action, whose ending wakes it")
    func cancellationWakesTheReader() async throws {
        let feed = StreamFeed<Int>()
        let cancelled = Counter()
        let reader = Task {
            try await feed.next(cancel: {
                cancelled.add()
                feed.finish(.failed(.cancelled))
            })
        }
        try await Task.sleep(for: .milliseconds(20))
        reader.cancel()
        await #expect(throws: OllamaError.cancelled) { _ = try await reader.value }
        #expect(cancelled.value == 1)
    }

    @Test("a pacer lets every waiting stream go at its tick, once")
    func pacerTicks() {
        let pacer = StreamPacer()
        let released = Counter()
        pacer.tick()
        pacer.hold { released.add() }
        pacer.hold { released.add() }
        #expect(pacer.waitingCount == 2)
        #expect(released.value == 0)
        pacer.tick()
        #expect(released.value == 2)
        #expect(pacer.waitingCount == 0)
        pacer.tick()
        #expect(released.value == 2)
    }
}

/// A count shared with callbacks.
private final class Counter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
    var isSet: Bool { value > 0 }
}
