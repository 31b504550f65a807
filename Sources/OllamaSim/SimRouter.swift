import NIOCore
import NIOHTTP1

/// Reads requests off a connection and hands each to its endpoint handler.
struct SimRouter: Sendable {
    let state: SimState
    let configuration: SimConfiguration

    /// What to do with the connection after a response.
    enum Disposition { case keepOpen, close }

    /// Methods each known path accepts; any other method is a 405, any other path a 404.
    static let routes: [String: Set<String>] = [
        "/": ["GET", "HEAD"],
        "/api/version": ["GET", "HEAD"],
        "/api/tags": ["GET", "HEAD"],
        "/api/ps": ["GET"],
        "/api/status": ["GET"],
        "/api/show": ["POST"],
        "/api/pull": ["POST"],
        "/api/push": ["POST"],
        "/api/create": ["POST"],
        "/api/copy": ["POST"],
        "/api/delete": ["DELETE"],
        "/api/chat": ["POST"],
        "/api/generate": ["POST"],
        "/api/embed": ["POST"],
        "/api/embeddings": ["POST"],
        "/sim/stats": ["GET"],
    ]

    func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let requestHead):
                    head = requestHead
                    body = []
                case .body(var buffer):
                    if body.count < 256 * 1024 * 1024, let bytes = buffer.readBytes(length: buffer.readableBytes) {
                        body += bytes
                    }
                case .end:
                    guard let requestHead = head else { continue }
                    head = nil
                    let path = String(requestHead.uri.split(separator: "?", maxSplits: 1).first ?? "/")
                    let request = SimRequest(
                        method: requestHead.method, path: path, headers: requestHead.headers, body: body)
                    let responder = SimResponder(
                        outbound: outbound, keepAlive: requestHead.isKeepAlive, isHead: requestHead.method == .HEAD)
                    let disposition: Disposition
                    do {
                        disposition = try await route(request, responder)
                    } catch {
                        return
                    }
                    if disposition == .close || !requestHead.isKeepAlive { return }
                }
            }
        }
    }

    func route(_ request: SimRequest, _ responder: SimResponder) async throws -> Disposition {
        await state.record(
            request: "\(request.method.rawValue) \(request.path)", headers: request.headers.map { ($0.name, $0.value) })
        let path = request.path.count > 1 && request.path.hasSuffix("/") ? String(request.path.dropLast()) : request.path
        if path.hasPrefix("/api/blobs/") {
            return try await handleBlob(request, responder)
        }
        guard let methods = Self.routes[path] else {
            try await responder.text(.notFound, "404 page not found")
            return .keepOpen
        }
        guard methods.contains(request.method.rawValue) else {
            try await responder.text(.methodNotAllowed, "405 method not allowed")
            return .keepOpen
        }
        let faults = request.faults(global: configuration.faults)
        if faults.contains(.hang) {
            while !Task.isCancelled { try await Task.sleep(for: .seconds(3600)) }
            return .close
        }
        if faults.contains(.slow) { try await Task.sleep(for: configuration.slowFirstByte) }
        if faults.contains(.http500), path.hasPrefix("/api/") {
            try await responder.error(.internalServerError, "simulated server error")
            return .keepOpen
        }
        let handlers = SimHandlers(state: state, configuration: configuration, faults: faults,
                                   faultAfter: request.faultAfterLines(default: configuration.faultAfterLines))
        switch path {
        case "/": try await responder.text(.ok, "Ollama is running")
        case "/api/version": try await responder.json(.ok, .object([("version", .string(configuration.version))]))
        case "/api/status":
            try await responder.json(
                .ok, .object([("cloud", .object([("disabled", .bool(false)), ("source", .string("none"))]))]))
        case "/api/tags": try await handlers.tags(responder)
        case "/api/ps": try await handlers.ps(responder)
        case "/sim/stats": try await handlers.stats(responder)
        default:
            return try await handlers.handleBodyRequest(path: path, request: request, responder: responder)
        }
        return .keepOpen
    }

    /// `HEAD`/`POST /api/blobs/sha256:<hex>`: 200 when the blob exists, 404 when not; POST stores it.
    func handleBlob(_ request: SimRequest, _ responder: SimResponder) async throws -> Disposition {
        let digest = String(request.path.dropFirst("/api/blobs/".count))
        let hex = digest.hasPrefix("sha256:") ? String(digest.dropFirst(7)) : ""
        guard hex.count == 64, hex.allSatisfy(\.isHexDigit) else {
            try await responder.error(.badRequest, "invalid digest format")
            return .keepOpen
        }
        switch request.method {
        case .HEAD:
            let present = await state.blobBytesOnDisk(hex) > 0
            try await responder.send(present ? .ok : .notFound, contentType: nil, body: [])
        case .POST:
            await state.setBlobBytes(hex, Int64(request.body.count))
            try await responder.send(.created, contentType: nil, body: [])
        default:
            try await responder.text(.methodNotAllowed, "405 method not allowed")
        }
        return .keepOpen
    }
}
