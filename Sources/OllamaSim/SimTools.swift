import OllamaKit

/// How the simulator answers a request that offers `tools`, the way a tool-capable model does on
/// Ollama: it asks for a call (one per place the prompt names, all in one chunk), and once the
/// conversation ends in `role: "tool"` messages it answers from them in words.
struct SimToolPlan: Equatable {
    struct Call: Equatable {
        var name: String
        var arguments: [(String, String)]

        static func == (lhs: Call, rhs: Call) -> Bool {
            lhs.name == rhs.name && lhs.arguments.map(\.0) == rhs.arguments.map(\.0)
                && lhs.arguments.map(\.1) == rhs.arguments.map(\.1)
        }
    }

    /// The calls to ask for (empty when answering results).
    var calls: [Call] = []
    /// The reply built from the tool results that ended the conversation.
    var answer: String?

    /// Places the simulator recognises in a prompt, with their IANA time zones.
    static let places: [(name: String, zone: String)] = [
        ("taipei", "Asia/Taipei"), ("台北", "Asia/Taipei"), ("臺北", "Asia/Taipei"), ("tokyo", "Asia/Tokyo"),
        ("東京", "Asia/Tokyo"), ("london", "Europe/London"), ("paris", "Europe/Paris"), ("berlin", "Europe/Berlin"),
        ("new york", "America/New_York"), ("sydney", "Australia/Sydney"),
    ]

    /// The plan for a request: `results` are the `role: "tool"` messages after the last other message.
    static func plan(tools: [JSONValue], prompt: String, results: [(name: String, content: String)]) -> SimToolPlan {
        if !results.isEmpty {
            let parts = results.map { result in
                let flat = result.content.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                return "\(result.name) says \(flat.count > 400 ? String(flat.prefix(400)) + "…" : flat)"
            }
            return SimToolPlan(answer: "From the tool results: " + parts.joined(separator: "; ") + ".")
        }
        let functions: [(name: String, words: String, required: [String])] = tools.compactMap { tool in
            guard case .object(let fields) = tool, case .object(let function)? = fields["function"],
                case .string(let name)? = function["name"]
            else { return nil }
            var required: [String] = []
            if case .object(let parameters)? = function["parameters"], case .array(let names)? = parameters["required"] {
                required = names.compactMap(\.stringValue)
            }
            let description = function["description"]?.stringValue ?? ""
            return (name, (name + " " + description).lowercased(), required)
        }
        guard !functions.isEmpty else { return SimToolPlan() }
        let lowered = prompt.lowercased()
        let promptWords = Set(lowered.split { !$0.isLetter }.map(String.init).filter { $0.count >= 4 })
        let chosen = functions.first { function in
            promptWords.contains { function.words.contains($0) }
        } ?? functions[0]
        var named = places.filter { lowered.contains($0.name) }
        // Two spellings of one place ask once.
        var seen = Set<String>()
        named = named.filter { seen.insert($0.zone).inserted }
        if named.isEmpty { named = [("tokyo", "Asia/Tokyo")] }
        let calls = named.map { place in
            Call(name: chosen.name, arguments: chosen.required.map { key in
                let lower = key.lowercased()
                if lower.contains("zone") { return (key, place.zone) }
                if lower == "time" { return (key, "12:00") }
                return (key, place.name.prefix(1).uppercased() + place.name.dropFirst())
            })
        }
        return SimToolPlan(calls: calls)
    }

    /// The calls as Ollama streams them: ids `call_` + 8 characters, `index` always present,
    /// arguments an object in the order the schema listed them.
    func wireCalls(seed: String) -> GoJSON {
        .array(calls.enumerated().map { index, call in
            let id = "call_" + String(SeededRandom.hexDigest(seed + String(index)).prefix(8))
            return .object([
                ("id", .string(id)),
                ("function", .object([
                    ("index", .int(Int64(index))), ("name", .string(call.name)),
                    ("arguments", .object(call.arguments.map { ($0.0, .string($0.1)) })),
                ])),
            ])
        })
    }
}
