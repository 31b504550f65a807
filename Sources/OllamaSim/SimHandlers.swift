#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOHTTP1
import OllamaKit

/// The endpoint handlers. Each writes exactly what the real server writes: status, content type,
/// key order, omitted-when-empty fields and error strings (see `ollama-protocol.md`).
struct SimHandlers {
    let state: SimState
    let configuration: SimConfiguration
    let faults: Set<SimFault>
    let faultAfter: Int

    func makeInjector() -> SimFaultInjector {
        SimFaultInjector(faults: faults, after: faultAfter, longLineBytes: configuration.longLineBytes)
    }

    /// Dispatches the endpoints that read a JSON body, turning rejections into HTTP errors.
    func handleBodyRequest(path: String, request: SimRequest, responder: SimResponder) async throws
        -> SimRouter.Disposition
    {
        do {
            switch path {
            case "/api/show": try await show(request, responder)
            case "/api/pull": return try await pull(request, responder)
            case "/api/push": return try await push(request, responder)
            case "/api/create": return try await create(request, responder)
            case "/api/copy": try await copy(request, responder)
            case "/api/delete": try await delete(request, responder)
            case "/api/chat": return try await chat(request, responder)
            case "/api/generate": return try await generate(request, responder)
            case "/api/embed": try await embed(request, responder)
            case "/api/embeddings": try await embeddings(request, responder)
            default: try await responder.text(.notFound, "404 page not found")
            }
        } catch let rejection as SimRejection {
            try await responder.error(HTTPResponseStatus(statusCode: rejection.status), rejection.message)
        }
        return .keepOpen
    }

    /// Runs a stream body, recording whether the client stayed; a drop fault closes the connection.
    func runStream(_ responder: SimResponder, _ body: () async throws -> Void) async throws -> SimRouter.Disposition {
        await state.streamStarted()
        do {
            try await body()
            await state.streamEnded(clientLeft: false)
            return .keepOpen
        } catch let stop as SimFaultInjector.Stop {
            await state.streamEnded(clientLeft: false)
            return stop.dropConnection ? .close : .keepOpen
        } catch is ClientGone {
            await state.streamEnded(clientLeft: true)
            throw ClientGone()
        } catch is CancellationError {
            await state.streamEnded(clientLeft: true)
            throw ClientGone()
        }
    }

    // MARK: - Time

    /// Server-local time with the configured offset, as `modified_at` and `expires_at` carry it.
    func localTime(_ date: Date) -> String { OllamaDate.format(date, offsetSeconds: configuration.utcOffsetSeconds) }

    /// UTC with nanoseconds, as `created_at` carries it.
    func utcNow() -> String { OllamaDate.format(Date()) }

    // MARK: - Listings

    func details(_ model: SimModel, forList: Bool) -> GoJSON {
        var object = GoObject()
        object.add("parent_model", model.parentModel)
        object.add("format", model.format)
        object.add("family", model.family)
        object.add("families", model.families.map { .array($0.map { .string($0) }) } ?? .null)
        object.add("parameter_size", model.parameterSize)
        object.add("quantization_level", model.quantization)
        if forList {
            object.addOmitZero("context_length", Int64(model.contextLength))
            object.addOmitZero("embedding_length", Int64(model.embeddingLength))
        }
        return object.json
    }

    func tags(_ responder: SimResponder) async throws {
        let models = await state.installedModels().map { model -> GoJSON in
            var object = GoObject()
            object.add("name", model.name)
            object.add("model", model.name)
            object.add("modified_at", localTime(model.modifiedAt))
            object.add("size", model.size)
            object.add("digest", model.digest)
            object.add("details", details(model, forList: true))
            if !model.capabilities.isEmpty { object.add("capabilities", .array(model.capabilities.map { .string($0) })) }
            return object.json
        }
        try await responder.json(.ok, .object([("models", .array(models + hostileListing()))]))
    }

    /// With the `escapes` fault: a listed model whose name and family carry terminal escapes.
    func hostileListing() -> [GoJSON] {
        guard faults.contains(.escapes) else { return [] }
        var details = GoObject()
        details.add("format", "gguf")
        details.add("family", "\u{9B}31mfam")
        var object = GoObject()
        let name = "evil\u{1B}]0;pwned-name\u{07}\u{1B}[2J:latest"
        object.add("name", name)
        object.add("model", name)
        object.add("modified_at", localTime(Date(timeIntervalSince1970: 1_577_836_800)))  // oldest: listed last
        object.add("size", Int64(1_000))
        object.add("digest", String(repeating: "e", count: 64))
        object.add("details", details.json)
        return [object.json]
    }

    func ps(_ responder: SimResponder) async throws {
        let models = await state.loadedModels().map { entry -> GoJSON in
            var object = GoObject()
            object.add("name", entry.model.name)
            object.add("model", entry.model.name)
            object.add("size", entry.sizeInMemory)
            object.add("digest", entry.model.digest)
            object.add("details", details(entry.model, forList: false))
            object.add("expires_at", localTime(entry.expiresAt))
            object.add("size_vram", entry.sizeVRAM)
            object.add("context_length", Int64(entry.contextLength))
            return object.json
        }
        try await responder.json(.ok, .object([("models", .array(models))]))
    }

    func stats(_ responder: SimResponder) async throws {
        let stats = await state.stats
        try await responder.json(
            .ok,
            .object([
                ("requests", .int(Int64(stats.requestCount))),
                ("client_disconnects", .int(Int64(stats.clientDisconnects))),
                ("completed_streams", .int(Int64(stats.completedStreams))),
                ("active_streams", .int(Int64(stats.activeStreams))),
            ]))
    }

    func show(_ request: SimRequest, _ responder: SimResponder) async throws {
        let body = try SimRequestBody(bytes: request.body, structName: "ShowRequest")
        let name = try body.string("model").flatMap { $0.isEmpty ? nil : $0 } ?? body.string("name") ?? ""
        guard !name.isEmpty else { throw SimRejection(status: 400, message: "model is required") }
        let verbose = try body.bool("verbose") ?? false
        guard let model = await state.model(named: name) else {
            throw SimRejection(status: 404, message: "model '\(ModelName.normalize(name))' not found")
        }
        var object = GoObject()
        object.addOmitEmpty("license", model.license)
        object.addOmitEmpty("modelfile", modelfile(for: model))
        object.addOmitEmpty("parameters", parameterLines(model))
        object.addOmitEmpty("template", model.template)
        object.addOmitEmpty("system", model.system)
        object.add("details", details(model, forList: false))
        object.add("model_info", modelInfo(model, verbose: verbose))
        object.add("tensors", .array(tensors(model)))
        object.add("capabilities", .array(model.capabilities.map { .string($0) }))
        object.add("modified_at", localTime(model.modifiedAt))
        try await responder.json(.ok, object.json)
    }

    func modelfile(for model: SimModel) -> String {
        var lines = [
            "# Modelfile generated by \"ollama show\"",
            "# To build a new Modelfile based on this, replace FROM with:",
            "# FROM \(model.name)",
            "",
            "FROM /root/.ollama/models/blobs/sha256-\(model.layers[0].digest)",
            "TEMPLATE \"\"\"\(model.template)\"\"\"",
        ]
        if !model.system.isEmpty { lines.append("SYSTEM \"\"\"\(model.system)\"\"\"") }
        for (name, value) in model.parameters { lines.append("PARAMETER \(name) \(value)") }
        lines.append("LICENSE \"\"\"\(model.license)\"\"\"")
        return lines.joined(separator: "\n") + "\n"
    }

    func parameterLines(_ model: SimModel) -> String {
        model.parameters.map { name, value in
            name + String(repeating: " ", count: max(1, 31 - name.count)) + value
        }.joined(separator: "\n")
    }

    func modelInfo(_ model: SimModel, verbose: Bool) -> GoJSON {
        let arch = model.architecture
        let parameterCount = Int64((Double(model.parameterSize.dropLast()) ?? 1) * (model.parameterSize.hasSuffix("M") ? 1e6 : 1e9))
        var members: [(String, GoJSON)] = [
            ("general.architecture", .string(arch)),
            ("general.file_type", .int(15)),
            ("general.parameter_count", .int(parameterCount)),
            ("general.quantization_version", .int(2)),
            ("\(arch).attention.head_count", .int(32)),
            ("\(arch).attention.head_count_kv", .int(8)),
            ("\(arch).block_count", .int(28)),
            ("\(arch).context_length", .int(Int64(model.contextLength))),
            ("\(arch).embedding_length", .int(Int64(model.embeddingLength))),
            ("\(arch).rope.freq_base", .double(500000)),
            ("tokenizer.ggml.model", .string("gpt2")),
        ]
        members.append(("tokenizer.ggml.tokens", verbose ? .array(["<s>", "</s>", "a", "b", "c", "d"].map { .string($0) }) : .array([])))
        return .object(members.sorted { $0.0 < $1.0 })
    }

    func tensors(_ model: SimModel) -> [GoJSON] {
        [
            .object([("name", .string("token_embd.weight")), ("type", .string(model.quantization)),
                     ("shape", .array([.int(Int64(model.embeddingLength)), .int(128_256)]))]),
            .object([("name", .string("output_norm.weight")), ("type", .string("F32")),
                     ("shape", .array([.int(Int64(model.embeddingLength))]))]),
        ]
    }
}

