/// Splits a byte stream into lines on the newline byte (0x0A) only.
///
/// Bytes after the last newline are kept until the next chunk arrives, so a line — or a UTF-8
/// character — cut across reads is put back together. CR, U+0085, U+2028 and U+2029 are ordinary
/// bytes here: Go emits U+0085 raw inside JSON strings, so a Unicode-aware line splitter would cut
/// a JSON line in two.
public struct LineFramer: Sendable {
    /// The most bytes one line may hold before ``append(_:)`` reports it as too long.
    public let maxLineBytes: Int
    private var pending: [UInt8] = []
    private var discarding = false

    /// The outcome of feeding bytes: complete lines, and whether an over-long line was dropped.
    public struct Output: Sendable, Equatable {
        public var lines: [[UInt8]] = []
        /// True when a line longer than ``LineFramer/maxLineBytes`` was seen (and dropped).
        public var overflowed = false
    }

    public init(maxLineBytes: Int = 8 * 1024 * 1024) {
        self.maxLineBytes = maxLineBytes
    }

    /// Feeds bytes and returns the lines they complete, without their newline. Empty lines are skipped.
    public mutating func append<Bytes: Sequence>(_ bytes: Bytes) -> Output where Bytes.Element == UInt8 {
        var output = Output()
        for byte in bytes {
            if byte == 0x0A {
                if discarding {
                    discarding = false
                } else if !pending.isEmpty {
                    output.lines.append(pending)
                }
                pending.removeAll(keepingCapacity: true)
                continue
            }
            if discarding { continue }
            if pending.count >= maxLineBytes {
                pending.removeAll()
                discarding = true
                output.overflowed = true
                continue
            }
            pending.append(byte)
        }
        return output
    }

    /// The bytes left after the last newline, returned once at end of stream (a final line without
    /// a newline, such as a plain `application/json` body). Nil when nothing is left.
    public mutating func finish() -> [UInt8]? {
        defer { pending.removeAll() }
        if discarding || pending.isEmpty { return nil }
        return pending
    }

    /// How many bytes are waiting for their newline.
    public var pendingByteCount: Int { pending.count }
}
