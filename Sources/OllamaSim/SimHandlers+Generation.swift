#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OllamaKit

/// `/api/chat` and `/api/generate`.
extension SimHandlers {
    /// What a chat or generate request asks for, validated.
    struct GenerationPlan {
        var requestedName: String
        var model: SimModel
        var stream: Bool
        var keepAliveSeconds: Double
        var think: Bool
        var prompt: String
        var tokenLimit: Int?
        /// What a request that offered tools gets: calls to ask for, or an answer from their results.
        var tools: SimToolPlan?
        var contextLength: Int?
    }

    func chat(_ request: SimRequest, _ responder: SimResponder) async throws -> SimRouter.Disposition {
        let body = try SimRequestBody(bytes: request.body, structName: "ChatRequest")
        let name = try body.string("model") ?? ""
        guard !name.isEmpty else { throw SimRejection(status: 400, message: "model is required") }
        let stream = try body.bool("stream") ?? true
        let messages = try body.array("messages", goType: "[]api.Message") ?? []
        var prompt = ""
        var hasImages = false
        // The `role: "tool"` messages that end the conversation: the results of the calls just made.
        var toolResults: [(name: String, content: String)] = []
        for message in messages {
            guard case .object(let fields) = message else {
                throw SimRejection(status: 400, message: "json: cannot unmarshal \(SimRequestBody.jsonType(message)) into Go struct field ChatRequest.messages of type api.Message")
            }
            let role = fields["role"]?.stringValue?.lowercased()
            if role == "tool" {
                toolResults.append((fields["tool_name"]?.stringValue ?? "tool", fields["content"]?.stringValue ?? ""))
            } else {
                toolResults = []
            }
            if role == "user", case .string(let text)? = fields["content"] {
                prompt = text
            }
            if case .array(let images)? = fields["images"], !images.isEmpty {
                hasImages = true
                try validateImages(images)
            }
        }
        guard let model = await state.model(named: name) else {
            throw SimRejection(status: 404, message: "model '\(name)' not found")
        }
        let keepAlive = try body.keepAliveSeconds(default: configuration.defaultKeepAlive)
        if messages.isEmpty {
            return try await loadOrUnload(model: model, requestedName: name, keepAlive: keepAlive, field: "message", responder)
        }
        let plan = try plan(body: body, requestedName: name, model: model, stream: stream, keepAlive: keepAlive,
                            prompt: prompt, hasImages: hasImages, verb: "chat", toolResults: toolResults)
        return try await produce(plan, responder) { content, thinking, done, toolCalls in
            var message = GoObject()
            message.add("role", "assistant")
            message.add("content", content)
            message.addOmitEmpty("thinking", thinking)
            if let toolCalls { message.add("tool_calls", toolCalls) }
            return [("message", message.json)]
        }
    }

    func generate(_ request: SimRequest, _ responder: SimResponder) async throws -> SimRouter.Disposition {
        let body = try SimRequestBody(bytes: request.body, structName: "GenerateRequest")
        let name = try body.string("model") ?? ""
        let stream = try body.bool("stream") ?? true
        let prompt = try body.string("prompt") ?? ""
        var hasImages = false
        if let images = try body.array("images", goType: "[]api.ImageData"), !images.isEmpty {
            hasImages = true
            try validateImages(images)
        }
        guard !name.isEmpty, let model = await state.model(named: name) else {
            throw SimRejection(status: 404, message: "model '\(name)' not found")
        }
        let keepAlive = try body.keepAliveSeconds(default: configuration.defaultKeepAlive)
        if prompt.isEmpty {
            return try await loadOrUnload(model: model, requestedName: name, keepAlive: keepAlive, field: "response", responder)
        }
        let plan = try plan(body: body, requestedName: name, model: model, stream: stream, keepAlive: keepAlive,
                            prompt: prompt, hasImages: hasImages, verb: "generate")
        return try await produce(plan, responder) { content, thinking, done, _ in
            var fields: [(String, GoJSON)] = [("response", .string(content))]
            if let thinking, !thinking.isEmpty { fields.append(("thinking", .string(thinking))) }
            return fields
        }
    }

    func validateImages(_ images: [JSONValue]) throws {
        for image in images {
            guard case .string(let text) = image else {
                throw SimRejection(status: 400, message: "json: cannot unmarshal \(SimRequestBody.jsonType(image)) into Go value of type string")
            }
            if Data(base64Encoded: text) == nil {
                let index = text.firstIndex(where: { !($0.isLetter || $0.isNumber || $0 == "+" || $0 == "/" || $0 == "=") })
                let offset = index.map { text.distance(from: text.startIndex, to: $0) } ?? text.count
                throw SimRejection(status: 400, message: "illegal base64 data at input byte \(offset)")
            }
        }
    }

    /// A vision model decodes each image: empty data or bytes that are no known image format are
    /// refused, as the server's image decoder refuses them.
    func checkImageFormats(_ body: SimRequestBody) throws {
        var images: [JSONValue] = []
        if let direct = try? body.array("images", goType: "[]api.ImageData") { images += direct }
        if let messages = try? body.array("messages", goType: "[]api.Message") {
            for case .object(let message) in messages {
                if case .array(let attached)? = message["images"] { images += attached }
            }
        }
        for case .string(let text) in images {
            let bytes = Data(base64Encoded: text) ?? Data()
            if !Self.isKnownImage(bytes) { throw SimRejection(status: 400, message: "unsupported image format") }
        }
    }

    /// PNG, JPEG, GIF, WebP or BMP, by their first bytes.
    static func isKnownImage(_ bytes: Data) -> Bool {
        let head = Array(bytes.prefix(12))
        func starts(_ magic: [UInt8]) -> Bool { head.count >= magic.count && Array(head.prefix(magic.count)) == magic }
        if starts([0x89, 0x50, 0x4E, 0x47]) || starts([0xFF, 0xD8, 0xFF]) || starts(Array("GIF8".utf8)) || starts(Array("BM".utf8)) {
            return true
        }
        return head.count >= 12 && starts(Array("RIFF".utf8)) && Array(head[8..<12]) == Array("WEBP".utf8)
    }

    func plan(
        body: SimRequestBody, requestedName: String, model: SimModel, stream: Bool, keepAlive: Double, prompt: String,
        hasImages: Bool, verb: String, toolResults: [(name: String, content: String)] = []
    ) throws -> GenerationPlan {
        if model.has("embedding") && !model.has("completion") {
            throw SimRejection(status: 400, message: "\"\(requestedName)\" does not support \(verb)")
        }
        let think = try body.think()
        var thinking = model.has("thinking")
        switch think {
        case .enabled(true)?, .level?:
            guard model.has("thinking") else {
                throw SimRejection(status: 400, message: "\"\(requestedName)\" does not support thinking")
            }
        case .enabled(false)?: thinking = false
        case nil: break
        }
        var toolPlan: SimToolPlan?
        if let tools = try body.array("tools", goType: "[]api.Tool"), !tools.isEmpty {
            guard model.has("tools") else {
                let full = "registry.ollama.ai/library/" + model.name
                throw SimRejection(status: 400, message: "\(full) does not support tools")
            }
            toolPlan = SimToolPlan.plan(tools: tools, prompt: prompt, results: toolResults)
        } else if !toolResults.isEmpty {
            // A conversation that ends in tool results is answered from them, tools offered or not.
            toolPlan = SimToolPlan.plan(tools: [], prompt: prompt, results: toolResults)
        }
        if hasImages && !model.has("vision") {
            throw SimRejection(status: 500, message: "this model is missing data required for image input")
        }
        if hasImages { try checkImageFormats(body) }
        var tokenLimit: Int?
        var contextLength: Int?
        if let options = try body.object("options", goType: "map[string]interface {}") {
            if let stop = options["stop"], case .string = stop {
                throw SimRejection(status: 500, message: "option \"stop\" must be of type array")
            }
            if let limit = options["num_predict"]?.intValue, limit > 0 { tokenLimit = Int(limit) }
            if let context = options["num_ctx"]?.intValue, context > 0 { contextLength = Int(context) }
        }
        return GenerationPlan(
            requestedName: requestedName, model: model, stream: stream, keepAliveSeconds: keepAlive, think: thinking,
            prompt: prompt, tokenLimit: tokenLimit, tools: toolPlan, contextLength: contextLength)
    }

    /// An empty chat or generate: load the model (or unload it with keep-alive 0) and answer one object.
    func loadOrUnload(
        model: SimModel, requestedName: String, keepAlive: Double, field: String, _ responder: SimResponder
    ) async throws -> SimRouter.Disposition {
        let reason: String
        if keepAlive == 0 {
            await state.unload(model.name)
            reason = "unload"
        } else {
            if await state.load(model, keepAliveSeconds: keepAlive, contextLength: nil) {
                try await Task.sleep(for: configuration.loadDelay)
            }
            reason = "load"
        }
        let content: GoJSON =
            field == "message"
            ? .object([("role", .string("assistant")), ("content", .string(""))]) : .string("")
        try await responder.json(
            .ok,
            .object([
                ("model", .string(requestedName)), ("created_at", .string(utcNow())), (field, content),
                ("done", .bool(true)), ("done_reason", .string(reason)),
            ]))
        return .keepOpen
    }

    /// Streams (or collects) a reply: thinking tokens, then content tokens, then the final chunk.
    func produce(
        _ plan: GenerationPlan, _ responder: SimResponder,
        payload: @escaping (_ content: String, _ thinking: String?, _ done: Bool, _ toolCalls: GoJSON?) -> [(String, GoJSON)]
    ) async throws -> SimRouter.Disposition {
        let start = ContinuousClock.now
        let newlyLoaded = await state.load(
            plan.model, keepAliveSeconds: plan.keepAliveSeconds == 0 ? 0.5 : plan.keepAliveSeconds,
            contextLength: plan.contextLength)
        if newlyLoaded { try await Task.sleep(for: configuration.loadDelay) }
        let loadDuration = newlyLoaded ? nanoseconds(ContinuousClock.now - start) : 0
        var random = SeededRandom(seed: SeededRandom.mix(configuration.seed, plan.model.name + plan.prompt))
        let thinkingTokens = plan.think ? SimText.thinkingTokens(prompt: plan.prompt, random: &random) : []
        let tokenCount = plan.tokenLimit ?? configuration.replyTokens
        var contentTokens = SimText.replyTokens(prompt: plan.prompt, count: tokenCount, random: &random)
        if let answer = plan.tools?.answer { contentTokens = SimText.tokenize(answer, random: &random) }
        if faults.contains(.escapes) {
            let hostile = ["\u{1B}]52;c;cm0gLXJmIH4=\u{07}", "\u{1B}[2J", "\u{1B}]0;pwned\u{07}", "\u{9B}31m",
                           "\u{202E}txet\u{202C}", "\u{1B}P+q\u{1B}\\"]
            contentTokens.insert(contentsOf: hostile, at: min(2, contentTokens.count))
        }
        let promptTokens = max(1, plan.prompt.utf8.count / 4) + 12
        let interval = Duration.nanoseconds(Int64(1e9 / max(configuration.tokensPerSecond, 0.001)))
        let promptEvalDuration = Int64(promptTokens) * 180_000

        func line(_ content: String, _ thinking: String?, done: Bool, toolCalls: GoJSON? = nil,
                  metrics: [(String, GoJSON)] = []) -> GoJSON {
            var members: [(String, GoJSON)] = [("model", .string(plan.requestedName)), ("created_at", .string(utcNow()))]
            members += payload(content, thinking, done, toolCalls)
            members.append(("done", .bool(done)))
            if done { members.append(("done_reason", .string(plan.tokenLimit != nil ? "length" : "stop"))) }
            members += metrics
            return .object(members)
        }

        let toolCalls: GoJSON? = plan.tools.flatMap { $0.calls.isEmpty ? nil : $0.wireCalls(seed: plan.prompt) }

        func finalMetrics(evalStart: ContinuousClock.Instant) -> [(String, GoJSON)] {
            let evalDuration = nanoseconds(ContinuousClock.now - evalStart)
            var metrics = GoObject()
            metrics.addOmitZero("total_duration", nanoseconds(ContinuousClock.now - start) + promptEvalDuration)
            metrics.addOmitZero("load_duration", loadDuration)
            metrics.addOmitZero("prompt_eval_count", Int64(promptTokens))
            metrics.addOmitZero("prompt_eval_duration", promptEvalDuration)
            metrics.addOmitZero("eval_count", Int64(thinkingTokens.count + contentTokens.count))
            metrics.addOmitZero("eval_duration", max(evalDuration, 1))
            return metrics.members
        }

        if !plan.stream {
            try await Task.sleep(for: interval * (thinkingTokens.count + contentTokens.count))
            let thinking = thinkingTokens.joined()
            let content = toolCalls == nil ? contentTokens.joined() : ""
            try await responder.json(
                .ok, line(content, thinking, done: true, toolCalls: toolCalls, metrics: finalMetrics(evalStart: start)))
            return .keepOpen
        }

        var injector = makeInjector()
        return try await runStream(responder) {
            try await responder.startStream()
            let evalStart = ContinuousClock.now
            var next = ContinuousClock.now
            for token in thinkingTokens {
                next += interval
                try await Task.sleep(until: next, clock: .continuous)
                try await injector.beforeLine(responder) { line("", $0, done: false) }
                try await responder.line(line("", token, done: false))
            }
            if let toolCalls {
                try await injector.beforeLine(responder) { line($0, nil, done: false) }
                try await responder.line(line("", nil, done: false, toolCalls: toolCalls))
            } else {
                for token in contentTokens {
                    next += interval
                    try await Task.sleep(until: next, clock: .continuous)
                    try await injector.beforeLine(responder) { line($0, nil, done: false) }
                    try await responder.line(line(token, nil, done: false))
                }
            }
            try await injector.beforeLine(responder) { line($0, nil, done: false) }
            var final = line("", nil, done: true, metrics: finalMetrics(evalStart: evalStart))
            if case .object(var members) = final, plan.model.has("completion"), payloadIsGenerate(members) {
                // /api/generate's final chunk carries the context token ids before the metrics.
                let index = members.firstIndex { $0.0 == "done_reason" }.map { $0 + 1 } ?? members.count
                members.insert(("context", .array((0..<(promptTokens + 8)).map { .int(Int64(128_000 + $0)) })), at: index)
                final = .object(members)
            }
            try await responder.line(final)
            try await responder.endStream()
        }
    }

    private func payloadIsGenerate(_ members: [(String, GoJSON)]) -> Bool {
        members.contains { $0.0 == "response" }
    }

    func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
