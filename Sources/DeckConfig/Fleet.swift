import DeckCore
import Foundation
import OllamaKit

/// The servers a run uses, resolved from `--host` values and the config file.
public struct Fleet: Sendable, Equatable {
    /// Empty when none was named: the one server `OLLAMA_HOST` (or the default address) names.
    public var hosts: [HostSpec]
    public var defaultHost: String?
    public var warnings: [String]
    /// `OLLAMA_API_KEY`, sent only when exactly one host is named without a key of its own (one
    /// key is never sent to several servers).
    public var environmentKey: String?
    /// The MCP servers: the config file's, with `--mcp` ones added (a `--mcp` name replaces the file's).
    public var toolServers: [ToolServerSpec] = []
    /// Seconds a tool call may take (`tool_timeout:`).
    public var toolTimeout: Double?

    public init(hosts: [HostSpec], defaultHost: String? = nil, warnings: [String] = [], environmentKey: String? = nil) {
        self.hosts = hosts
        self.defaultHost = defaultHost
        self.warnings = warnings
        self.environmentKey = environmentKey
    }

    /// Reads the config file (`configPath`, else the default path) and combines it with the
    /// `--host` values. Throws ``ConfigError`` naming the file and line, or the flag.
    public static func resolve(
        hosts arguments: [String], configPath: String?, environment: [String: String], toolServers toolArguments: [String] = []
    ) throws -> Fleet {
        let path = configPath ?? FleetConfig.defaultPath(environment: environment)
        let config = try FleetConfig.load(path: path, environment: environment, mustExist: configPath != nil)
        let hosts: [HostSpec]
        switch HostArgument.resolve(arguments, config: config) {
        case .failure(let error): throw error
        case .success(let resolved): hosts = resolved ?? []
        }
        let defaultHost = config.defaultHost.flatMap { name in hosts.contains { $0.name == name } ? name : nil } ?? hosts.first?.name
        let key = environment["OLLAMA_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        var fleet = Fleet(hosts: hosts, defaultHost: defaultHost, warnings: config.warnings, environmentKey: key)
        fleet.toolServers = config.toolServers
        fleet.toolTimeout = config.toolTimeout
        for argument in toolArguments {
            switch ToolServerArgument.parse(argument) {
            case .failure(let failure): throw ConfigError(path: "--mcp", line: nil, problem: failure.message)
            case .success(let spec):
                fleet.toolServers.removeAll { $0.name == spec.name }
                fleet.toolServers.append(spec)
            }
        }
        return fleet
    }

    /// A host's client configuration.
    public func configuration(for host: HostSpec) -> OllamaClientConfiguration {
        var configuration = host.clientConfiguration()
        if configuration.apiKey == nil, hosts.count == 1 { configuration.apiKey = environmentKey }
        return configuration
    }
}
