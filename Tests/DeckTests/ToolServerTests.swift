import DeckCore
import DeckTools
import Foundation
import OllamaKit
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The hostile MCP server beside this file (Python, standard library only).
let hostileServer = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/hostile_mcp.py").path

func hostileSpec(_ flags: [String] = []) -> ToolServerSpec {
    ToolServerSpec(name: "hostile", transport: .stdio(command: ["python3", hostileServer] + flags, environment: [:]))
}

/// Whether a process exists (and is not a zombie of ours).
func isAlive(_ pid: pid_t) -> Bool {
    guard kill(pid, 0) == 0 else { return false }
    let status = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
    return !status.contains(") Z ")
}

/// The text of a successful result, or nil.
func resultText(_ outcome: ToolCallOutcome) -> String? {
    if case .result(let text, false) = outcome { return text }
    return nil
}

/// The reason of a failed call, or nil.
func failure(_ outcome: ToolCallOutcome) -> String? {
    if case .failed(let reason) = outcome { return reason }
    return nil
}

/// Collects what a connection reports when its server goes away.
final class Failures: Sendable {
    let reasons = Mutex<[String]>([])
    func add(_ reason: String) { reasons.withLock { $0.append(reason) } }
    var all: [String] { reasons.withLock { $0 } }
}

@Suite("Tool servers: a hostile MCP server never takes the dashboard down", .serialized)
struct ToolServerTests {
    func started(_ flags: [String] = [], failures: Failures = Failures()) async throws -> ToolServerConnection {
        let connection = ToolServerConnection(spec: hostileSpec(flags)) { reason, _ in failures.add(reason) }
        let tools = try await connection.start(timeout: .seconds(20)).get()
        #expect(tools.map(\.name) == ["echo", "crash", "hang", "flood", "escapes", "garbage", "spawn"])
        return connection
    }

    @Test("a call answers through the SDK, arguments as JSON objects")
    func echo() async throws {
        let connection = try await started()
        let outcome = await connection.call("echo", arguments: ["path": .string("台北"), "n": .integer(3)], timeout: .seconds(10))
        #expect(outcome == .result(#"{"n": 3, "path": "\u53f0\u5317"}"#, isError: false))
        await connection.stop()
    }

    @Test("a crash in the middle of a call fails the call with the exit status and stderr, and is reported")
    func crash() async throws {
        let failures = Failures()
        let connection = try await started(failures: failures)
        let outcome = await connection.call("crash", arguments: [:], timeout: .seconds(10))
        let reason = try #require(failure(outcome))
        #expect(reason.contains("exited with status 3"))
        #expect(reason.contains("boom: the hostile server crashed on purpose"))
        #expect(failures.all.first?.contains("exited with status 3") == true)
        // Later calls say the server is gone instead of waiting.
        let after = await connection.call("echo", arguments: [:], timeout: .seconds(10))
        #expect(after == .failed("the tool server stopped: it exited with status 3"))
    }

    @Test("a call that hangs times out; the server still answers the next call")
    func hang() async throws {
        let connection = try await started()
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = await connection.call("hang", arguments: [:], timeout: .milliseconds(500))
        #expect(outcome == .timedOut(0.5))
        #expect(clock.now - start < .seconds(5))
        let next = await connection.call("echo", arguments: ["path": .string("x")], timeout: .seconds(10))
        #expect(next == .result(#"{"path": "x"}"#, isError: false))
        await connection.stop()
    }

    @Test("cancelling a hanging call answers .cancelled at once")
    func cancel() async throws {
        let connection = try await started()
        let task = Task { await connection.call("hang", arguments: [:], timeout: .seconds(60)) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        #expect(await task.value == .cancelled)
        await connection.stop()
    }

    @Test("a 10 MB result arrives whole (the pane cuts it); escape sequences arrive as data, never drawn raw")
    func floodAndEscapes() async throws {
        let connection = try await started()
        let flood = await connection.call("flood", arguments: [:], timeout: .seconds(30))
        let text = try #require(resultText(flood))
        #expect(text.utf8.count == 10 * 1024 * 1024)
        let escapes = await connection.call("escapes", arguments: [:], timeout: .seconds(10))
        #expect(escapes == .result("ok \u{1B}]52;c;cm0gLXJmIH4=\u{07}\u{1B}[2J\u{1B}]0;pwned\u{07}\u{9B}31m done", isError: false))
        await connection.stop()
    }

    @Test("a line that is not JSON-RPC fails the call with what was sent, and the server is stopped")
    func garbage() async throws {
        let failures = Failures()
        let connection = try await started(failures: failures)
        let outcome = await connection.call("garbage", arguments: [:], timeout: .seconds(10))
        let reason = try #require(failure(outcome))
        #expect(reason.contains("it sent something that is not JSON-RPC: <html>definitely not json-rpc</html>"))
        #expect(failures.all.count == 1)
    }

    @Test("a server that answers initialize with garbage does not start, with the reason")
    func badInit() async {
        let connection = ToolServerConnection(spec: hostileSpec(["--bad-init"])) { _, _ in }
        let result = await connection.start(timeout: .seconds(20))
        #expect(result == .failure(ToolFailure("it sent something that is not JSON-RPC: hello, I am not JSON-RPC")))
    }

    @Test("a command that does not exist fails to start with its name")
    func missingCommand() async {
        let spec = ToolServerSpec(name: "nope", transport: .stdio(command: ["no-such-mcp-server-here"], environment: [:]))
        let connection = ToolServerConnection(spec: spec) { _, _ in }
        #expect(await connection.start(timeout: .seconds(5)) == .failure(ToolFailure("command not found: no-such-mcp-server-here")))
    }

    @Test("stop ends the server's whole process group, even a server that ignores SIGTERM and stdin")
    func stopKillsGroup() async throws {
        let connection = try await started(["--stubborn"])
        let path = NSTemporaryDirectory() + "deck-grandchild-\(getpid()).pid"
        let outcome = await connection.call("spawn", arguments: ["path": .string(path)], timeout: .seconds(10))
        let text = try #require(resultText(outcome))
        let grandchild = try #require(pid_t(try String(contentsOfFile: path, encoding: .utf8)))
        #expect(text == "spawned \(grandchild)")
        #expect(isAlive(grandchild))
        await connection.stop(grace: .milliseconds(300))
        var gone = false
        for _ in 0..<50 where !gone {
            gone = !isAlive(grandchild)
            if !gone { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(gone)
        try? FileManager.default.removeItem(atPath: path)
    }
}
