import DeckCore
import Foundation
import MCP
import OllamaKit
import Synchronization


/// One MCP server, started, listed and called through the SDK's `Client`. Every wait is bounded:
/// starting, listing and each call have a time limit, and a server that exits or breaks the
/// protocol fails what was waiting on it with the reason.
public actor ToolServerConnection {
    public let spec: ToolServerSpec
    private var client: Client?
    private var process: ChildProcess?
    /// Why the server went away, once it did.
    private var gone: String?
    /// Told when a started server goes away on its own (reason, stderr).
    private let onFailure: @Sendable (String, String) -> Void

    public init(spec: ToolServerSpec, onFailure: @escaping @Sendable (String, String) -> Void) {
        self.spec = spec
        self.onFailure = onFailure
    }

    /// What the server last wrote to stderr.
    public var stderrText: String { process?.stderrText ?? "" }

    /// Starts the server and lists its tools, within `timeout`.
    public func start(timeout: Duration) async -> Result<[ToolInfo], ToolFailure> {
        await stop(grace: .milliseconds(500))
        gone = nil
        let client = Client(name: "ollama-deck", version: DeckVersion.current)
        let transport: any Transport
        switch spec.transport {
        case .stdio(let command, let environment):
            let process: ChildProcess
            do {
                process = try ChildProcess.spawn(command, environment: environment)
            } catch {
                return .failure(error)
            }
            self.process = process
            transport = ProcessTransport(process: process) { [weak self] reason in
                Task { await self?.transportEnded(reason) }
            }
        case .http(let url, let headers):
            guard let endpoint = URL(string: url), endpoint.scheme == "http" || endpoint.scheme == "https" else {
                return .failure(ToolFailure("not an http(s) URL: \(url)"))
            }
            transport = StreamableHTTPTransport(endpoint: url, headers: headers)
        }
        self.client = client
        let answer = FirstAnswer<Result<[ToolInfo], ToolFailure>>()
        let work = Task {
            do {
                try await client.connect(transport: transport)
                var tools: [ToolInfo] = []
                var cursor: String?
                // A server that pages forever is cut off after 20 pages.
                for _ in 0..<20 {
                    let page = try await client.listTools(cursor: cursor)
                    tools += page.tools.map(Self.info)
                    cursor = page.nextCursor
                    if cursor == nil { break }
                }
                answer.answer(.success(tools))
            } catch {
                answer.answer(.failure(ToolFailure(self.explain(error))))
            }
        }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            answer.answer(.failure(ToolFailure("no answer within \(timeout.components.seconds) s")))
        }
        let result = await answer.wait()
        timer.cancel()
        if case .failure = result {
            let stderr = stderrText
            await client.disconnect()
            work.cancel()
            await stop(grace: .milliseconds(200))
            if !stderr.isEmpty, case .failure(let failure) = result {
                return .failure(ToolFailure(failure.message + " — stderr: " + Self.lastLine(stderr)))
            }
        }
        return result
    }

    /// Calls `tool` with `arguments`; the answer within `timeout`, or why there is none. Cancelling
    /// the calling task cancels the call (the server is told).
    public func call(_ tool: String, arguments: [String: JSONValue], timeout: Duration) async -> ToolCallOutcome {
        guard let client, gone == nil else { return .failed(gone.map { "the tool server stopped: \($0)" } ?? "the tool server is not running") }
        let context: RequestContext<CallTool.Result>
        do {
            context = try await client.callTool(name: tool, arguments: arguments.mapValues(Self.value))
        } catch {
            return .failed(explain(error))
        }
        let answer = FirstAnswer<ToolCallOutcome>()
        let work = Task {
            do {
                let result = try await context.value
                answer.answer(.result(Self.text(of: result.content), isError: result.isError ?? false))
            } catch {
                answer.answer(.failed(self.explain(error)))
            }
        }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled { answer.answer(.timedOut(Self.seconds(timeout))) }
        }
        let outcome = await withTaskCancellationHandler {
            await answer.wait()
        } onCancel: {
            answer.answer(.cancelled)
        }
        timer.cancel()
        if case .result = outcome {} else {
            // Tell the server; this also ends the SDK's wait for the answer.
            try? await client.cancelRequest(context.requestID, reason: "cancelled by the user or timed out")
        }
        _ = work
        return outcome
    }

    /// Stops the server (process group included) and forgets it.
    public func stop(grace: Duration = .seconds(2)) async {
        let client = self.client
        let process = self.process
        self.client = nil
        self.process = nil
        if gone == nil { gone = "stopped" }
        await client?.disconnect()
        await process?.stop(grace: grace)
    }

    /// The transport ended: the server exited or broke the protocol. Waiting calls fail with why.
    private func transportEnded(_ reason: String) async {
        guard gone == nil, let process else { return }
        var why = reason
        if let status = await process.waitForExit(.milliseconds(500)) {
            why = "it \(ChildProcess.describe(status: status))"
        } else {
            // Still running after breaking the protocol: it is not trusted to go on.
            process.killNow()
        }
        gone = why
        // Reported before the waiting calls fail, so the server shows as failed by the time they do.
        onFailure(why, process.stderrText)
        await client?.disconnect()
    }

    /// An error in words, preferring why the server went away.
    private func explain(_ error: any Error) -> String {
        if let gone { return gone + (stderrText.isEmpty ? "" : " — stderr: " + Self.lastLine(stderrText)) }
        if let failure = error as? ToolFailure { return failure.message }
        if let mcp = error as? MCPError {
            return mcp.errorDescription ?? String(describing: mcp)
        }
        return String(describing: error)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func lastLine(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).last.map(String.init) ?? text
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }

    /// A tool as the dashboard keeps it: its schema as JSON.
    static func info(_ tool: MCP.Tool) -> ToolInfo {
        let schema = (try? JSONEncoder().encode(tool.inputSchema)).flatMap { try? JSONDecoder().decode(JSONValue.self, from: $0) }
        return ToolInfo(name: tool.name, description: tool.description ?? tool.title ?? "",
                        parameters: schema ?? .object(["type": .string("object"), "properties": .object([:])]))
    }

    /// A call's content as text for the model and the transcript: text as it is, other kinds named.
    static func text(of content: [MCP.Tool.Content]) -> String {
        content.map { item in
            switch item {
            case .text(let text, _, _): return text
            case .image(let data, let mimeType, _, _): return "[image \(mimeType), \(data.count * 3 / 4) bytes]"
            case .audio(let data, let mimeType, _, _): return "[audio \(mimeType), \(data.count * 3 / 4) bytes]"
            case .resource(let resource, _, _):
                if let text = resource.text { return text }
                return "[resource \(resource.uri)]"
            case .resourceLink(let uri, let name, _, _, _, _): return "[link \(name): \(uri)]"
            }
        }.joined(separator: "\n")
    }

    /// Arguments as the SDK's JSON values.
    static func value(_ json: JSONValue) -> Value {
        switch json {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .integer(let value): return .int(Int(clamping: value))
        case .number(let value): return .double(value)
        case .string(let value): return .string(value)
        case .array(let values): return .array(values.map(value))
        case .object(let members): return .object(members.mapValues(value))
        }
    }
}

/// The first of several answers (a result, a timeout, a cancellation); later ones are dropped.
final class FirstAnswer<T: Sendable>: Sendable {
    private let state = Mutex<(waiter: CheckedContinuation<T, Never>?, value: T?)>((nil, nil))

    func answer(_ value: T) {
        let waiter: CheckedContinuation<T, Never>? = state.withLock { state in
            guard state.value == nil else { return nil }
            state.value = value
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: value)
    }

    func wait() async -> T {
        await withCheckedContinuation { continuation in
            let ready: T? = state.withLock { state in
                if let value = state.value { return value }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
