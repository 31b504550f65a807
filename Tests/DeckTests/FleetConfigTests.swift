import Foundation
import DeckConfig
import OllamaKit
import Testing

@Suite("Fleet: config file and --host values")
struct FleetConfigTests {
    let environment = ["RENTED_KEY": "sk-secret-123"]

    @Test("hosts by name, as a URL or with url, api_key_env and headers; default names one")
    func validConfig() throws {
        let text = """
            # my fleet
            default: closet
            hosts:
              workstation: http://127.0.0.1:11434
              closet:
                url: 192.168.1.20:11434
              rented:
                url: https://gpu.example.com/ollama
                api_key_env: RENTED_KEY
                headers:
                  X-Team: research
            """
        let config = try FleetConfig.parse(text, path: "c.yaml", environment: environment)
        #expect(config.hosts.map(\.name) == ["workstation", "closet", "rented"])
        #expect(config.defaultHost == "closet")
        let rented = try #require(config.hosts.last)
        #expect(rented.apiKey == "sk-secret-123")
        #expect(rented.apiKeyFromFile == false)
        #expect(rented.headers == [.init(name: "X-Team", value: "research")])
        #expect(rented.resolvedURL == "https://gpu.example.com:443/ollama")
        // Secrets never appear in a host's description.
        #expect(!rented.description.contains("sk-secret"))
        #expect(!rented.description.contains("research"))
        let configuration = rented.clientConfiguration()
        #expect(configuration.apiKey == "sk-secret-123")
    }

    @Test("each mistake names the file, the line and what is wrong", arguments: [
        ("hosts:\n  a: http://x:1\n  b: [1, 2\n", 3, "not valid YAML"),
        ("hosts:\n  a: http://x:1\ncolour: blue\n", 3, "unknown setting 'colour'"),
        ("hosts:\n  a:\n    url: http://x:1\n    port: 3\n", 4, "unknown setting 'port'"),
        ("hosts:\n  a:\n    api_key: k\n", 2, "url: is missing"),
        ("hosts:\n  a:\n    url: http://x:1\n    api_key_env: NOPE\n", 4, "NOPE is not set"),
        ("default: z\nhosts:\n  a: http://x:1\n", 1, "no host named 'z'"),
        ("hosts:\n  a: ftp://x:1\n", 2, "'ftp://' is not http:// or https://"),
        ("hosts:\n  bad name!: http://x:1\n", 2, "letters, digits"),
        ("hosts:\n  - http://x:1\n", 2, "not a list with dashes"),
        ("hosts:\n  a: http://x:1\n  a: http://y:1\n", 3, "a key is given twice"),
    ])
    func badConfig(text: String, line: Int, words: String) {
        #expect {
            try FleetConfig.parse(text, path: "/home/me/.config/ollama-deck/config.yaml", environment: [:])
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.line == line && error.problem.contains(words)
                && error.description.hasPrefix("/home/me/.config/ollama-deck/config.yaml:\(line): ")
        }
    }

    @Test("a file others can read: refused when it holds a key or headers, warned about otherwise")
    func permissions() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("deck-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("config.yaml").path
        try "hosts:\n  a:\n    url: http://x:1\n    api_key: sk-1\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o644)
        #expect(throws: ConfigError.self) { try FleetConfig.load(path: path, environment: [:]) }
        do {
            _ = try FleetConfig.load(path: path, environment: [:])
        } catch let error as ConfigError {
            #expect(error.problem.contains("chmod 600"))
            #expect(!error.description.contains("sk-1"))
        }
        chmod(path, 0o600)
        #expect(try FleetConfig.load(path: path, environment: [:]).hosts.first?.apiKey == "sk-1")
        try "hosts:\n  a: http://x:1\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o644)
        let open = try FleetConfig.load(path: path, environment: [:])
        #expect(open.hosts.count == 1)
        #expect(open.warnings.first?.contains("readable by other users") == true)
        // A missing default file is an empty config; a named one that is missing is an error.
        #expect(try FleetConfig.load(path: directory.path + "/none.yaml", environment: [:]).hosts.isEmpty)
        #expect(throws: ConfigError.self) { try FleetConfig.load(path: directory.path + "/none.yaml", environment: [:], mustExist: true) }
        // config.toml beside it gets a clear word instead of being ignored.
        try "x = 1\n".write(toFile: directory.path + "/other.toml", atomically: true, encoding: .utf8)
        #expect(throws: ConfigError.self) { try FleetConfig.load(path: directory.path + "/other.yaml", environment: [:]) }
    }

    @Test("--host: URL or NAME=URL or a config name; two hosts may not share a name")
    func hostArguments() throws {
        let config = try FleetConfig.parse("hosts:\n  closet:\n    url: http://10.0.0.2:11434\n    api_key: k\n", path: "c", environment: [:])
        let resolved = try HostArgument.resolve(["http://gpu-box:11434", "lab=127.0.0.1:11500", "closet"], config: config).get()
        #expect(resolved?.map(\.name) == ["gpu-box", "lab", "closet"])
        #expect(resolved?[1].resolvedURL == "http://127.0.0.1:11500")
        #expect(resolved?[2].apiKey == "k")
        // A config name given a new URL keeps its key.
        let moved = try HostArgument.resolve(["closet=http://10.0.0.9:11434"], config: config).get()
        #expect(moved?.first?.apiKey == "k")
        #expect(moved?.first?.resolvedURL == "http://10.0.0.9:11434")
        if case .failure(let error) = HostArgument.resolve(["http://a:1", "http://a:1"], config: FleetConfig()) {
            #expect(error.problem.contains("two hosts are named 'a:1'"))
        } else {
            Issue.record("two hosts with one name were accepted")
        }
        if case .failure(let error) = HostArgument.resolve(["gpu=ftp://x"], config: FleetConfig()) {
            #expect(error.problem.contains("not http://"))
        } else {
            Issue.record("ftp was accepted")
        }
        // No flag: the config file's hosts; neither: nil (one server from OLLAMA_HOST).
        #expect(try HostArgument.resolve([], config: config).get()?.map(\.name) == ["closet"])
        #expect(try HostArgument.resolve([], config: FleetConfig()).get() == nil)
    }

    @Test("OLLAMA_API_KEY goes to a single named host, never to several")
    func environmentKey() throws {
        let one = try Fleet.resolve(hosts: ["http://a:1"], configPath: nil, environment: ["OLLAMA_API_KEY": "env-key", "HOME": "/nonexistent"])
        #expect(one.configuration(for: one.hosts[0]).apiKey == "env-key")
        let two = try Fleet.resolve(hosts: ["a=http://a:1", "b=http://b:1"], configPath: nil,
                                    environment: ["OLLAMA_API_KEY": "env-key", "HOME": "/nonexistent"])
        #expect(two.hosts.allSatisfy { two.configuration(for: $0).apiKey == nil })
    }
}
