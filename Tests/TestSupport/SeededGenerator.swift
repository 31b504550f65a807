import Foundation
import OllamaSim

/// A random number generator for tests that prints its seed, so a failure can be replayed:
/// `DECK_TEST_SEED=1234 swift test --filter …` runs the same numbers again. The numbers come from
/// the simulator's SplitMix64 (``SeededRandom``).
public struct SeededGenerator: RandomNumberGenerator {
    public let seed: UInt64
    private var generator: SeededRandom

    /// The seed from `DECK_TEST_SEED`, or a fresh one; printed with the test's name either way.
    public init(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let chosen = environment["DECK_TEST_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 0...UInt64.max)
        self.seed = chosen
        self.generator = SeededRandom(seed: chosen)
        print("\(name): random seed \(chosen) (DECK_TEST_SEED=\(chosen) repeats it)")
    }

    public mutating func next() -> UInt64 { generator.next() }
}
