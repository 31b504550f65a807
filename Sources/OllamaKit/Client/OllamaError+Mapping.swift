import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix

extension OllamaError {
    /// Turns a transport error into an ``OllamaError`` a user can read.
    static func from(_ error: any Error, host: String, duringStream: Bool = false) -> OllamaError {
        if let known = error as? OllamaError { return known }
        if error is CancellationError { return .cancelled }
        if let client = error as? HTTPClientError {
            switch client {
            case .cancelled: return .cancelled
            case .readTimeout, .deadlineExceeded, .connectTimeout, .writeTimeout:
                return .timeout(host: host)
            case .remoteConnectionClosed:
                return duringStream
                    ? .connection(host: host, reason: "the connection closed in the middle of the reply")
                    : .connection(host: host, reason: "the server closed the connection")
            case .bodyLengthMismatch:
                return .connection(host: host, reason: "the reply was cut short")
            default:
                return .connection(host: host, reason: String(describing: client))
            }
        }
        if error is HTTPParserError {
            return duringStream
                ? .connection(host: host, reason: "the connection closed in the middle of the reply")
                : .connection(host: host, reason: "the server sent a broken HTTP reply (\(error))")
        }
        if let connect = error as? NIOConnectionError {
            if let first = connect.connectionErrors.first {
                return .connection(host: host, reason: describeSocketError(first.error))
            }
            if connect.dnsAAAAError != nil || connect.dnsAError != nil {
                return .connection(host: host, reason: "the host name could not be resolved")
            }
            return .connection(host: host, reason: "no address to connect to")
        }
        if let socket = error as? IOError {
            return .connection(host: host, reason: describeSocketError(socket))
        }
        if error is ChannelError {
            return .connection(host: host, reason: "the connection closed (\(error))")
        }
        return .connection(host: host, reason: String(describing: error))
    }

    private static func describeSocketError(_ error: any Error) -> String {
        if let io = error as? IOError {
            switch io.errnoCode {
            case 111: return "connection refused"
            case 113, 101: return "no route to host"
            case 110: return "connection timed out"
            case 104: return "connection reset by peer"
            default: return io.description
            }
        }
        return String(describing: error)
    }
}
