#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OllamaKit

/// `/api/pull`, `/api/push` and `/api/create`: status lines first, so later errors arrive inside the 200 stream.
extension SimHandlers {
    func progressLine(_ status: String, digest: String? = nil, total: Int64? = nil, completed: Int64? = nil) -> GoJSON {
        var object = GoObject()
        object.add("status", status)
        object.addOmitEmpty("digest", digest)
        object.addOmitZero("total", total)
        object.addOmitZero("completed", completed)
        return object.json
    }

    /// Runs a progress stream, or for `stream: false` collects it into one `{"status":"success"}`
    /// (or a 500 with the error).
    func progressStream(
        stream: Bool, _ responder: SimResponder,
        _ body: @escaping (_ emit: (GoJSON) async throws -> Void) async throws -> Void
    ) async throws -> SimRouter.Disposition {
        if !stream {
            do {
                try await body { _ in }
                try await responder.send(.ok, contentType: "application/json", body: Array("{\"status\":\"success\"}".utf8))
            } catch let rejection as SimRejection {
                try await responder.error(.internalServerError, rejection.message)
            }
            return .keepOpen
        }
        var injector = makeInjector()
        return try await runStream(responder) {
            try await responder.startStream()
            do {
                try await body { line in
                    try await injector.beforeLine(responder) { _ in line }
                    try await responder.line(line)
                }
            } catch let rejection as SimRejection {
                try await responder.line(.object([("error", .string(rejection.message))]))
            }
            try await responder.endStream()
        }
    }

    func pull(_ request: SimRequest, _ responder: SimResponder) async throws -> SimRouter.Disposition {
        let body = try SimRequestBody(bytes: request.body, structName: "PullRequest")
        let name = try body.string("model").flatMap { $0.isEmpty ? nil : $0 } ?? body.string("name") ?? ""
        let stream = try body.bool("stream") ?? true
        guard ModelName.isValid(name) else { throw SimRejection(status: 400, message: "invalid model name") }
        if try body.bool("insecure") != true, name.hasPrefix("http://") {
            throw SimRejection(status: 500, message: "insecure protocol http")
        }
        return try await progressStream(stream: stream, responder) { emit in
            try await emit(progressLine("pulling manifest"))
            try await Task.sleep(for: configuration.progressInterval)
            guard let model = await state.registryModel(named: name) else {
                throw SimRejection(status: 500, message: "pull model manifest: file does not exist")
            }
            try await transferLayers(model, verb: "pulling", emit: emit)
            try await emit(progressLine("verifying sha256 digest"))
            try await emit(progressLine("writing manifest"))
            var installed = model
            installed.modifiedAt = Date()
            let previous = await state.model(named: model.name)
            await state.install(installed)
            if let previous, previous.layers != installed.layers {
                try await emit(progressLine("removing unused layers"))
            }
            try await emit(progressLine("success"))
        }
    }

    /// Sends per-layer lines on the progress ticker, one layer after another, as the real server does:
    /// `completed` omitted while zero, and the last tick of a big layer need not reach `total`.
    func transferLayers(_ model: SimModel, verb: String, emit: (GoJSON) async throws -> Void) async throws {
        let tick = configuration.progressInterval
        let bytesPerTick = Int64(max(1, configuration.pullBytesPerSecond * Double(tick.components.seconds) +
            configuration.pullBytesPerSecond * Double(tick.components.attoseconds) / 1e18))
        for layer in model.layers {
            let status = "\(verb) \(layer.digest.prefix(12))"
            let digest = "sha256:" + layer.digest
            var done = verb == "pulling" ? await state.blobBytesOnDisk(layer.digest) : 0
            if done >= layer.size || layer.size <= bytesPerTick {
                // Already present, or too small for a tick: one line at 100%.
                await state.setBlobBytes(layer.digest, layer.size)
                try await emit(progressLine(status, digest: digest, total: layer.size, completed: layer.size))
                continue
            }
            try await emit(progressLine(status, digest: digest, total: layer.size, completed: done))
            while done < layer.size {
                try await Task.sleep(for: tick)
                done = min(layer.size, done + bytesPerTick)
                if verb == "pulling" { await state.setBlobBytes(layer.digest, done) }
                if done < layer.size || verb == "pushing" {
                    try await emit(progressLine(status, digest: digest, total: layer.size, completed: done))
                }
            }
        }
    }

    func push(_ request: SimRequest, _ responder: SimResponder) async throws -> SimRouter.Disposition {
        let body = try SimRequestBody(bytes: request.body, structName: "PushRequest")
        let name = try body.string("model").flatMap { $0.isEmpty ? nil : $0 } ?? body.string("name") ?? ""
        let stream = try body.bool("stream") ?? true
        guard ModelName.isValid(name) else { throw SimRejection(status: 400, message: "invalid model name") }
        return try await progressStream(stream: stream, responder) { emit in
            try await emit(progressLine("retrieving manifest"))
            guard let model = await state.model(named: name) else {
                try await emit(progressLine("couldn't retrieve manifest"))
                throw SimRejection(
                    status: 500,
                    message: "open /root/.ollama/models/manifests/registry.ollama.ai/library/\(ModelName.normalize(name).replacingOccurrences(":", "/")): no such file or directory")
            }
            guard ModelName.normalize(name).contains("/") else {
                throw SimRejection(
                    status: 500,
                    message: "you are not authorized to push to this namespace, create the model under a namespace you own")
            }
            try await transferLayers(model, verb: "pushing", emit: emit)
            try await emit(progressLine("pushing manifest"))
            try await emit(progressLine("success"))
        }
    }

    func create(_ request: SimRequest, _ responder: SimResponder) async throws -> SimRouter.Disposition {
        let body = try SimRequestBody(bytes: request.body, structName: "CreateRequest")
        let name = try body.string("model").flatMap { $0.isEmpty ? nil : $0 } ?? body.string("name") ?? ""
        let stream = try body.bool("stream") ?? true
        guard ModelName.isValid(name) else { throw SimRejection(status: 400, message: "invalid model name") }
        let from = try body.string("from")
        let files = try body.object("files", goType: "map[string]string")
        guard from != nil || files != nil else {
            throw SimRejection(status: 400, message: "neither 'from' or 'files' was specified")
        }
        let system = try body.string("system")
        let template = try body.string("template")
        let quantize = try body.string("quantize")
        let parameters = try body.object("parameters", goType: "map[string]interface {}") ?? [:]
        if let quantize, !["q4_k_m", "q4_k_s", "q8_0", "q4_0"].contains(quantize.lowercased()) {
            throw SimRejection(status: 400, message: "unsupported quantization type \(quantize)")
        }
        return try await progressStream(stream: stream, responder) { emit in
            var base: SimModel
            if let from {
                if let local = await state.model(named: from) {
                    base = local
                } else if let remote = await state.registryModel(named: from) {
                    try await emit(progressLine("pulling manifest"))
                    try await transferLayers(remote, verb: "pulling", emit: emit)
                    try await emit(progressLine("verifying sha256 digest"))
                    try await emit(progressLine("writing manifest"))
                    try await emit(progressLine("success"))
                    base = remote
                } else {
                    throw SimRejection(status: 500, message: "pull model manifest: file does not exist")
                }
            } else {
                try await emit(progressLine("parsing GGUF"))
                base = SimModel.make(
                    name, family: "llama", families: ["llama"], parameterSize: "1B", quantization: "F16",
                    weightBytes: 2_000_000_000, capabilities: ["completion"], daysAgo: 0)
            }
            var created = base
            created.name = ModelName.normalize(name)
            created.modifiedAt = Date()
            if let quantize {
                let total = base.layers[0].size
                try await emit(progressLine("quantizing \(base.quantization) model to \(quantize.uppercased())",
                                            digest: "0000000000000000000", total: total, completed: total))
                created.quantization = quantize.uppercased()
                created.layers[0].digest = SeededRandom.hexDigest("quantized:" + created.name)
                created.layers[0].size = total * 3 / 10
            }
            if let system { created.system = system }
            if let template { created.template = template }
            for (key, value) in parameters.sorted(by: { $0.key < $1.key }) {
                created.parameters.removeAll { $0.0 == key }
                created.parameters.append((key, value.displayText))
            }
            var newDigests = Set<String>()
            if system != nil { newDigests.insert(SeededRandom.hexDigest("system:" + created.name + (system ?? ""))) }
            if !parameters.isEmpty { newDigests.insert(SeededRandom.hexDigest("params:" + created.name + "\(parameters)")) }
            for layer in created.layers.dropLast() {
                try await emit(progressLine("using existing layer sha256:\(layer.digest)"))
            }
            for digest in newDigests.sorted() {
                try await emit(progressLine("creating new layer sha256:\(digest)"))
                created.layers.insert(SimModel.Layer(digest: digest, size: 128, mediaType: "application/vnd.ollama.image.system"),
                                      at: created.layers.count - 1)
            }
            try await emit(progressLine("writing manifest"))
            await state.install(created)
            try await emit(progressLine("success"))
        }
    }
}

extension String {
    func replacingOccurrences(_ target: Character, _ replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
