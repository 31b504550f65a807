#if canImport(Glibc)
import Glibc
#endif
import DeckCore
import Foundation
import OllamaKit
import Yams

/// A host named in the config file or on the command line, with how to reach it. The API key and
/// header values are secrets: never shown, logged or printed (``description`` leaves them out).
public struct HostSpec: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    /// As given: `http://gpu:11434`, `gpu:11434`, `https://host/path` (``OllamaHost`` rules).
    public var url: String
    public var apiKey: String?
    public var headers: [OllamaClientConfiguration.HeaderField]
    /// The key was written in the config file itself (not taken from the environment).
    public var apiKeyFromFile = false

    public init(name: String, url: String, apiKey: String? = nil, headers: [OllamaClientConfiguration.HeaderField] = []) {
        self.name = name
        self.url = url
        self.apiKey = apiKey
        self.headers = headers
    }

    /// The URL the client will use, with no credentials in it.
    public var resolvedURL: String { OllamaHost.resolve(url).description }

    public var description: String { "\(name)=\(resolvedURL)" }

    /// The client configuration for this host (extra headers from the command line go after its own).
    public func clientConfiguration(extraHeaders: [OllamaClientConfiguration.HeaderField] = []) -> OllamaClientConfiguration {
        var configuration = OllamaClientConfiguration(host: OllamaHost.resolve(url))
        configuration.apiKey = apiKey
        configuration.headers = headers + extraHeaders
        return configuration
    }
}

/// A problem with the config file: the file, the line (when known) and what is wrong.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var problem: String

    public init(path: String, line: Int?, problem: String) {
        self.path = path
        self.line = line
        self.problem = problem
    }

    public var description: String {
        if let line { return "\(path):\(line): \(problem)" }
        return "\(path): \(problem)"
    }
}

/// The config file, `$XDG_CONFIG_HOME/ollama-deck/config.yaml` (YAML, read with Yams):
///
/// ```yaml
/// default: workstation
/// hosts:
///   workstation: http://127.0.0.1:11434
///   closet:
///     url: http://192.168.1.20:11434
///   rented:
///     url: https://gpu.example.com
///     api_key_env: RENTED_OLLAMA_KEY   # or api_key: "…" (then the file must be private)
///     headers:
///       X-Team: research
/// ```
public struct FleetConfig: Sendable, Equatable {
    public var hosts: [HostSpec] = []
    public var defaultHost: String?
    /// Warnings to show (a file others can read).
    public var warnings: [String] = []
    /// `mcp:`: the tool servers.
    public var toolServers: [ToolServerSpec] = []
    /// `tool_timeout:`: seconds a tool call may take.
    public var toolTimeout: Double?

    public init(hosts: [HostSpec] = [], defaultHost: String? = nil, warnings: [String] = []) {
        self.hosts = hosts
        self.defaultHost = defaultHost
        self.warnings = warnings
    }

    /// Where the config file is: `$XDG_CONFIG_HOME/ollama-deck/config.yaml`, else `~/.config/…`.
    public static func defaultPath(environment: [String: String]) -> String {
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? "") + "/.config")
        return base + "/ollama-deck/config.yaml"
    }

    /// Reads the config file at `path`. A missing file is an empty config; a file that cannot be
    /// read, is not valid YAML, or says something this program does not know is an error naming
    /// the line — the dashboard never starts on half a config.
    public static func load(path: String, environment: [String: String], mustExist: Bool = false) throws -> FleetConfig {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if mustExist { throw ConfigError(path: path, line: nil, problem: "no such file") }
            let toml = path.hasSuffix(".yaml") ? String(path.dropLast(5)) + ".toml" : ""
            if !toml.isEmpty, access(toml, F_OK) == 0 {
                throw ConfigError(path: toml, line: nil, problem: "ollama-deck reads YAML, from \(path): rename it and write it as YAML (see the README)")
            }
            return FleetConfig()
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(path: path, line: nil, problem: "cannot be read (\(String(cString: strerror(errno))))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(path: path, line: nil, problem: "is not UTF-8 text")
        }
        var config = try parse(text, path: path, environment: environment)
        // As ssh does: secrets in a file others can read are not used.
        let othersMayRead = info.st_mode & 0o044 != 0
        if othersMayRead {
            let mode = String(info.st_mode & 0o777, radix: 8)
            if config.hosts.contains(where: \.apiKeyFromFile) || config.hostsWithFileHeaders
                || config.toolServers.contains(where: ToolServersConfig.holdsSecrets)
            {
                throw ConfigError(path: path, line: nil, problem: "holds API keys, headers or tool server env but other users can read it (mode \(mode)): chmod 600 \(path)")
            }
            config.warnings.append("\(path) is readable by other users (mode \(mode)); chmod 600 it before putting keys in it")
        }
        return config
    }

    /// Parses the YAML text (for tests: no file needed).
    public static func parse(_ text: String, path: String, environment: [String: String]) throws -> FleetConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigError(path: path, line: error.line(in: text), problem: error.problemText)
        } catch {
            throw ConfigError(path: path, line: nil, problem: "is not valid YAML: \(error)")
        }
        guard let root else { return FleetConfig() }
        guard let top = root.mapping else {
            throw ConfigError(path: path, line: root.mark?.line, problem: "the file is a list of settings (`hosts:`, `default:`), not a \(kind(root))")
        }
        var config = FleetConfig()
        var defaultLine: Int?
        for (keyNode, value) in top {
            let key = keyNode.string ?? ""
            switch key {
            case "default":
                guard let name = value.scalar?.string, !name.isEmpty else {
                    throw ConfigError(path: path, line: value.mark?.line, problem: "default: give the name of a host")
                }
                config.defaultHost = name
                defaultLine = value.mark?.line
            case "hosts":
                config.hosts = try parseHosts(value, path: path, environment: environment)
            case "mcp":
                config.toolServers = try ToolServersConfig.parse(value, path: path)
            case "tool_timeout":
                guard let text = value.scalar?.string, let seconds = Double(text), seconds > 0, seconds.isFinite else {
                    throw ConfigError(path: path, line: value.mark?.line, problem: "tool_timeout: give a number of seconds, such as 60")
                }
                config.toolTimeout = seconds
            default:
                throw ConfigError(path: path, line: keyNode.mark?.line, problem: "unknown setting '\(key)' (known: hosts, default, mcp, tool_timeout)")
            }
        }
        if let name = config.defaultHost, !config.hosts.contains(where: { $0.name == name }) {
            throw ConfigError(path: path, line: defaultLine, problem: "default: no host named '\(name)' under hosts")
        }
        return config
    }

    var hostsWithFileHeaders: Bool { hosts.contains { !$0.headers.isEmpty } }

    static func parseHosts(_ node: Node, path: String, environment: [String: String]) throws -> [HostSpec] {
        guard let mapping = node.mapping else {
            throw ConfigError(path: path, line: node.mark?.line, problem: "hosts: a list of NAME: URL (or NAME: with url: under it), not a \(kind(node))")
        }
        var hosts: [HostSpec] = []
        for (nameNode, value) in mapping {
            let line = nameNode.mark?.line
            let name = nameNode.string ?? ""
            if let problem = HostArgument.nameProblem(name) {
                throw ConfigError(path: path, line: line, problem: "hosts: '\(name)': \(problem)")
            }
            if hosts.contains(where: { $0.name == name }) {
                throw ConfigError(path: path, line: line, problem: "hosts: '\(name)' is named twice")
            }
            if let url = value.scalar?.string {
                try checkURL(url, path: path, line: value.mark?.line, host: name)
                hosts.append(HostSpec(name: name, url: url))
                continue
            }
            guard let fields = value.mapping else {
                throw ConfigError(path: path, line: value.mark?.line, problem: "hosts: \(name): give a URL, or url: and the rest under it")
            }
            var spec = HostSpec(name: name, url: "")
            var sawURL = false
            for (fieldNode, fieldValue) in fields {
                let field = fieldNode.string ?? ""
                let fieldLine = fieldNode.mark?.line
                switch field {
                case "url":
                    guard let url = fieldValue.scalar?.string, !url.isEmpty else {
                        throw ConfigError(path: path, line: fieldLine, problem: "hosts: \(name): url: give a URL such as http://192.168.1.20:11434")
                    }
                    try checkURL(url, path: path, line: fieldValue.mark?.line, host: name)
                    spec.url = url
                    sawURL = true
                case "api_key":
                    guard let key = fieldValue.scalar?.string, !key.isEmpty else {
                        throw ConfigError(path: path, line: fieldLine, problem: "hosts: \(name): api_key: give the key (or use api_key_env)")
                    }
                    spec.apiKey = key
                    spec.apiKeyFromFile = true
                case "api_key_env":
                    guard let variable = fieldValue.scalar?.string, !variable.isEmpty else {
                        throw ConfigError(path: path, line: fieldLine, problem: "hosts: \(name): api_key_env: give the name of an environment variable")
                    }
                    guard let key = environment[variable], !key.isEmpty else {
                        throw ConfigError(path: path, line: fieldLine, problem: "hosts: \(name): api_key_env: \(variable) is not set in the environment")
                    }
                    spec.apiKey = key
                case "headers":
                    guard let pairs = fieldValue.mapping else {
                        throw ConfigError(path: path, line: fieldLine, problem: "hosts: \(name): headers: a list of Name: value")
                    }
                    for (headerName, headerValue) in pairs {
                        let header = headerName.string ?? ""
                        guard !header.isEmpty, !header.contains(" "), !header.contains(":"), let text = headerValue.scalar?.string else {
                            throw ConfigError(path: path, line: headerName.mark?.line, problem: "hosts: \(name): headers: '\(header)' is not Name: value")
                        }
                        spec.headers.append(.init(name: header, value: text))
                    }
                default:
                    throw ConfigError(path: path, line: fieldLine, problem: "hosts: \(name): unknown setting '\(field)' (known: url, api_key, api_key_env, headers)")
                }
            }
            if !sawURL { throw ConfigError(path: path, line: line, problem: "hosts: \(name): url: is missing") }
            hosts.append(spec)
        }
        return hosts
    }

    static func checkURL(_ url: String, path: String, line: Int?, host: String) throws {
        if let problem = HostArgument.urlProblem(url) {
            throw ConfigError(path: path, line: line, problem: "hosts: \(host): \(problem)")
        }
    }

    static func kind(_ node: Node) -> String {
        switch node {
        case .scalar: return "single value"
        case .sequence: return "list with dashes"
        case .mapping: return "mapping"
        case .alias: return "alias"
        }
    }
}

extension YamlError {
    /// The line to name: where the problem is, or where the unfinished construct began when the
    /// problem is only found at the end of the file; for a key given twice, its second line.
    func line(in text: String) -> Int? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let lastLine = lines.last?.isEmpty == true ? lines.count - 1 : lines.count
        switch self {
        case .scanner(let context, _, let mark, _), .parser(let context, _, let mark, _), .composer(let context, _, let mark, _):
            if mark.line > lastLine, let context { return context.mark.line }
            return min(mark.line, max(1, lastLine))
        case .duplicatedKeysInMapping(let duplicates, let context):
            var seen = 0
            for (index, line) in lines.enumerated() where index + 1 >= context.mark.line {
                let trimmed = line.drop { $0 == " " }
                if let key = duplicates.first, trimmed.hasPrefix(key + ":") {
                    seen += 1
                    if seen == 2 { return index + 1 }
                }
            }
            return context.mark.line
        default: return nil
        }
    }

    var problemText: String {
        switch self {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _), .composer(let context, let problem, _, _):
            return "not valid YAML: " + (context.map { "\($0.text) — " } ?? "") + problem
        case .duplicatedKeysInMapping(let duplicates, _):
            return "not valid YAML: a key is given twice (\(duplicates.joined(separator: ", ")))"
        default:
            return "not valid YAML: \(self)"
        }
    }
}
