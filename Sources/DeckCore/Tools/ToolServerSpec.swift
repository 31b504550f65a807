#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How to reach one MCP server: a command to start (stdio) or a Streamable HTTP endpoint. Named
/// with `--mcp NAME=COMMAND ARGS…` or under `mcp:` in the config file.
public struct ToolServerSpec: Sendable, Equatable, CustomStringConvertible {
    public enum Transport: Sendable, Equatable {
        /// The program and its arguments (no shell), with variables added to the environment.
        case stdio(command: [String], environment: [String: String])
        /// A Streamable HTTP endpoint, with headers sent on every request (keys, tokens).
        case http(url: String, headers: [String: String])
    }

    public var name: String
    public var transport: Transport
    /// Tools that run without asking.
    public var trusted: Set<String>

    public init(name: String, transport: Transport, trusted: Set<String> = []) {
        self.name = name
        self.transport = transport
        self.trusted = trusted
    }

    /// The command line or URL, never environment values or header values (they hold secrets).
    public var description: String {
        switch transport {
        case .stdio(let command, let environment):
            let words = command.map { word in
                word.isEmpty || word.contains(where: { " \t\"'\\$`".contains($0) }) ? "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'" : word
            }
            let env = environment.keys.sorted().map { "\($0)=…" }
            return (env + words).joined(separator: " ")
        case .http(let url, let headers):
            return headers.isEmpty ? url : url + " (+ \(headers.count) header\(headers.count == 1 ? "" : "s"))"
        }
    }

    /// The dashboard's view of this server before it starts.
    public var initialState: ToolServer { ToolServer(name: name, summary: description, trusted: trusted) }
}

/// Splits a command line into words as a POSIX shell would — single and double quotes, backslash
/// escapes — without running a shell (no variables, globs, pipes or redirections).
public enum CommandLineWords {
    public static func split(_ line: String) -> Result<[String], ToolFailure> {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var iterator = Array(line).makeIterator()
        while let character = iterator.next() {
            if let open = quote {
                if character == open {
                    quote = nil
                } else if open == "\"", character == "\\" {
                    guard let next = iterator.next() else { return .failure(ToolFailure("the command ends inside a \" quote")) }
                    if !"\"\\$`\n".contains(next) { current.append("\\") }
                    if next != "\n" { current.append(next) }
                } else {
                    current.append(character)
                }
                continue
            }
            switch character {
            case " ", "\t", "\n":
                if inWord { words.append(current); current = ""; inWord = false }
            case "'", "\"":
                quote = character
                inWord = true
            case "\\":
                guard let next = iterator.next() else { return .failure(ToolFailure("the command ends with a lone backslash")) }
                if next != "\n" { current.append(next) }
                inWord = true
            default:
                current.append(character)
                inWord = true
            }
        }
        if let quote { return .failure(ToolFailure("the command ends inside a \(quote) quote")) }
        if inWord { words.append(current) }
        return .success(words)
    }
}
