import Algorithms
import OllamaKit
import TermUI

/// A one-line prompt about one model: a new name for copy or rename, or a keep-alive.
func performPrompt(_ state: inout AppState, _ prompt: Prompt, _ action: Action, _ key: Key) -> [Effect] {
    var prompt = prompt
    switch action {
    case .cancel:
        state.overlay = nil
        return []
    case .submit:
        let text = String(prompt.input.text.trimming(while: \.isWhitespace))
        switch prompt.purpose {
        case .copy, .rename:
            if let problem = ModelNameCheck.problem(with: text) {
                prompt.error = problem
                state.overlay = .prompt(prompt)
                return []
            }
            if ModelNameCheck.canonical(text) == ModelNameCheck.canonical(prompt.model) {
                prompt.error = "that is the model's own name"
                state.overlay = .prompt(prompt)
                return []
            }
            let operation: ModelOperation = prompt.purpose == .copy
                ? .copy(source: prompt.model, destination: text)
                : .rename(source: prompt.model, destination: text)
            if let existing = installedModel(state, host: prompt.host, named: text) {
                // Never replace a model without asking: default No.
                let loaded = state.host(named: prompt.host)?.running.contains { $0.name == existing.name } ?? false
                state.overlay = .confirmReplace(operation, host: prompt.host, existing: DeleteCandidate(
                    name: existing.name, host: prompt.host, size: existing.size, loaded: loaded))
                return []
            }
            state.overlay = nil
            return [.modelOperation(operation, host: prompt.host)]
        case .keepAlive:
            guard let keepAlive = KeepAlive.parse(text) else {
                prompt.error = "not a duration: try 5m, 1h, 90s, forever or 0"
                state.overlay = .prompt(prompt)
                return []
            }
            state.overlay = nil
            if keepAlive.seconds == 0 { return [.modelOperation(.unload(prompt.model), host: prompt.host)] }
            return [.modelOperation(.keepAlive(prompt.model, keepAlive), host: prompt.host)]
        }
    default:
        _ = prompt.input.handle(key)
        prompt.error = nil
        state.overlay = .prompt(prompt)
        return []
    }
}

/// The create form: name, system prompt, parameters.
func performCreateForm(_ state: inout AppState, _ form: CreateForm, _ action: Action, _ key: Key) -> [Effect] {
    var form = form
    switch action {
    case .cancel:
        state.overlay = nil
        return []
    case .nextField:
        form.field = (form.field + 1) % 3
    case .previousField:
        form.field = (form.field + 2) % 3
    case .submit:
        let name = String(form.name.text.trimming(while: \.isWhitespace))
        if let problem = ModelNameCheck.problem(with: name) {
            form.error = "name: " + problem
            form.field = 0
            break
        }
        switch CreateParameters.parse(form.parameters.text) {
        case .failure(let problem):
            form.error = problem.message
            form.field = 2
        case .success(let parameters):
            let system = String(form.system.text.trimming(while: \.isWhitespace))
            let request = CreateRequest(
                model: name, from: form.source, system: system.isEmpty ? nil : system,
                parameters: parameters.isEmpty ? nil : parameters)
            state.overlay = nil
            return startJob(&state, kind: .create, model: name, host: form.host, create: request)
        }
    default:
        switch form.field {
        case 0: _ = form.name.handle(key)
        case 1: _ = form.system.handle(key)
        default: _ = form.parameters.handle(key)
        }
        form.error = nil
    }
    state.overlay = .createForm(form)
    return []
}
