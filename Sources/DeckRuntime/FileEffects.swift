#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DeckCore
import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// File effects: reading images for `/image` and writing `/export`s, on a queue of their own
/// (blocking work, kept off the tasks' threads, which may be the network's event loops).
final class FileEffects: Sendable {
    private let inbox: Inbox
    private let queue = DispatchQueue(label: "ollama-deck.files")
    private let home: String?

    init(inbox: Inbox, home: String? = ProcessInfo.processInfo.environment["HOME"]) {
        self.inbox = inbox
        self.home = home
    }

    /// Runs the file effects; false for any other effect.
    func run(_ effect: Effect) -> Bool {
        let inbox = self.inbox
        let home = self.home
        switch effect {
        case .readImage(let pane, let path):
            queue.async { inbox.post(.imageRead(pane: pane, ImageLoader.load(path: path, home: home))) }
        case .exportMarkdown(let pane, let path, let markdown, let replace):
            queue.async {
                let error = Self.export(markdown, to: path, replace: replace, home: home)
                inbox.post(.exported(pane: pane, path: path, error: error))
            }
        default:
            return false
        }
        return true
    }

    /// `~/x` and `$HOME/x` as the shell would expand them; surrounding quotes dropped.
    static func expand(_ raw: String, home: String?) -> String {
        var path = raw
        if path.count >= 2, (path.hasPrefix("\"") && path.hasSuffix("\"")) || (path.hasPrefix("'") && path.hasSuffix("'")) {
            path = String(path.dropFirst().dropLast())
        }
        if let home {
            if path == "~" { return home }
            if path.hasPrefix("~/") { return home + path.dropFirst(1) }
            if path.hasPrefix("$HOME/") { return home + path.dropFirst(5) }
        }
        return path
    }

    /// Writes the export (atomically: a failure leaves any old file whole); nil when it worked,
    /// else why not, in words. An existing file is replaced only when asked to.
    static func export(_ markdown: String, to rawPath: String, replace: Bool, home: String?) -> String? {
        let path = expand(rawPath, home: home)
        var info = stat()
        if stat(path, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR { return "\(rawPath) is a folder: name a file in it" }
            if !replace { return "\(rawPath) exists: /export! \(rawPath) replaces it" }
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        if !directory.isEmpty, stat(directory, &info) != 0 { return "no folder \(directory)" }
        // Written beside the target, then renamed over it: a failure leaves any old file whole.
        let temporary = path + ".part-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return "cannot write \(rawPath): \(systemReason(errno))" }
        var bytes = Array(markdown.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                let reason = systemReason(errno)
                close(fd)
                unlink(temporary)
                return "cannot write \(rawPath): \(reason)"
            }
            written += count
        }
        if close(fd) != 0 || rename(temporary, path) != 0 {
            let reason = systemReason(errno)
            unlink(temporary)
            return "cannot write \(rawPath): \(reason)"
        }
        return nil
    }

    /// The system's reason for an errno, in words ("permission denied", "no space left on device").
    static func systemReason(_ code: Int32) -> String {
        String(cString: strerror(code)).lowercased()
    }
}
