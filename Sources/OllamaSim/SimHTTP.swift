import NIOCore
import NIOHTTP1

/// One HTTP request as the simulator's handlers see it.
struct SimRequest: Sendable {
    var method: HTTPMethod
    var path: String
    var headers: HTTPHeaders
    var body: [UInt8]

    /// Faults this request asks for: the server-wide ones plus any `X-Sim-Fault` header.
    func faults(global: Set<SimFault>) -> Set<SimFault> {
        var faults = global
        for value in headers["X-Sim-Fault"] { faults.formUnion(SimFault.parseList(value).faults) }
        return faults
    }

    /// Stream lines before a mid-stream fault: the `X-Sim-Fault-After` header or the server default.
    func faultAfterLines(default value: Int) -> Int {
        headers.first(name: "X-Sim-Fault-After").flatMap { Int($0) } ?? value
    }
}

/// The client went away while the simulator was writing.
struct ClientGone: Error {}

/// Writes one response: a whole body, or a stream of NDJSON lines.
struct SimResponder {
    let outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    let keepAlive: Bool
    let isHead: Bool

    private func head(_ status: HTTPResponseStatus, _ headers: [(String, String)]) -> HTTPResponseHead {
        var fields = HTTPHeaders(headers)
        fields.add(name: "Date", value: SimHTTPDate.now())
        if !keepAlive { fields.add(name: "Connection", value: "close") }
        return HTTPResponseHead(version: .http1_1, status: status, headers: fields)
    }

    /// A complete response with `Content-Length`.
    func send(_ status: HTTPResponseStatus, contentType: String?, body: [UInt8]) async throws {
        var headers: [(String, String)] = []
        if let contentType { headers.append(("Content-Type", contentType)) }
        headers.append(("Content-Length", String(body.count)))
        do {
            try await outbound.write(.head(head(status, headers)))
            if !body.isEmpty, !isHead { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
            try await outbound.write(.end(nil))
        } catch {
            throw ClientGone()
        }
    }

    /// `c.JSON(...)`: compact JSON, no trailing newline.
    func json(_ status: HTTPResponseStatus, _ value: GoJSON) async throws {
        try await send(status, contentType: "application/json; charset=utf-8", body: Array(value.serialized.utf8))
    }

    /// `{"error":"..."}` with a real HTTP status.
    func error(_ status: HTTPResponseStatus, _ message: String) async throws {
        try await json(status, .object([("error", .string(message))]))
    }

    /// Plain text, as gin's router writes its 404 and 405 pages.
    func text(_ status: HTTPResponseStatus, _ text: String) async throws {
        try await send(status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }

    /// 200 with an empty body (delete, copy).
    func empty() async throws {
        try await send(.ok, contentType: nil, body: [])
    }

    /// Starts a chunked NDJSON stream.
    func startStream() async throws {
        do {
            try await outbound.write(.head(head(.ok, [("Content-Type", "application/x-ndjson")])))
        } catch {
            throw ClientGone()
        }
    }

    /// One NDJSON line, flushed.
    func line(_ value: GoJSON) async throws {
        try await rawLine(Array((value.serialized + "\n").utf8))
    }

    func rawLine(_ bytes: [UInt8]) async throws {
        do {
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: bytes))))
        } catch {
            throw ClientGone()
        }
    }

    func endStream() async throws {
        do {
            try await outbound.write(.end(nil))
        } catch {
            throw ClientGone()
        }
    }
}

/// The `Date` header in IMF-fixdate form.
enum SimHTTPDate {
    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var time = spec.tv_sec
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
