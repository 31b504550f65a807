/// JSON written the way Go's `encoding/json` writes it: keys in the order given, compact, with
/// `<`, `>`, `&`, U+2028 and U+2029 escaped as `\u003c`-style sequences. The simulator builds
/// every reply with it, so key order and omitted-when-zero fields match the real server.
public indirect enum GoJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([GoJSON])
    case object([(String, GoJSON)])
    /// Pre-encoded JSON text, written as is.
    case raw(String)

    public static func == (lhs: GoJSON, rhs: GoJSON) -> Bool { lhs.serialized == rhs.serialized }

    /// The compact JSON text.
    public var serialized: String {
        var out = ""
        write(into: &out)
        return out
    }

    func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .double(let value): out += GoJSON.formatFloat(value)
        case .string(let value): GoJSON.writeString(value, into: &out)
        case .raw(let text): out += text
        case .array(let values):
            out += "["
            for (i, value) in values.enumerated() {
                if i > 0 { out += "," }
                value.write(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, member) in members.enumerated() {
                if i > 0 { out += "," }
                GoJSON.writeString(member.0, into: &out)
                out += ":"
                member.1.write(into: &out)
            }
            out += "}"
        }
    }

    static func writeString(_ value: String, into out: inout String) {
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// Go's float formatting: shortest representation, exponent form below 1e-6 or from 1e21.
    static func formatFloat(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e21 { return String(Int64(value)) }
        let magnitude = abs(value)
        if magnitude < 1e-6 || magnitude >= 1e21 {
            // Swift writes 1.2345e-07; Go writes the same shape.
            return "\(value)"
        }
        return "\(value)"
    }
}

/// Builds an ordered JSON object, leaving out fields Go would omit when empty.
struct GoObject {
    private(set) var members: [(String, GoJSON)] = []

    mutating func add(_ key: String, _ value: GoJSON) { members.append((key, value)) }
    mutating func add(_ key: String, _ value: String) { members.append((key, .string(value))) }
    mutating func add(_ key: String, _ value: Int64) { members.append((key, .int(value))) }
    mutating func add(_ key: String, _ value: Bool) { members.append((key, .bool(value))) }

    /// `omitempty`: skips empty strings.
    mutating func addOmitEmpty(_ key: String, _ value: String?) {
        if let value, !value.isEmpty { add(key, value) }
    }

    /// `omitempty`: skips zero.
    mutating func addOmitZero(_ key: String, _ value: Int64?) {
        if let value, value != 0 { add(key, value) }
    }

    var json: GoJSON { .object(members) }
}
