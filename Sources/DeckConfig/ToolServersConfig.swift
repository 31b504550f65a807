import DeckCore
import Foundation
import Yams

/// The `mcp:` section of the config file and the `--mcp` flag: the MCP servers whose tools chat
/// panes offer.
///
/// ```yaml
/// mcp:
///   time:
///     command: uvx mcp-server-time      # split as a shell would (no shell runs); or add args:
///   files:
///     command: npx
///     args: ["-y", "@modelcontextprotocol/server-filesystem", "/home/me/notes"]
///     env: {LOG_LEVEL: warn}
///     trusted: [read_file]               # these run without asking
///   search:
///     url: https://mcp.example.com/mcp   # Streamable HTTP
///     headers: {Authorization: "Bearer …"}
/// tool_timeout: 60                       # seconds a call may take
/// ```
enum ToolServersConfig {
    static func parse(_ node: Node, path: String) throws -> [ToolServerSpec] {
        guard let mapping = node.mapping else {
            throw ConfigError(path: path, line: node.mark?.line, problem: "mcp: a list of NAME: with command: or url: under it, not a \(FleetConfig.kind(node))")
        }
        var servers: [ToolServerSpec] = []
        for (nameNode, value) in mapping {
            let name = nameNode.string ?? ""
            let line = nameNode.mark?.line
            if let problem = ToolServerArgument.nameProblem(name) {
                throw ConfigError(path: path, line: line, problem: "mcp: '\(name)': \(problem)")
            }
            if servers.contains(where: { $0.name == name }) {
                throw ConfigError(path: path, line: line, problem: "mcp: '\(name)' is named twice")
            }
            guard let fields = value.mapping else {
                throw ConfigError(path: path, line: value.mark?.line, problem: "mcp: \(name): give command: (and args:) or url: under it")
            }
            var command: [String]?
            var args: [String] = []
            var environment: [String: String] = [:]
            var url: String?
            var headers: [String: String] = [:]
            var trusted: Set<String> = []
            for (fieldNode, fieldValue) in fields {
                let field = fieldNode.string ?? ""
                let fieldLine = fieldNode.mark?.line
                func fail(_ problem: String) -> ConfigError { ConfigError(path: path, line: fieldLine, problem: "mcp: \(name): \(problem)") }
                switch field {
                case "command":
                    guard let text = fieldValue.scalar?.string, !text.isEmpty else { throw fail("command: give the program to run") }
                    switch CommandLineWords.split(text) {
                    case .failure(let failure): throw fail("command: \(failure.message)")
                    case .success(let words): command = words
                    }
                case "args":
                    guard let list = fieldValue.sequence else { throw fail("args: a list, such as [\"-y\", \"server\"]") }
                    args = try list.map { item in
                        guard let text = item.scalar?.string else { throw fail("args: every argument is a string") }
                        return text
                    }
                case "env":
                    guard let pairs = fieldValue.mapping else { throw fail("env: a list of NAME: value") }
                    for (key, value) in pairs {
                        guard let variable = key.string, !variable.isEmpty, !variable.contains("="), let text = value.scalar?.string else {
                            throw fail("env: '\(key.string ?? "")' is not NAME: value")
                        }
                        environment[variable] = text
                    }
                case "url":
                    guard let text = fieldValue.scalar?.string, text.hasPrefix("http://") || text.hasPrefix("https://") else {
                        throw fail("url: give an http:// or https:// address")
                    }
                    url = text
                case "headers":
                    guard let pairs = fieldValue.mapping else { throw fail("headers: a list of Name: value") }
                    for (key, value) in pairs {
                        guard let header = key.string, !header.isEmpty, !header.contains(" "), !header.contains(":"),
                            let text = value.scalar?.string
                        else { throw fail("headers: '\(key.string ?? "")' is not Name: value") }
                        headers[header] = text
                    }
                case "trusted":
                    guard let list = fieldValue.sequence else { throw fail("trusted: a list of tool names") }
                    for item in list {
                        guard let tool = item.scalar?.string, !tool.isEmpty else { throw fail("trusted: every entry is a tool name") }
                        trusted.insert(tool)
                    }
                default:
                    throw fail("unknown setting '\(field)' (known: command, args, env, url, headers, trusted)")
                }
            }
            let transport: ToolServerSpec.Transport
            switch (command, url) {
            case (let command?, nil):
                transport = .stdio(command: command + args, environment: environment)
                if !headers.isEmpty {
                    throw ConfigError(path: path, line: line, problem: "mcp: \(name): headers: are for url: servers; a command takes env:")
                }
            case (nil, let url?):
                transport = .http(url: url, headers: headers)
                if !args.isEmpty || !environment.isEmpty {
                    throw ConfigError(path: path, line: line, problem: "mcp: \(name): args: and env: are for command: servers")
                }
            case (nil, nil):
                throw ConfigError(path: path, line: line, problem: "mcp: \(name): give command: (a program to start) or url: (a Streamable HTTP server)")
            case (_?, _?):
                throw ConfigError(path: path, line: line, problem: "mcp: \(name): give command: or url:, not both")
            }
            servers.append(ToolServerSpec(name: name, transport: transport, trusted: trusted))
        }
        return servers
    }

    /// Whether a server carries values that may be secrets (env or headers).
    static func holdsSecrets(_ spec: ToolServerSpec) -> Bool {
        switch spec.transport {
        case .stdio(_, let environment): return !environment.isEmpty
        case .http(_, let headers): return !headers.isEmpty
        }
    }
}

/// `--mcp NAME=COMMAND [ARGS…]` (one value, split as a shell would, without a shell) or
/// `--mcp NAME=URL` for a Streamable HTTP server.
public enum ToolServerArgument {
    public static func parse(_ argument: String) -> Result<ToolServerSpec, ToolFailure> {
        guard let equals = argument.firstIndex(of: "=") else {
            return .failure(ToolFailure("'\(argument)': give NAME=COMMAND, such as --mcp 'time=uvx mcp-server-time'"))
        }
        let name = String(argument[..<equals])
        let rest = String(argument[argument.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
        if let problem = nameProblem(name) { return .failure(ToolFailure("'\(argument)': \(problem)")) }
        if rest.hasPrefix("http://") || rest.hasPrefix("https://") {
            return .success(ToolServerSpec(name: name, transport: .http(url: rest, headers: [:])))
        }
        switch CommandLineWords.split(rest) {
        case .failure(let failure):
            return .failure(ToolFailure("\(name): \(failure.message)"))
        case .success(let words):
            guard !words.isEmpty else { return .failure(ToolFailure("\(name): no command after '='")) }
            return .success(ToolServerSpec(name: name, transport: .stdio(command: words, environment: [:])))
        }
    }

    /// Why `name` cannot name a server (it shows in titles and prefixes tool names), or nil.
    public static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "the name is empty" }
        if name.count > 32 { return "the name is longer than 32 characters" }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
        if !name.allSatisfy(allowed.contains) { return "a name takes letters, digits, - and _ only" }
        return nil
    }
}
