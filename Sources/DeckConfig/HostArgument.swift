import DeckCore
import Foundation
import OllamaKit

/// `--host` values: `URL` or `NAME=URL`, and how they combine with the config file.
public enum HostArgument {
    /// Parses one `--host` value. A bare URL is named after its host part (`gpu-box`,
    /// `127.0.0.1:11500`); a bare name that the config file names means that host.
    public static func parse(_ text: String, config: FleetConfig) -> Result<HostSpec, ConfigError> {
        let value = String(text.trimmingCharacters(in: .whitespaces))
        if value.isEmpty { return .failure(problem("--host: give a URL or NAME=URL")) }
        if let known = config.hosts.first(where: { $0.name == value }) { return .success(known) }
        if let equals = value.firstIndex(of: "="), !value[..<equals].contains("/"), !value[..<equals].contains(":") {
            let name = String(value[..<equals])
            let url = String(value[value.index(after: equals)...])
            if let problem = nameProblem(name) { return .failure(Self.problem("--host \(value): \(problem)")) }
            if let problem = urlProblem(url) { return .failure(Self.problem("--host \(value): \(problem)")) }
            // A name the config knows keeps its key and headers, at the URL given here.
            var spec = config.hosts.first { $0.name == name } ?? HostSpec(name: name, url: url)
            spec.url = url
            return .success(spec)
        }
        if let problem = urlProblem(value) { return .failure(Self.problem("--host \(value): \(problem)")) }
        return .success(HostSpec(name: HostEndpoint.defaultName(for: OllamaHost.resolve(value).description), url: value))
    }

    /// The hosts to use: the `--host` values when any are given, else the config file's hosts,
    /// else nil (one host from `OLLAMA_HOST`, as before fleets). Names must differ.
    public static func resolve(_ arguments: [String], config: FleetConfig) -> Result<[HostSpec]?, ConfigError> {
        if arguments.isEmpty { return .success(config.hosts.isEmpty ? nil : config.hosts) }
        var hosts: [HostSpec] = []
        for argument in arguments {
            switch parse(argument, config: config) {
            case .failure(let error): return .failure(error)
            case .success(let spec):
                if hosts.contains(where: { $0.name == spec.name }) {
                    return .failure(problem("--host: two hosts are named '\(spec.name)': name them, e.g. --host gpu=\(spec.url)"))
                }
                hosts.append(spec)
            }
        }
        return .success(hosts)
    }

    /// Why a host name cannot be used, or nil.
    public static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "a host needs a name" }
        if name.count > 32 { return "a host name has at most 32 characters" }
        let allowed = { (c: Character) in c.isASCII && (c.isLetter || c.isNumber || "._-:".contains(c)) }
        if !name.allSatisfy(allowed) { return "a host name has letters, digits and . _ - only" }
        return nil
    }

    /// Why a URL cannot be used, or nil (the `OLLAMA_HOST` rules accept most things).
    public static func urlProblem(_ url: String) -> String? {
        if url.isEmpty { return "give a URL such as http://192.168.1.20:11434" }
        if url.contains(" ") { return "a URL has no spaces" }
        if let scheme = url.firstRange(of: "://") {
            let name = url[..<scheme.lowerBound].lowercased()
            if name != "http" && name != "https" { return "'\(name)://' is not http:// or https://" }
        }
        let host = OllamaHost.resolve(url)
        if host.description.isEmpty { return "not a URL" }
        return nil
    }

    static func problem(_ text: String) -> ConfigError { ConfigError(path: "command line", line: nil, problem: text) }
}
