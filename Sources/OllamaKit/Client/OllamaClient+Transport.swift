import Algorithms
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AsyncHTTPClient
import NIOCore
import NIOHTTP1

extension OllamaClient {
    func makeRequest<Body: Encodable>(_ method: HTTPMethod, _ path: String, body: Body?, streaming: Bool) throws
        -> HTTPClientRequest
    {
        var request = HTTPClientRequest(url: configuration.host.url(for: path))
        request.method = method
        for (name, value) in configuration.requestHeaders(streaming: streaming) {
            request.headers.add(name: name, value: value)
        }
        if let body {
            let data = try OllamaJSON.makeEncoder().encode(body)
            request.body = .bytes(ByteBuffer(bytes: data))
        }
        return request
    }

    /// Sends a request and returns the body of a 2xx reply; any other status throws ``OllamaError/http(status:message:)``.
    func unary<Body: Encodable>(
        _ method: HTTPMethod, _ path: String, body: Body?, timeout: Duration? = nil
    ) async throws -> ByteBuffer {
        let host = hostDescription
        do {
            let request = try makeRequest(method, path, body: body, streaming: false)
            let response = try await http.execute(
                request, timeout: TimeAmount(timeout ?? configuration.requestTimeout))
            let buffer = try await response.body.collect(upTo: configuration.maxBodyBytes)
            guard (200..<300).contains(Int(response.status.code)) else {
                throw OllamaError.http(
                    status: Int(response.status.code), message: Self.errorMessage(from: buffer))
            }
            return buffer
        } catch let error as NIOTooManyBytesError {
            _ = error
            throw OllamaError.malformedResponse(
                reason: "the reply is larger than \(configuration.maxBodyBytes) bytes", snippet: "")
        } catch {
            throw OllamaError.from(error, host: host)
        }
    }

    func unaryDecoded<Body: Encodable, Value: Decodable>(
        _ method: HTTPMethod, _ path: String, body: Body?, as type: Value.Type, timeout: Duration? = nil
    ) async throws -> Value {
        let buffer = try await unary(method, path, body: body, timeout: timeout)
        do {
            return try OllamaJSON.makeDecoder().decode(Value.self, from: Data(buffer.readableBytesView))
        } catch {
            throw OllamaError.malformedResponse(
                reason: Self.describeDecodingError(error), snippet: String(buffer: buffer).prefixString(80))
        }
    }

    /// Starts a streaming request; an HTTP error status is thrown here, before any value.
    ///
    /// It runs on AsyncHTTPClient's delegate API: an ``NDJSONResponseDelegate`` decodes each read on
    /// the event loop and decides when the next read may start (see ``OllamaStream/paced(_:)``).
    func streaming<Body: Encodable, Element>(_ path: String, body: Body) async throws -> OllamaStream<Element> {
        let host = hostDescription
        let request: HTTPClient.Request
        do {
            var headers = HTTPHeaders()
            for (name, value) in configuration.requestHeaders(streaming: true) { headers.add(name: name, value: value) }
            let data = try OllamaJSON.makeEncoder().encode(body)
            request = try HTTPClient.Request(
                url: configuration.host.url(for: path), method: .POST, headers: headers,
                body: .byteBuffer(ByteBuffer(bytes: data)))
        } catch {
            throw OllamaError.from(error, host: host)
        }
        let eventLoop = http.eventLoopGroup.any()
        let delegate = NDJSONResponseDelegate<Element>(
            eventLoop: eventLoop, host: host, maxLineBytes: configuration.maxLineBytes,
            readTimeout: TimeAmount(configuration.readTimeout), skipsMalformed: configuration.skipsMalformedLines,
            maxBufferedValues: max(1, configuration.maxBufferedValues))
        let task = http.execute(request: request, delegate: delegate, eventLoop: .delegate(on: eventLoop))
        delegate.watch(task)
        let connection = StreamConnection(feed: delegate.feed, task: task)
        try await withTaskCancellationHandler {
            try await delegate.head.futureResult.get()
        } onCancel: {
            connection.cancel()
        }
        return OllamaStream(connection: connection)
    }

    /// The `error` field of a JSON error body, or the body text itself (router pages, proxies).
    static func errorMessage(from buffer: ByteBuffer) -> String {
        let data = Data(buffer.readableBytesView)
        if let body = try? JSONDecoder().decode(ErrorBody.self, from: data) {
            return body.error
        }
        let text = String(decoding: data.prefix(2048), as: UTF8.self)
        return String(text.trimming(while: \.isWhitespace))
    }

    static func describeDecodingError(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "not valid JSON" }
        switch decoding {
        case .keyNotFound(let key, let context):
            return "missing \(path(context.codingPath + [key]))"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) is not \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) is null, expected \(type)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "bad value at \(path(context.codingPath))"
        @unknown default:
            return "not valid JSON"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}

extension String {
    func prefixString(_ count: Int) -> String {
        self.count > count ? String(prefix(count)) + "…" : self
    }
}

// Durations become `TimeAmount`s through NIO's own `TimeAmount.init(_: Duration)`, which clamps
// (a `--request-timeout` of 1e10 seconds means "very long", not a crash).
