/// Everything that can go wrong talking to an Ollama server, as values a UI can show.
public enum OllamaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server answered with an HTTP error status. `message` is the `error` field of a JSON
    /// body, or the body text itself (router 404/405 pages, proxies), or empty.
    case http(status: Int, message: String)
    /// An `{"error": "..."}` line arrived inside a 200 stream, after the values before it.
    case stream(message: String)
    /// The stream ended without its terminal line (`done: true` or `status: "success"`).
    case unexpectedEndOfStream
    /// A line or body could not be decoded; `snippet` is the start of the offending text.
    case malformedResponse(reason: String, snippet: String)
    /// One line was longer than the configured cap.
    case lineTooLong(limit: Int)
    /// The server could not be reached (refused, unresolvable, TLS failure, connection dropped).
    case connection(host: String, reason: String)
    /// No answer within the allotted time.
    case timeout(host: String)
    /// The request was cancelled by the caller.
    case cancelled
    /// The request could not be built (for example an empty model name).
    case invalidRequest(String)

    public var description: String {
        switch self {
        case .http(let status, let message):
            return message.isEmpty ? "HTTP \(status)" : "HTTP \(status): \(message)"
        case .stream(let message): return message
        case .unexpectedEndOfStream: return "the server closed the stream before it finished"
        case .malformedResponse(let reason, let snippet):
            return snippet.isEmpty ? "malformed response: \(reason)" : "malformed response: \(reason) in \(snippet)"
        case .lineTooLong(let limit): return "a response line exceeded \(limit) bytes"
        case .connection(let host, let reason): return "cannot reach \(host): \(reason)"
        case .timeout(let host): return "\(host) did not answer in time"
        case .cancelled: return "cancelled"
        case .invalidRequest(let reason): return "invalid request: \(reason)"
        }
    }

    /// The server's own message, where there is one.
    public var serverMessage: String? {
        switch self {
        case .http(_, let message) where !message.isEmpty: return message
        case .stream(let message): return message
        default: return nil
        }
    }

    /// True for "model not found" answers, matched loosely as the reference advises.
    public var isModelNotFound: Bool {
        guard let message = serverMessage else { return false }
        return message.hasPrefix("model ") && message.contains("not found")
    }
}
