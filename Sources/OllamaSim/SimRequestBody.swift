#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OllamaKit

/// A request that fails validation: the status and message the real server would send.
struct SimRejection: Error {
    var status: Int
    var message: String
}

/// A JSON request body read the way Go's `encoding/json` reads it into a struct: keys matched
/// case-insensitively, unknown keys ignored, type mismatches reported with Go's wording.
struct SimRequestBody {
    let structName: String
    private let fields: [String: JSONValue]

    init(bytes: [UInt8], structName: String) throws {
        self.structName = structName
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw SimRejection(status: 400, message: "missing request body")
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw SimRejection(status: 400, message: Self.goSyntaxError(bytes))
        }
        guard case .object(let object) = value else {
            throw SimRejection(
                status: 400, message: "json: cannot unmarshal \(Self.jsonType(value)) into Go value of type api.\(structName)")
        }
        var lowered: [String: JSONValue] = [:]
        for (key, member) in object {
            let lower = key.lowercased()
            if lowered[lower] == nil || key == lower { lowered[lower] = member }
        }
        fields = lowered
    }

    func has(_ key: String) -> Bool {
        if let value = fields[key], value != .null { return true }
        return false
    }

    func raw(_ key: String) -> JSONValue? {
        guard let value = fields[key], value != .null else { return nil }
        return value
    }

    func string(_ key: String) throws -> String? {
        guard let value = raw(key) else { return nil }
        guard case .string(let text) = value else { throw mismatch(key, value, "string") }
        return text
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = raw(key) else { return nil }
        guard case .bool(let flag) = value else { throw mismatch(key, value, "bool") }
        return flag
    }

    func int(_ key: String) throws -> Int? {
        guard let value = raw(key) else { return nil }
        guard let number = value.intValue else { throw mismatch(key, value, "int") }
        return Int(number)
    }

    func array(_ key: String, goType: String) throws -> [JSONValue]? {
        guard let value = raw(key) else { return nil }
        guard case .array(let values) = value else { throw mismatch(key, value, goType) }
        return values
    }

    func object(_ key: String, goType: String) throws -> [String: JSONValue]? {
        guard let value = raw(key) else { return nil }
        guard case .object(let members) = value else { throw mismatch(key, value, goType) }
        return members
    }

    /// `keep_alive`: seconds as a number (negative = forever) or a Go duration string.
    func keepAliveSeconds(default defaultSeconds: Double) throws -> Double {
        guard let value = raw("keep_alive") else { return defaultSeconds }
        switch value {
        case .integer(let number): return Double(number)
        case .number(let number): return number
        case .string(let text):
            if let seconds = GoDuration.seconds(text) { return seconds }
            if Double(text) != nil { throw SimRejection(status: 400, message: "time: missing unit in duration \"\(text)\"") }
            throw SimRejection(status: 400, message: "time: invalid duration \"\(text)\"")
        default:
            throw SimRejection(status: 400, message: "json: cannot unmarshal \(Self.jsonType(value)) into Go struct field \(structName).keep_alive of type api.Duration")
        }
    }

    /// `think`: absent (nil), a bool, or a level string.
    func think() throws -> ThinkSetting? {
        guard let value = raw("think") else { return nil }
        switch value {
        case .bool(let flag): return .enabled(flag)
        case .string(let level) where ["low", "medium", "high", "max", "true", "false"].contains(level):
            if level == "true" { return .enabled(true) }
            if level == "false" { return .enabled(false) }
            return .level(level)
        case .string(let level):
            throw SimRejection(status: 400, message: "invalid think value: \"\(level)\" (must be \"high\", \"medium\", \"low\", true, or false)")
        default:
            throw SimRejection(status: 400, message: "invalid think value: \(value.displayText) (must be \"high\", \"medium\", \"low\", true, or false)")
        }
    }

    private func mismatch(_ key: String, _ value: JSONValue, _ goType: String) -> SimRejection {
        SimRejection(
            status: 400,
            message: "json: cannot unmarshal \(Self.jsonType(value)) into Go struct field \(structName).\(key) of type \(goType)")
    }

    static func jsonType(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "bool"
        case .integer, .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// Approximates Go's syntax error text for a body that is not JSON.
    static func goSyntaxError(_ bytes: [UInt8]) -> String {
        guard let first = bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
            return "unexpected EOF"
        }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { return "unexpected EOF" }
        let character = Character(Unicode.Scalar(first))
        return "invalid character '\(character)' looking for beginning of value"
    }
}
