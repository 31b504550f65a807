import OllamaKit

/// A slash command typed in a chat pane, in the spirit of `ollama run`.
public enum ChatCommand: Sendable, Equatable {
    case setSystem(String)
    case setParameter(String, JSONValue)
    /// `/set think on|off|low|medium|high|max`.
    case setThink(ThinkSetting)
    case image(path: String)
    /// `/model NAME` or, with several hosts, `/model NAME@HOST`.
    case model(String, host: String?)
    case clear
    case save
    /// `/export PATH` (refuses to replace a file) or `/export! PATH` (replaces it).
    case export(path: String, replace: Bool)
    /// `/tools`: the tool servers and their tools (as F4).
    case tools
    case help

    /// The levels `think` takes besides on and off.
    public static let thinkLevels = ["low", "medium", "high", "max"]

    public static let helpText = """
        /set system TEXT · /set parameter NAME VALUE · /set think on|off|low|medium|high|max · /image PATH · /model NAME[@HOST] · \
        /clear · /export PATH (/export! replaces) · /tools (MCP servers, F4) · /help
        """

    /// Parameters `/set parameter` accepts, with the type each must have.
    public enum ParameterType: Sendable { case integer, number, stringList }
    public static let parameters: [String: ParameterType] = [
        "temperature": .number, "top_p": .number, "min_p": .number, "typical_p": .number, "repeat_penalty": .number,
        "presence_penalty": .number, "frequency_penalty": .number, "top_k": .integer, "num_ctx": .integer,
        "num_predict": .integer, "seed": .integer, "repeat_last_n": .integer, "num_keep": .integer,
        "num_batch": .integer, "num_gpu": .integer, "num_thread": .integer, "stop": .stringList,
    ]

    /// The values each numeric parameter may take (as Ollama's runner reads them): a value outside
    /// is refused with the range, never sent.
    public static let ranges: [String: ClosedRange<Double>] = [
        "temperature": 0...10, "top_p": 0...1, "min_p": 0...1, "typical_p": 0...1, "repeat_penalty": 0...10,
        "presence_penalty": -10...10, "frequency_penalty": -10...10, "top_k": 0...100_000,
        "num_ctx": 1...100_000_000, "num_predict": -2...100_000_000, "repeat_last_n": -1...100_000_000,
        "num_keep": -1...100_000_000, "num_batch": 1...100_000_000, "num_gpu": -1...100_000, "num_thread": 0...100_000,
    ]

    /// Why `value` is out of range for `name`, or nil when it is fine (or has no range).
    public static func rangeProblem(_ name: String, _ value: Double) -> String? {
        guard let range = ranges[name], !range.contains(value) else { return nil }
        func text(_ bound: Double) -> String {
            bound == bound.rounded() && abs(bound) < 1e15 ? String(Int64(bound)) : String(bound)
        }
        let special: [String: String] = [
            "num_predict": " (-1 no limit, -2 fill the context)", "repeat_last_n": " (-1 the whole context)",
            "num_gpu": " (-1 as many layers as fit)", "num_thread": " (0 lets the server choose)",
        ]
        return "\(name) must be between \(text(range.lowerBound)) and \(text(range.upperBound))\(special[name] ?? ""), not \(text(value))"
    }

    /// Parses a line starting with `/`; nil for ordinary text. Errors name what is wrong.
    public static func parse(_ line: String) -> Result<ChatCommand, ChatInputError>? {
        guard line.hasPrefix("/") else { return nil }
        let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let head = words.first else { return nil }
        let rest = { (from: Int) in words.dropFirst(from).joined(separator: " ") }
        switch head {
        case "/set":
            guard words.count >= 2 else { return .failure(ChatInputError("usage: /set system|parameter|think …")) }
            switch words[1] {
            case "system":
                let text = rest(2)
                return .success(.setSystem(text))
            case "parameter":
                guard words.count >= 4 else { return .failure(ChatInputError("usage: /set parameter NAME VALUE")) }
                return parseParameter(words[2], words.dropFirst(3).joined(separator: " "))
            case "think":
                switch words.count >= 3 ? words[2].lowercased() : "" {
                case "on", "true": return .success(.setThink(.enabled(true)))
                case "off", "false": return .success(.setThink(.enabled(false)))
                case let level where Self.thinkLevels.contains(level): return .success(.setThink(.level(level)))
                default: return .failure(ChatInputError("usage: /set think on|off|low|medium|high|max"))
                }
            default:
                return .failure(ChatInputError("unknown setting '\(words[1])': system, parameter or think"))
            }
        case "/image":
            let path = rest(1)
            return path.isEmpty ? .failure(ChatInputError("usage: /image PATH")) : .success(.image(path: path))
        case "/model":
            let given = rest(1)
            // NAME@HOST picks the host too (with several); the host is checked against the fleet later.
            var name = given
            var host: String?
            if let at = given.lastIndex(of: "@"), at != given.startIndex, given.index(after: at) != given.endIndex {
                name = String(given[..<at])
                host = String(given[given.index(after: at)...])
            }
            if let problem = ModelNameCheck.problem(with: name) { return .failure(ChatInputError("/model: \(problem)")) }
            return .success(.model(name, host: host))
        case "/clear": return .success(.clear)
        case "/save": return .success(.save)
        case "/export", "/export!":
            let path = rest(1)
            return path.isEmpty ? .failure(ChatInputError("usage: /export PATH")) : .success(.export(path: path, replace: head == "/export!"))
        case "/tools": return .success(.tools)
        case "/help", "/?": return .success(.help)
        default:
            return .failure(ChatInputError("unknown command \(head) — /help lists them"))
        }
    }

    static func parseParameter(_ name: String, _ value: String) -> Result<ChatCommand, ChatInputError> {
        guard let type = parameters[name] else {
            return .failure(ChatInputError("unknown parameter '\(name)'; known: \(parameters.keys.sorted().joined(separator: ", "))"))
        }
        switch type {
        case .integer:
            guard let number = Int64(value) else { return .failure(ChatInputError("\(name) must be a whole number, not '\(value)'")) }
            if let problem = rangeProblem(name, Double(number)) { return .failure(ChatInputError(problem)) }
            return .success(.setParameter(name, .integer(number)))
        case .number:
            guard let number = Double(value), number.isFinite else {
                return .failure(ChatInputError("\(name) must be a number, not '\(value)'"))
            }
            if let problem = rangeProblem(name, number) { return .failure(ChatInputError(problem)) }
            return .success(.setParameter(name, .number(number)))
        case .stringList:
            return .success(.setParameter(name, .array([.string(value)])))
        }
    }
}
