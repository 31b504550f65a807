import Algorithms
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where an Ollama server lives: scheme, host, port and an optional base path.
///
/// Built from `OLLAMA_HOST` exactly as the ollama CLI builds it (`envconfig.Host()`), or from an
/// explicit URL, which overrides the environment.
public struct OllamaHost: Sendable, Equatable, CustomStringConvertible {
    /// `http`, `https`, or any other scheme the value named.
    public var scheme: String
    /// The host as written, without brackets; empty when the value named only a port (`:1234`).
    public var host: String
    /// The TCP port.
    public var port: Int
    /// A base path joined before `/api/...`, such as `/ollama`; empty for none.
    public var basePath: String

    public init(scheme: String = "http", host: String = "127.0.0.1", port: Int = 11434, basePath: String = "") {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.basePath = basePath
    }

    /// The default server, `http://127.0.0.1:11434`.
    public static let `default` = OllamaHost()

    /// The default port when no scheme is given.
    public static let defaultPort = 11434

    /// The base URL as the ollama CLI prints it, e.g. `http://[::1]:11434` or `https://example.com:443/ollama`.
    public var description: String {
        "\(scheme)://\(Self.bracketed(host)):\(port)\(basePath)"
    }

    /// The host to dial: an empty host means localhost, and the unspecified addresses `0.0.0.0`
    /// and `::` mean loopback (as the desktop app's `ConnectableHost()` does).
    public var connectableHost: String {
        switch host {
        case "", "0.0.0.0": return "127.0.0.1"
        case "::": return "::1"
        default: return host
        }
    }

    /// A URL for a path on this server, such as `/api/tags`, dialling ``connectableHost``.
    /// The URL of an endpoint. A base path written with a trailing slash (`/ollama/`, as the CLI
    /// keeps it) joins the endpoint with one slash, never `//api`.
    public func url(for path: String) -> String {
        var base = Substring(basePath)
        while base.hasSuffix("/") { base = base.dropLast() }
        return "\(scheme)://\(Self.bracketed(connectableHost)):\(port)\(base)\(path)"
    }

    private static func bracketed(_ host: String) -> String {
        host.contains(":") ? "[\(host)]" : host
    }

    /// Resolves an `OLLAMA_HOST` value the way the ollama CLI does.
    ///
    /// - Spaces and `"`/`'` quotes around the value are trimmed.
    /// - No scheme: `http` with port 11434 (bare `ollama.com` is `https://ollama.com:443`).
    ///   `http://` defaults to port 80, `https://` to 443, any other scheme to 11434.
    /// - Anything after the first `/` of the host part is kept as a base path.
    /// - A bracketless IPv6 literal is recognised; an empty host stays empty (dialled as localhost).
    /// - A port outside 0...65535, or not a number, falls back to the default port.
    public static func resolve(_ value: String?) -> OllamaHost {
        let trimmed = trimQuotesAndSpaces(value ?? "")
        var rest = trimmed
        var scheme = "http"
        var defaultPort = Self.defaultPort
        if let separator = rest.firstRange(of: "://") {
            let (head, tail) = (String(rest[..<separator.lowerBound]), String(rest[separator.upperBound...]))
            scheme = head
            rest = tail
            switch scheme {
            case "http": defaultPort = 80
            case "https": defaultPort = 443
            default: break
            }
        } else if rest == "ollama.com" {
            return OllamaHost(scheme: "https", host: "ollama.com", port: 443, basePath: "")
        }

        var basePath = ""
        if let slash = rest.firstIndex(of: "/") {
            basePath = String(rest[slash...])
            rest = String(rest[rest.startIndex..<slash])
        }
        if basePath == "/" { basePath = "" }
        // Credentials in the URL (`user:secret@host`) are dropped, as Ollama's own client does: they
        // are never sent, and never shown where the host is.
        if let at = rest.lastIndex(of: "@") { rest = String(rest[rest.index(after: at)...]) }

        var host = rest
        var port = defaultPort
        if let (splitHost, splitPort) = splitHostPort(rest) {
            host = splitHost
            if let number = Int(splitPort), (0...65535).contains(number) {
                port = number
            }
        } else if rest.hasPrefix("["), rest.hasSuffix("]") {
            host = String(rest.dropFirst().dropLast())
        }
        if host.isEmpty, rest.isEmpty {
            host = "127.0.0.1"
        }
        return OllamaHost(scheme: scheme, host: host, port: port, basePath: basePath)
    }

    /// Resolves the server from an explicit URL if one is given, else from `OLLAMA_HOST` in `environment`.
    public static func resolve(explicit: String?, environment: [String: String]) -> OllamaHost {
        if let explicit, !trimQuotesAndSpaces(explicit).isEmpty {
            return resolve(explicit)
        }
        return resolve(environment["OLLAMA_HOST"])
    }

    /// Go's `net.SplitHostPort`: `host:port` or `[v6]:port`; nil when there is no port part
    /// (including a bracketless IPv6 literal such as `::1`).
    static func splitHostPort(_ value: String) -> (String, String)? {
        if value.hasPrefix("[") {
            guard let close = value.firstIndex(of: "]") else { return nil }
            let afterClose = value.index(after: close)
            guard afterClose < value.endIndex, value[afterClose] == ":" else { return nil }
            let host = String(value[value.index(after: value.startIndex)..<close])
            let port = String(value[value.index(after: afterClose)...])
            return (host, port)
        }
        guard let colon = value.lastIndex(of: ":") else { return nil }
        let host = String(value[value.startIndex..<colon])
        if host.contains(":") { return nil }  // too many colons: a bare IPv6 literal
        return (host, String(value[value.index(after: colon)...]))
    }

    static func trimQuotesAndSpaces(_ value: String) -> String {
        String(value.trimming(while: { $0.isWhitespace || $0 == "\"" || $0 == "'" }))
    }
}
