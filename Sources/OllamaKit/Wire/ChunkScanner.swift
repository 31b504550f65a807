/// A strict, allocation-light reader for the one JSON shape that dominates a reply: a flat object of
/// string and `false` values, with at most one nested object of strings (`message`).
///
/// It reads a subset of JSON exactly and gives up (returns nil) on anything else — numbers, `true`,
/// `null`, arrays, deeper nesting, unknown keys, invalid UTF-8, lone surrogates, raw control
/// characters, trailing bytes — so the caller falls back to `JSONDecoder`, which then decides. What
/// it accepts, it decodes to the same strings `JSONDecoder` would (a fuzz target checks this).
struct ChunkScanner {
    /// A value the scanner understood.
    enum Value {
        case string(String)
        case `false`
        case object([(key: String, value: Value)])
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// The line's top-level object as key/value pairs in order, or nil when the line is outside the subset.
    static func scanObject(_ bytes: UnsafeBufferPointer<UInt8>) -> [(key: String, value: Value)]? {
        var scanner = ChunkScanner(bytes)
        guard let fields = scanner.object(depth: 0) else { return nil }
        scanner.skipWhitespace()
        return scanner.index == bytes.count ? fields : nil
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func object(depth: Int) -> [(key: String, value: Value)]? {
        guard consume(UInt8(ascii: "{")) else { return nil }
        var fields: [(key: String, value: Value)] = []
        if consume(UInt8(ascii: "}")) { return fields }
        while true {
            skipWhitespace()
            guard let key = string(), consume(UInt8(ascii: ":")), let value = value(depth: depth) else { return nil }
            fields.append((key, value))
            if consume(UInt8(ascii: ",")) { continue }
            return consume(UInt8(ascii: "}")) ? fields : nil
        }
    }

    private mutating func value(depth: Int) -> Value? {
        skipWhitespace()
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            return string().map { .string($0) }
        case UInt8(ascii: "{") where depth == 0:
            return object(depth: 1).map { .object($0) }
        case UInt8(ascii: "f"):
            let word: [UInt8] = [0x66, 0x61, 0x6C, 0x73, 0x65]  // false
            guard index + word.count <= bytes.count else { return nil }
            for (offset, byte) in word.enumerated() where bytes[index + offset] != byte { return nil }
            index += word.count
            return .false
        default:
            return nil
        }
    }

    /// A JSON string at `index` (which must be its opening quote).
    private mutating func string() -> String? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        index += 1
        let start = index
        // Fast path: no escapes.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = Self.validString(UnsafeBufferPointer(rebasing: bytes[start..<index]))
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { return nil }
            index += 1
        }
        guard index < bytes.count else { return nil }
        var unescaped = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return unescaped.withUnsafeBufferPointer { Self.validString($0) }
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): unescaped.append(escape)
                case UInt8(ascii: "b"): unescaped.append(0x08)
                case UInt8(ascii: "f"): unescaped.append(0x0C)
                case UInt8(ascii: "n"): unescaped.append(0x0A)
                case UInt8(ascii: "r"): unescaped.append(0x0D)
                case UInt8(ascii: "t"): unescaped.append(0x09)
                case UInt8(ascii: "u"):
                    guard let scalar = unicodeEscape() else { return nil }
                    unescaped.append(contentsOf: String(Character(scalar)).utf8)
                default: return nil
                }
            default:
                if byte < 0x20 { return nil }
                unescaped.append(byte)
                index += 1
            }
        }
        return nil
    }

    /// The text when the bytes are valid UTF-8, else nil. Decoding replaces bad bytes with U+FFFD, so
    /// the bytes are valid exactly when decoding left them as they were.
    private static func validString(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.utf8.elementsEqual(bytes) ? text : nil
    }

    /// The scalar of a `\uXXXX` escape whose `\u` was read, joining a surrogate pair; nil for a lone surrogate.
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let high = hex4() else { return nil }
        if (0xD800...0xDBFF).contains(high) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { return nil }
            index += 2
            guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        }
        if (0xDC00...0xDFFF).contains(high) { return nil }
        return Unicode.Scalar(high)
    }

    private mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: return nil
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }
}
