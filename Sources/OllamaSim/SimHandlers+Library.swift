#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OllamaKit

/// `/api/copy`, `/api/delete`, `/api/embed` and `/api/embeddings`.
extension SimHandlers {
    func copy(_ request: SimRequest, _ responder: SimResponder) async throws {
        let body = try SimRequestBody(bytes: request.body, structName: "CopyRequest")
        let source = try body.string("source") ?? ""
        let destination = try body.string("destination") ?? ""
        guard ModelName.isValid(source) else { throw SimRejection(status: 400, message: "source \"\(source)\" is invalid") }
        guard ModelName.isValid(destination) else {
            throw SimRejection(status: 400, message: "destination \"\(destination)\" is invalid")
        }
        guard var model = await state.model(named: source) else {
            throw SimRejection(status: 404, message: "model \"\(source)\" not found")
        }
        model.name = ModelName.normalize(destination)
        model.modifiedAt = Date()
        await state.install(model)
        try await responder.empty()
    }

    func delete(_ request: SimRequest, _ responder: SimResponder) async throws {
        let body = try SimRequestBody(bytes: request.body, structName: "DeleteRequest")
        let name = try body.string("model").flatMap { $0.isEmpty ? nil : $0 } ?? body.string("name") ?? ""
        guard !name.isEmpty else { throw SimRejection(status: 400, message: "model is required") }
        guard ModelName.isValid(name) else { throw SimRejection(status: 400, message: "name \"\(name)\" is invalid") }
        guard await state.remove(named: name) != nil else {
            throw SimRejection(status: 404, message: "model '\(name)' not found")
        }
        try await responder.empty()
    }

    func embed(_ request: SimRequest, _ responder: SimResponder) async throws {
        let body = try SimRequestBody(bytes: request.body, structName: "EmbedRequest")
        let name = try body.string("model") ?? ""
        var inputs: [String] = []
        switch body.raw("input") {
        case nil: break
        case .string(let text)?: if !text.isEmpty { inputs = [text] }
        case .array(let values)?:
            for value in values {
                guard case .string(let text) = value else { throw SimRejection(status: 400, message: "invalid input type") }
                inputs.append(text)
            }
        default: throw SimRejection(status: 400, message: "invalid input type")
        }
        let dimensions = try body.int("dimensions")
        let truncate = try body.bool("truncate") ?? true
        guard let model = await state.model(named: name) else {
            throw SimRejection(status: 404, message: "model '\(name)' not found, try pulling it first")
        }
        let keepAlive = try body.keepAliveSeconds(default: configuration.defaultKeepAlive)
        let start = ContinuousClock.now
        if await state.load(model, keepAliveSeconds: keepAlive, contextLength: nil) {
            try await Task.sleep(for: configuration.loadDelay)
        }
        if inputs.isEmpty {
            try await responder.json(.ok, .object([("model", .string(name)), ("embeddings", .array([]))]))
            return
        }
        if !truncate, inputs.contains(where: { $0.utf8.count / 4 > model.contextLength }) {
            throw SimRejection(status: 400, message: "the input length exceeds the context length")
        }
        let width = min(dimensions ?? model.embeddingLength, model.embeddingLength)
        let vectors = inputs.map { text -> GoJSON in
            .array(Self.vector(for: text, width: width, seed: configuration.seed, normalised: true).map { .raw(String($0)) })
        }
        let tokens = inputs.reduce(0) { $0 + max(1, $1.utf8.count / 4) }
        let elapsed = nanoseconds(ContinuousClock.now - start)
        try await responder.json(
            .ok,
            .object([
                ("model", .string(name)), ("embeddings", .array(vectors)),
                ("total_duration", .int(elapsed + 1_000_000)), ("load_duration", .int(elapsed)),
                ("prompt_eval_count", .int(Int64(tokens))),
            ]))
    }

    func embeddings(_ request: SimRequest, _ responder: SimResponder) async throws {
        let body = try SimRequestBody(bytes: request.body, structName: "EmbeddingRequest")
        let name = try body.string("model") ?? ""
        let prompt = try body.string("prompt") ?? ""
        guard let model = await state.model(named: name) else {
            throw SimRejection(status: 404, message: "model \"\(name)\" not found, try pulling it first")
        }
        let keepAlive = try body.keepAliveSeconds(default: configuration.defaultKeepAlive)
        if await state.load(model, keepAliveSeconds: keepAlive, contextLength: nil) {
            try await Task.sleep(for: configuration.loadDelay)
        }
        let values: [GoJSON] =
            prompt.isEmpty
            ? []
            : Self.vector(for: prompt, width: model.embeddingLength, seed: configuration.seed, normalised: false)
                .map { .double(Double($0) * 3.7) }
        try await responder.json(.ok, .object([("embedding", .array(values))]))
    }

    /// A deterministic vector for a text: similar texts share a prefix seed, so similarity is meaningful.
    static func vector(for text: String, width: Int, seed: UInt64, normalised: Bool) -> [Float] {
        var values = [Float](repeating: 0, count: max(0, width))
        for word in text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            var random = SeededRandom(seed: SeededRandom.mix(seed, String(word)))
            for i in values.indices {
                values[i] += Float(Double(random.next() % 20_001) / 10_000 - 1)
            }
        }
        if values.allSatisfy({ $0 == 0 }), !values.isEmpty { values[0] = 1 }
        guard normalised else { return values }
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? values.map { $0 / norm } : values
    }
}
