/// A small deterministic generator (SplitMix64), so `--seed` reproduces a run exactly.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A seed mixed from a base seed and a string (FNV-1a), so each prompt gets its own stream.
    public static func mix(_ seed: UInt64, _ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ seed
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// 64 lower-case hex characters derived from a string, standing in for a sha256 digest.
    public static func hexDigest(_ text: String) -> String {
        var generator = SeededRandom(seed: mix(0x5EED, text))
        var out = ""
        for _ in 0..<4 {
            let word = String(generator.next(), radix: 16)
            out += String(repeating: "0", count: 16 - word.count) + word
        }
        return out
    }
}
