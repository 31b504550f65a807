import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which the Glibc module does not export.
@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
func spawnActionsCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32) -> Int32

/// Where `swift build` put the executables (next to the test bundle), or `DECK_E2E_PRODUCTS` (e.g.
/// `.build/release`, to run these tests against the release binaries, linked differently).
enum Products {
    static var directory: URL {
        if let chosen = ProcessInfo.processInfo.environment["DECK_E2E_PRODUCTS"], !chosen.isEmpty {
            return URL(fileURLWithPath: chosen)
        }
        let candidates = [
            Bundle.main.executableURL?.deletingLastPathComponent(),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build/debug"),
        ].compactMap { $0 }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("ollama-deck").path) }
            ?? candidates[0]
    }

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
}

/// Runs a command and returns its standard output.
/// Runs a command (found on PATH) and returns its standard output. Uses posix_spawn and
/// waitpid directly: Foundation's `Process` can miss the exit of a child that starts a daemon
/// (the tmux server) and wait forever. Commands whose output is not needed get no pipe at all, so
/// a daemon they start cannot hold it open.
@discardableResult
func shell(_ arguments: [String], captureOutput: Bool = true) throws -> String {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    var fds: [Int32] = [-1, -1]
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    if captureOutput {
        guard pipe(&fds) == 0 else { throw ShellError.failed("pipe") }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
    } else {
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    }
    // The child gets only 0, 1 and 2: an inherited pipe or socket of a concurrent test would
    // otherwise stay open in it (a reader waits for EOF forever; a server never sees a client close).
    _ = spawnActionsCloseFrom(&actions, 3)
    var pid: pid_t = 0
    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    let status = posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ)
    if captureOutput { close(fds[1]) }
    guard status == 0 else {
        if captureOutput { close(fds[0]) }
        throw ShellError.failed("cannot run \(arguments[0]): \(status)")
    }
    var output = [UInt8]()
    if captureOutput {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(fds[0], &chunk, chunk.count)
            if count <= 0 { break }
            output += chunk[0..<count]
        }
        close(fds[0])
    }
    var exitStatus: Int32 = 0
    while waitpid(pid, &exitStatus, 0) == -1 && errno == EINTR {}
    return String(decoding: output, as: UTF8.self)
}

/// Runs a built product with arguments and environment additions; returns exit status, stdout and stderr.
func runProduct(_ name: String, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil)
    throws -> (status: Int32, stdout: String, stderr: String)
{
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("deck-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out").path
    let err = directory.appendingPathComponent("err").path
    let input = directory.appendingPathComponent("in").path
    try (stdin ?? "").write(toFile: input, atomically: true, encoding: .utf8)
    let exports = environment.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
    let quoted = ([Products.path(name)] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
    let script = "env \(exports) \(quoted.joined(separator: " ")) <'\(input)' >'\(out)' 2>'\(err)'; echo $?"
    let status = Int32(try shell(["sh", "-c", script]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    return (status, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "", (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
}

enum ShellError: Error {
    case failed(String)
}

/// An `ollama-sim` process on loopback, spawned and reaped with posix_spawn/waitpid.
final class SimProcess {
    let pid: pid_t
    let port: Int
    private var stopped = false

    init(port: Int = 0, extraArguments: [String] = []) throws {
        let arguments = [Products.path("ollama-sim"), "--port", String(port), "--token-rate", "200", "--load-ms", "50",
                         "--pull-rate", "2000000000"] + extraArguments
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw HarnessError.simDidNotStart("pipe") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        _ = spawnActionsCloseFrom(&actions, 3)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, arguments[0], &actions, nil, argv, environ)
        close(fds[1])
        guard status == 0 else {
            close(fds[0])
            throw HarnessError.simDidNotStart("posix_spawn: \(status)")
        }
        pid = child
        // First line: "ollama-sim listening on http://127.0.0.1:PORT"
        var line = [UInt8]()
        var byte: UInt8 = 0
        while read(fds[0], &byte, 1) == 1, byte != 0x0A { line.append(byte) }
        close(fds[0])  // the simulator prints nothing more
        let text = String(decoding: line, as: UTF8.self)
        guard let portText = text.split(separator: ":").last, let bound = Int(portText) else {
            kill(child, SIGKILL)
            var ignored: Int32 = 0
            waitpid(child, &ignored, 0)
            throw HarnessError.simDidNotStart(text)
        }
        self.port = bound
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func stop() {
        guard !stopped else { return }
        stopped = true
        kill(pid, SIGTERM)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    }

    deinit { stop() }
}

enum HarnessError: Error {
    case simDidNotStart(String)
}

/// A tmux server of its own (its own socket) running one window of a given size.
final class TmuxSession {
    let socket = "deck-e2e-\(UUID().uuidString.prefix(8))"
    let width: Int
    let height: Int

    /// Starts `command` in a new session; after it exits the shell prints its exit code and
    /// `stty -a`, so tests can check the terminal was restored.
    init(command: String, width: Int = 120, height: Int = 40, environment: [String: String] = [:]) throws {
        self.width = width
        self.height = height
        let exports = environment.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        let script = "env LC_ALL=C.UTF-8 \(exports) \(command); echo EXITED=$?; stty -a; sleep 120"
        try shell(["tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", "main", "-x", String(width),
                   "-y", String(height), script], captureOutput: false)
    }

    func send(_ keys: String...) throws {
        try shell(["tmux", "-L", socket, "send-keys", "-t", "main"] + keys, captureOutput: false)
    }

    /// Types text literally (no key-name lookup).
    func type(_ text: String) throws {
        try shell(["tmux", "-L", socket, "send-keys", "-t", "main", "-l", text], captureOutput: false)
    }

    /// From the Models pane: select llama3.2 (third row), open a chat with it, and send `prompt`.
    func chatWithLlama(_ prompt: String) throws {
        try send("j", "j", "Enter")
        try type(prompt)
        try send("Enter")
    }

    /// Starts copying every byte the program writes to its pty into a new temporary file; the
    /// returned closure reads what was written so far.
    func capturePTY() throws -> () -> Data {
        let path = NSTemporaryDirectory() + "deck-pty-\(UUID().uuidString).bin"
        try pipePane(to: path)
        return { (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data() }
    }

    /// Copies every byte the program writes to its pty into `path`.
    func pipePane(to path: String) throws {
        try shell(["tmux", "-L", socket, "pipe-pane", "-t", "main", "-o", "cat >> '\(path)'"], captureOutput: false)
    }

    /// Puts `text` in tmux's paste buffer.
    func setBuffer(_ text: String) throws {
        try shell(["tmux", "-L", socket, "set-buffer", "--", text], captureOutput: false)
    }

    /// Pastes the buffer as a terminal would: bracketed when the program asked for it.
    func pasteBuffer() throws {
        try shell(["tmux", "-L", socket, "paste-buffer", "-p", "-t", "main"], captureOutput: false)
    }

    func capture() throws -> String {
        try shell(["tmux", "-L", socket, "capture-pane", "-p", "-t", "main"])
    }

    func resize(width: Int, height: Int) throws {
        try shell(["tmux", "-L", socket, "resize-window", "-t", "main", "-x", String(width), "-y", String(height)], captureOutput: false)
    }

    /// The pid of the program running in the pane (the child of the pane's shell).
    func programPID(named name: String) throws -> Int32? {
        let panePID = try shell(["tmux", "-L", socket, "list-panes", "-t", "main", "-F", "#{pane_pid}"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let found = try shell(["pgrep", "-P", panePID, "-f", name]).split(separator: "\n").first
        return found.flatMap { Int32($0) }
    }

    /// Polls the screen until `condition` holds; returns the last capture either way.
    @discardableResult
    func waitFor(timeout: Duration = .seconds(15), _ condition: (String) -> Bool) async throws -> (Bool, String) {
        let deadline = ContinuousClock.now + timeout * Self.timeScale
        var screen = ""
        while ContinuousClock.now < deadline {
            screen = try capture()
            if condition(screen) { return (true, screen) }
            try await Task.sleep(for: .milliseconds(100))
        }
        screen = try capture()
        return (condition(screen), screen)
    }

    /// Sanitizer builds run several times slower: `DECK_E2E_TIME_SCALE=4` stretches every wait.
    static let timeScale: Double = ProcessInfo.processInfo.environment["DECK_E2E_TIME_SCALE"].flatMap(Double.init) ?? 1

    func kill() {
        _ = try? shell(["tmux", "-L", socket, "kill-server"], captureOutput: false)
    }

    deinit { kill() }
}

/// Cells a line takes (CJK and emoji two each), for checking alignment in a capture.
func cellWidth(_ line: Substring) -> Int {
    var total = 0
    for scalar in line.unicodeScalars {
        let v = scalar.value
        if (0x300...0x36F).contains(v) || v == 0xFE0F || v == 0x200D { continue }
        let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v) || (0x1F900...0x1F9FF).contains(v)
            || (0x1F680...0x1F6FF).contains(v) || (0x20000...0x3FFFD).contains(v)
        total += wide ? 2 : 1
    }
    return total
}
