import Algorithms
/// How long a model stays loaded after a request (`keep_alive`).
public enum KeepAlive: Sendable, Equatable, Codable, CustomStringConvertible {
    /// A number of seconds; negative means forever, zero means unload now.
    case seconds(Double)
    /// A Go duration string such as `5m`, `1h30m` or `0s`.
    case duration(String)

    /// Keep the model loaded until the server stops (`-1`).
    public static let forever = KeepAlive.seconds(-1)
    /// Unload as soon as the request is done (`0`).
    public static let unloadNow = KeepAlive.seconds(0)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let number = try? c.decode(Double.self) {
            self = .seconds(number)
        } else {
            self = .duration(try c.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .seconds(let value):
            if value.rounded() == value, abs(value) < 1e15 { try c.encode(Int64(value)) } else { try c.encode(value) }
        case .duration(let text): try c.encode(text)
        }
    }

    public var description: String {
        switch self {
        case .seconds(let value) where value < 0: return "forever"
        case .seconds(let value): return value.rounded() == value ? "\(Int64(value))s" : "\(value)s"
        case .duration(let text): return text
        }
    }

    /// Parses what a user types: `forever`, `-1`, `0`, `300`, or a Go duration like `5m`, `1h`, `90s`.
    /// Returns nil for anything the server would reject (such as `-1` written as a duration, or `5x`).
    public static func parse(_ text: String) -> KeepAlive? {
        let value = String(text.trimming(while: \.isWhitespace))
        if value.isEmpty { return nil }
        if value.lowercased() == "forever" || value.lowercased() == "inf" { return .forever }
        if let number = Double(value) { return .seconds(number) }
        return GoDuration.seconds(value) != nil ? .duration(value) : nil
    }

    /// The duration in seconds; negative for forever; nil if the string cannot be read.
    public var seconds: Double? {
        switch self {
        case .seconds(let value): return value
        case .duration(let text): return GoDuration.seconds(text)
        }
    }
}

/// Go's `time.ParseDuration` grammar: `[-+]` then one or more `<number><unit>` with units
/// ns, us, µs, ms, s, m, h. A bare `0` is allowed.
public enum GoDuration {
    public static func seconds(_ text: String) -> Double? {
        var rest = Substring(text)
        var sign = 1.0
        if rest.first == "-" || rest.first == "+" {
            if rest.first == "-" { sign = -1 }
            rest = rest.dropFirst()
        }
        if rest == "0" { return 0 }
        if rest.isEmpty { return nil }
        var total = 0.0
        while !rest.isEmpty {
            let numberPart = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !numberPart.isEmpty, let number = Double(numberPart) else { return nil }
            rest = rest.dropFirst(numberPart.count)
            let unitPart = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            rest = rest.dropFirst(unitPart.count)
            let scale: Double
            switch unitPart {
            case "ns": scale = 1e-9
            case "us", "µs", "μs": scale = 1e-6
            case "ms": scale = 1e-3
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            default: return nil
            }
            total += number * scale
        }
        return sign * total
    }
}

/// `think`: on/off, or a level (`low`, `medium`, `high`, `max`) for models that take one.
public enum ThinkSetting: Sendable, Equatable, Codable {
    case enabled(Bool)
    case level(String)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let flag = try? c.decode(Bool.self) { self = .enabled(flag) } else { self = .level(try c.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .enabled(let flag): try c.encode(flag)
        case .level(let level): try c.encode(level)
        }
    }
}
