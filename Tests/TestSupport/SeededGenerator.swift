import Foundation

/// A random number generator for tests that prints its seed, so a failure can be replayed:
/// `DECK_TEST_SEED=1234 swift test --filter …` runs the same numbers again.
public struct SeededGenerator: RandomNumberGenerator {
    public let seed: UInt64
    private var state: UInt64

    /// The seed from `DECK_TEST_SEED`, or a fresh one; printed with the test's name either way.
    public init(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let chosen = environment["DECK_TEST_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 0...UInt64.max)
        self.seed = chosen
        self.state = chosen
        print("\(name): random seed \(chosen) (DECK_TEST_SEED=\(chosen) repeats it)")
    }

    /// SplitMix64.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
