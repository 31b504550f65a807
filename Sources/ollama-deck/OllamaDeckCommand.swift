import ArgumentParser
import DeckConfig
import Foundation
import DeckCore
import DeckRuntime
import OllamaKit

/// The command line; `main.swift` runs it.
struct OllamaDeckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ollama-deck",
        abstract: "A terminal dashboard for Ollama: installed and running models, pulls, and streaming chat.",
        version: DeckVersion.current,
        subcommands: [
            DashboardCommand.self, ListCommand.self, PsCommand.self, PullCommand.self, RemoveCommand.self,
            ShowCommand.self, CopyCommand.self,
        ],
        defaultSubcommand: DashboardCommand.self)

    /// What `@main` would run. (In `main.swift`, `main()` resolves to the synchronous overload,
    /// which prints help instead of running an async subcommand.)
    static func start() async {
        await main(nil)
    }
}

/// `ollama-deck` with no subcommand: the full-screen dashboard.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Open the full-screen dashboard (the default).",
        discussion: """
            The server is OLLAMA_HOST (as the ollama CLI reads it) unless --host names one. With neither set and
            nothing answering at http://127.0.0.1:11434, the dashboard opens on the built-in simulator (demo).
            OLLAMA_API_KEY, if set, is sent as a bearer token (to a single server).

            Several servers: --host NAME=URL, repeated, or the hosts of the config file
            ($XDG_CONFIG_HOME/ollama-deck/config.yaml), each with its own API key and headers.
            """)

    /// `--host` (repeatable), `--config` and `-H`, as the headless commands take them.
    @OptionGroup var server: ServerOptions

    @Flag(help: "Start the built-in simulated server and connect to it.")
    var demo = false

    @Flag(name: .customLong("no-color"), help: "Monochrome (also when NO_COLOR is set).")
    var noColor = false

    @Option(name: .customLong("log-file"), help: "Where stderr goes while the screen is active.")
    var logFile: String?

    @Option(name: .customLong("stall-seconds"), help: "Seconds without progress before a pull is marked stalled.")
    var stallSeconds: Double = 30

    @Option(name: .customLong("request-timeout"), help: "Seconds a request (other than a streamed reply) may take before it fails with a message.")
    var requestTimeout: Double = 30

    @Option(name: .customLong("chat-store"), help: "The chat history database (default: $XDG_DATA_HOME/ollama-deck/chats.sqlite).")
    var chatStore: String?

    @Option(name: .customLong("mcp"), help: ArgumentHelp(
        "An MCP tool server: NAME=COMMAND [ARGS…] in one quoted value (split as a shell would, no shell runs), or NAME=URL for Streamable HTTP (repeatable).",
        valueName: "NAME=COMMAND"))
    var toolServers: [String] = []

    @Option(name: .customLong("tool-timeout"), help: "Seconds a tool call may take before it counts as failed (default 60, or tool_timeout: in the config file).")
    var toolTimeout: Double?

    func validate() throws {
        if demo, !server.hosts.isEmpty { throw ValidationError("--demo and --host cannot be used together") }
        if stallSeconds <= 0 { throw ValidationError("--stall-seconds must be positive") }
        if !(requestTimeout > 0) { throw ValidationError("--request-timeout must be a positive number of seconds") }
        if !stallSeconds.isFinite { throw ValidationError("--stall-seconds must be a number of seconds") }
        if let toolTimeout, !(toolTimeout > 0 && toolTimeout.isFinite) { throw ValidationError("--tool-timeout must be a positive number of seconds") }
    }

    func run() async throws {
        var options = DashboardOptions()
        // A bad config file, --host or --mcp ends here, with its message: never half a config.
        let fleet = try server.fleet(toolServers: toolServers)
        if !demo {
            options.hosts = fleet.hosts.map { DashboardHost(name: $0.name, configuration: fleet.configuration(for: $0)) }
            options.defaultHost = fleet.defaultHost
            options.warnings = fleet.warnings
        }
        options.toolServers = fleet.toolServers
        options.toolTimeout = toolTimeout ?? fleet.toolTimeout ?? 60
        options.demo = demo
        options.headers = server.extraHeaders
        options.noColor = noColor
        options.logFile = logFile
        options.storePath = chatStore
        options.stallSeconds = stallSeconds
        options.requestTimeout = DashboardOptions.duration(seconds: requestTimeout)
        let code = await DashboardLauncher.run(options)
        if code != 0 { throw ExitCode(code) }
    }
}
