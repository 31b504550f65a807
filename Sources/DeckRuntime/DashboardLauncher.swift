#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DeckCore
import Dispatch
import DeckStore
import OllamaKit
import OllamaSim
import TermCurses

#if canImport(Glibc)
import Glibc
#endif

/// A server of a fleet: its name and how its client reaches it (keys and headers included).
public struct DashboardHost: Sendable {
    public var name: String
    public var configuration: OllamaClientConfiguration

    public init(name: String, configuration: OllamaClientConfiguration) {
        self.name = name
        self.configuration = configuration
    }
}

/// How the dashboard was asked to start.
public struct DashboardOptions: Sendable {
    /// MCP servers whose tools chat panes offer (`--mcp`, `mcp:`), and how long a call may take.
    public var toolServers: [ToolServerSpec] = []
    public var toolTimeout: Double = 60
    /// `--host`, overriding `OLLAMA_HOST` (one server).
    public var host: String?
    /// Named servers (from several `--host NAME=URL` or the config file); when not empty, `host` is
    /// not used and no demo is offered.
    public var hosts: [DashboardHost] = []
    /// The host new chats and pulls go to (the first when nil).
    public var defaultHost: String?
    /// Said on the status line at start (a config file others can read).
    public var warnings: [String] = []
    /// Start the built-in simulator and connect to it.
    public var demo = false
    /// Extra headers for every request.
    public var headers: [OllamaClientConfiguration.HeaderField] = []
    /// Colours off (also when `NO_COLOR` is set).
    public var noColor = false
    /// Where stderr goes while the screen is active.
    public var logFile: String?
    /// Seconds without progress before a pull is marked stalled.
    public var stallSeconds: Double = 30
    /// Time allowed for a request other than a streamed reply (a server that accepts and never answers).
    public var requestTimeout: Duration = .seconds(30)
    /// The chat store; nil uses `$XDG_DATA_HOME/ollama-deck/chats.sqlite`.
    public var storePath: String?
    public var environment: [String: String] = ProcessInfo.processInfo.environment

    public init() {}

    /// Seconds from the command line as a duration; anything past about 30 years (1e10 included,
    /// or infinity) means "no limit to speak of" rather than a crash.
    public static func duration(seconds: Double) -> Duration {
        guard seconds.isFinite, seconds < 1e9 else { return .seconds(1_000_000_000) }
        return .milliseconds(Int64(max(0, seconds) * 1000))
    }
}

/// Starts the dashboard: locale, server probe (falling back to the built-in demo), signals,
/// curses, the loop, and restoring everything afterwards, whatever happens.
public enum DashboardLauncher {
    /// The simulator settings the demo uses: live-looking token and download rates.
    public static var demoConfiguration: SimConfiguration {
        var configuration = SimConfiguration()
        configuration.tokensPerSecond = 40
        configuration.pullBytesPerSecond = 120_000_000
        configuration.loadDelay = .milliseconds(600)
        return configuration
    }

    /// Runs the dashboard; returns the process exit code.
    public static func run(_ options: DashboardOptions) async -> Int32 {
        ensureUTF8Locale()
        if !options.hosts.isEmpty { return await runFleet(options) }
        var configuration = OllamaClientConfiguration.fromEnvironment(
            explicitHost: options.host, environment: options.environment)
        configuration.headers += options.headers
        configuration.requestTimeout = options.requestTimeout
        // --request-timeout bounds every request but a streamed reply: loads and embeds too.
        configuration.generationTimeout = options.requestTimeout
        // A line that is not JSON is skipped with a notice; the reply goes on.
        configuration.skipsMalformedLines = true
        let namedHost = options.host != nil || !(options.environment["OLLAMA_HOST"] ?? "").isEmpty
        var demoServer: SimServer?
        var notice: String?

        if options.demo {
            demoServer = try? await SimServer.start(configuration: demoConfiguration)
        } else if !namedHost, !(await reachable(configuration)) {
            // Nothing at the default address and none named: show the built-in demo.
            demoServer = try? await SimServer.start(configuration: demoConfiguration)
            if demoServer != nil { notice = "no Ollama at \(configuration.host) — showing the built-in demo" }
        }
        if let demoServer {
            configuration.host = OllamaHost.resolve(demoServer.baseURL)
        }
        let client = OllamaClient(configuration: configuration)

        let inbox = Inbox()
        // Opening SQLite and reading the open chats block: off the event loop this task runs on.
        let (store, openProblem) = await offEventLoop { openStore(options) }
        let runner = EffectRunner(inbox: inbox, client: client, demoConfiguration: demoConfiguration, store: store,
                                  toolServers: options.toolServers)
        let state = AppState(
            host: configuration.host.description, now: Date(), isDemo: demoServer != nil,
            canOfferDemo: demoServer == nil && !namedHost)
        return await runDashboard(options, state: state, runner: runner, inbox: inbox, store: store, storeProblem: openProblem,
                                  notice: notice, demoServer: demoServer)
    }

    /// Several named servers: one client each (with its own key and headers), no probe, no demo.
    static func runFleet(_ options: DashboardOptions) async -> Int32 {
        var clients: [String: OllamaClient] = [:]
        // One HTTP client for the fleet: the first host's client owns it, the others share it.
        var owner: OllamaClient?
        for host in options.hosts {
            var configuration = host.configuration
            configuration.headers += options.headers
            configuration.requestTimeout = options.requestTimeout
            configuration.generationTimeout = options.requestTimeout
            configuration.skipsMalformedLines = true
            let client = owner?.sibling(configuration: configuration) ?? OllamaClient(configuration: configuration)
            if owner == nil { owner = client }
            clients[host.name] = client
        }
        let inbox = Inbox()
        let (store, openProblem) = await offEventLoop { openStore(options) }
        let runner = EffectRunner(inbox: inbox, clients: clients, demoConfiguration: demoConfiguration, store: store,
                                  toolServers: options.toolServers)
        let endpoints = options.hosts.map { HostEndpoint(name: $0.name, url: $0.configuration.host.description) }
        let state = AppState(hosts: endpoints, defaultHost: options.defaultHost, now: Date())
        return await runDashboard(options, state: state, runner: runner, inbox: inbox, store: store, storeProblem: openProblem,
                                  notice: options.warnings.first, demoServer: nil)
    }

    /// The part every dashboard shares: open chats, signals, curses, the loop, and restoring it all.
    static func runDashboard(
        _ options: DashboardOptions, state initial: AppState, runner: EffectRunner, inbox: Inbox, store: ChatStore?,
        storeProblem openProblem: String?, notice: String?, demoServer: SimServer?
    ) async -> Int32 {
        var state = initial
        state.utcOffsetSeconds = localUTCOffset()
        state.stallSeconds = options.stallSeconds
        state.tools = ToolsState(servers: options.toolServers.map(\.initialState))
        state.tools.callTimeout = options.toolTimeout
        state.sessionKeySalt = String(UInt32.random(in: 0...UInt32.max), radix: 36) + "-"
        if let notice {
            state.notice = notice
            state.noticeAt = state.now
        }
        var storeProblem = openProblem
        if let store {
            do {
                let (records, problems) = try await offEventLoop { try store.openSessions() }
                restoreSessions(&state, records)
                if let first = problems.first {
                    state.notice = problems.count == 1 ? first : "\(first) (and \(problems.count - 1) more)"
                    state.noticeAt = state.now
                }
            } catch {
                storeProblem = "the open chats could not be read back: \(StoreFailure.explain(error))"
            }
        }
        if let storeProblem {
            state.notice = "chat history unavailable: \(storeProblem) — chats go on without it"
            state.noticeAt = state.now
        }

        let signals = SignalWatcher(inbox: inbox)
        let logPath = options.logFile ?? defaultLogPath(options.environment)
        let useColor = !options.noColor && (options.environment["NO_COLOR"] ?? "").isEmpty
        let initialState = state
        // Every curses call, from start to restore, happens on this one thread.
        let terminalFailure = await DedicatedThread.run(name: "deck-ui") { () -> String? in
            let terminal: CursesTerminal
            do {
                terminal = try CursesTerminal(useColor: useColor)
            } catch {
                return String(describing: error)
            }
            let savedStderr = redirectStderr(to: logPath)
            installTerminalCrashGuard(message: "ollama-deck crashed; the terminal was restored. Details: \(logPath)")
            DeckLoop(state: initialState, terminal: terminal, inbox: inbox, runner: runner).run()
            terminal.restore()
            restoreStderr(savedStderr)
            return nil
        }

        if terminalFailure == nil { await runner.flushStore() }
        signals.stop()
        await runner.shutdown()
        await demoServer?.stop()
        if let terminalFailure {
            printError("ollama-deck: \(terminalFailure)")
            return 1
        }
        return 0
    }

    /// Runs blocking work (SQLite, files) on a dispatch thread and waits for it without blocking the
    /// caller's thread, which may be one of the network's event loops.
    static func offEventLoop<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }

    static func offEventLoop<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: body()) }
        }
    }

    /// Opens the chat store, creating its folder; a failure leaves the dashboard without history.
    static func openStore(_ options: DashboardOptions) -> (ChatStore?, String?) {
        let path = options.storePath ?? ChatStore.defaultPath(environment: options.environment)
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        if !directory.isEmpty { makeDirectories(directory) }
        do {
            return (try ChatStore(path: path), nil)
        } catch {
            return (nil, "\(path): \(StoreFailure.explain(error))")
        }
    }

    static func makeDirectories(_ path: String) {
        var current = ""
        for part in path.split(separator: "/") {
            current += "/" + part
            _ = mkdir(current, 0o755)
        }
    }

    /// A quick check that something answers at the configured host.
    static func reachable(_ configuration: OllamaClientConfiguration) async -> Bool {
        var probe = configuration
        probe.connectTimeout = .milliseconds(800)
        probe.requestTimeout = .milliseconds(1500)
        let client = OllamaClient(configuration: probe)
        defer { Task.detached { try? await client.shutdown() } }
        do {
            try await client.heartbeat()
            return true
        } catch {
            return false
        }
    }

    /// Uses the environment's locale, falling back to C.UTF-8 when it is not UTF-8 (wide
    /// characters would otherwise draw blank).
    public static func ensureUTF8Locale() {
        setlocale(LC_ALL, "")
        let codeset = String(cString: nl_langinfo(nl_item(CODESET)))
        if codeset.uppercased().replacingHyphens() != "UTF8" {
            setlocale(LC_CTYPE, "C.UTF-8")
        }
    }

    static func defaultLogPath(_ environment: [String: String]) -> String {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"].map { $0 + "/.local/state" } ?? "/tmp")
        let directory = base + "/ollama-deck"
        _ = mkdir(base, 0o755)
        _ = mkdir(directory, 0o755)
        return directory + "/ollama-deck.log"
    }

    static func redirectStderr(to path: String) -> Int32 {
        let saved = dup(2)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if fd >= 0 {
            dup2(fd, 2)
            close(fd)
        }
        return saved
    }

    static func restoreStderr(_ saved: Int32) {
        guard saved >= 0 else { return }
        dup2(saved, 2)
        close(saved)
    }

    static func localUTCOffset() -> Int {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        return parts.tm_gmtoff
    }

    static func printError(_ text: String) {
        var bytes = Array((text + "\n").utf8)
        _ = write(2, &bytes, bytes.count)
    }
}

extension String {
    func replacingHyphens() -> String { String(filter { $0 != "-" }) }
}
