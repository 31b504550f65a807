import CProcess
import DeckCore
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A tool server's process: started in a process group of its own with pipes on its stdin,
/// stdout and stderr, read by two threads of its own (blocking reads, no polling), and stopped
/// the way the MCP specification asks — stdin closed, then SIGTERM to the group, then SIGKILL.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    private let input: Int32
    private let output: Int32
    private let errors: Int32
    /// The exit status once reaped; nil while it runs.
    private let exit = Mutex<Int32?>(nil)
    private let inputOpen = Mutex(true)
    /// The last bytes it wrote to stderr.
    private let stderrTail = Mutex<[UInt8]>([])
    static let stderrKept = 4096

    private init(pid: pid_t, input: Int32, output: Int32, errors: Int32) {
        self.pid = pid
        self.input = input
        self.output = output
        self.errors = errors
    }

    /// Starts `command` (looked up on PATH) with `environment` added to the dashboard's own.
    public static func spawn(_ command: [String], environment: [String: String]) throws(ToolFailure) -> ChildProcess {
        guard let program = command.first, !program.isEmpty else { throw ToolFailure("no command given") }
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        var stdinPipe: [Int32] = [0, 0]
        var stdoutPipe: [Int32] = [0, 0]
        var stderrPipe: [Int32] = [0, 0]
        guard cprocess_pipe(&stdinPipe) == 0 else { throw ToolFailure("no pipe: \(String(cString: strerror(errno)))") }
        guard cprocess_pipe(&stdoutPipe) == 0 else {
            close(stdinPipe[0]); close(stdinPipe[1])
            throw ToolFailure("no pipe: \(String(cString: strerror(errno)))")
        }
        guard cprocess_pipe(&stderrPipe) == 0 else {
            for fd in stdinPipe + stdoutPipe { close(fd) }
            throw ToolFailure("no pipe: \(String(cString: strerror(errno)))")
        }
        var spawnErrno: Int32 = 0
        let pid = withCStrings(command) { argv in
            withCStrings(merged.map { "\($0.key)=\($0.value)" }) { envp in
                cprocess_spawn(argv, envp, stdinPipe[0], stdoutPipe[1], stderrPipe[1], &spawnErrno)
            }
        }
        close(stdinPipe[0])
        close(stdoutPipe[1])
        close(stderrPipe[1])
        guard pid > 0 else {
            close(stdinPipe[1]); close(stdoutPipe[0]); close(stderrPipe[0])
            if spawnErrno == ENOENT { throw ToolFailure("command not found: \(program)") }
            if spawnErrno == EACCES { throw ToolFailure("not allowed to run \(program)") }
            throw ToolFailure("could not start \(program): \(String(cString: strerror(spawnErrno)))")
        }
        // A server that stops reading must not block the dashboard's writes.
        _ = fcntl(stdinPipe[1], F_SETFL, fcntl(stdinPipe[1], F_GETFL) | O_NONBLOCK)
        // Writing to a server that exited must be an error, not a SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        return ChildProcess(pid: pid, input: stdinPipe[1], output: stdoutPipe[0], errors: stderrPipe[0])
    }

    /// Reads stdout on a thread of its own, one newline-ended message at a time (a message longer
    /// than `maxLineBytes` ends the reading with `.tooLong`), and keeps the tail of stderr.
    public func startReading(maxLineBytes: Int, onLine: @escaping @Sendable (Data) -> Bool,
                             onEnd: @escaping @Sendable (ReadEnd) -> Void) {
        let output = self.output
        Thread.detachNewThread {
            cprocess_block_signals()
            var pending = Data()
            var buffer = [UInt8](repeating: 0, count: 65536)
            var end = ReadEnd.closed
            reading: while true {
                let count = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                if count <= 0 { break }
                var start = 0
                for index in 0..<count where buffer[index] == 0x0A {
                    pending.append(contentsOf: buffer[start..<index])
                    start = index + 1
                    if !pending.isEmpty, !onLine(pending) {
                        end = .stoppedByReader
                        break reading
                    }
                    pending = Data()
                }
                pending.append(contentsOf: buffer[start..<count])
                if pending.count > maxLineBytes {
                    end = .tooLong
                    break
                }
            }
            close(output)
            onEnd(end)
        }
        let errors = self.errors
        Thread.detachNewThread { [self] in
            cprocess_block_signals()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(errors, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                if count <= 0 { break }
                stderrTail.withLock { tail in
                    tail.append(contentsOf: buffer[0..<count])
                    if tail.count > Self.stderrKept { tail.removeFirst(tail.count - Self.stderrKept) }
                }
            }
            close(errors)
        }
    }

    /// How the reading of stdout ended.
    public enum ReadEnd: Sendable, Equatable {
        /// The server closed stdout (it exited, as a rule).
        case closed
        /// A message went past the size limit.
        case tooLong
        /// The line handler refused a message.
        case stoppedByReader
    }

    /// What the server last wrote to stderr, as text (one line per line, at most the last 4 KB).
    public var stderrText: String {
        let bytes = stderrTail.withLock { $0 }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes one message and its newline; waits (without blocking a thread) while the pipe is
    /// full, at most `timeout`.
    public func write(_ data: Data, timeout: Duration = .seconds(10)) async throws(ToolFailure) {
        var bytes = [UInt8](data)
        bytes.append(0x0A)
        var offset = 0
        let deadline = ContinuousClock.now + timeout
        while offset < bytes.count {
            guard inputOpen.withLock({ $0 }) else { throw ToolFailure("the server's input is closed") }
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(input, $0.baseAddress, $0.count) }
            if written > 0 {
                offset += written
            } else if written < 0, errno == EAGAIN || errno == EINTR {
                if ContinuousClock.now > deadline { throw ToolFailure("the server stopped reading its input") }
                try? await Task.sleep(for: .milliseconds(5))
            } else {
                throw ToolFailure("the server's input is closed (\(String(cString: strerror(errno))))")
            }
        }
    }

    /// The exit status, if it has exited (reaps it).
    public func exitStatus() -> Int32? {
        exit.withLock { status in
            if let status { return status }
            var raw: Int32 = 0
            let result = waitpid(pid, &raw, WNOHANG)
            guard result == pid else { return nil }
            status = raw
            cprocess_forget(pid)
            return raw
        }
    }

    /// "exited with status 1", "was killed by signal 9".
    public static func describe(status raw: Int32) -> String {
        let signal = raw & 0x7F
        if signal == 0 { return "exited with status \((raw >> 8) & 0xFF)" }
        return "was killed by signal \(signal)"
    }

    /// Waits up to `limit` for it to exit.
    public func waitForExit(_ limit: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + limit
        while true {
            if let status = exitStatus() { return status }
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Stops it and everything it started: stdin closed (a well-behaved server exits), then
    /// SIGTERM to its process group after `grace`, then SIGKILL a second later.
    public func stop(grace: Duration = .seconds(2)) async {
        closeInput()
        if await waitForExit(grace) == nil {
            kill(-pid, SIGTERM)
            if await waitForExit(.seconds(1)) == nil {
                kill(-pid, SIGKILL)
                _ = await waitForExit(.seconds(2))
            }
        }
        // Children it left behind in its group go too.
        kill(-pid, SIGKILL)
    }

    /// Kills the group at once (a server that broke the protocol).
    public func killNow() {
        kill(-pid, SIGKILL)
    }

    public func closeInput() {
        let wasOpen = inputOpen.withLock { open in defer { open = false }; return open }
        if wasOpen { close(input) }
    }
}

/// Runs `body` with `strings` as a NULL-terminated C array.
private func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
