#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OllamaKit
import TermUI

/// The model the Models or Running pane has selected, with its host.
func targetModel(_ state: AppState) -> ModelRef? {
    switch state.focus {
    case .running: return state.selectedRunning
    default: return state.modelsPane.selected
    }
}

func performModelAction(_ state: inout AppState, _ action: Action) -> [Effect] {
    guard let target = targetModel(state) else {
        setNotice(&state, state.focus == .running ? "no model is loaded" : "no model selected")
        return []
    }
    let model = target.name
    let host = target.host
    if [.load, .unload, .keepAlive].contains(action), state.installedModel(target)?.isCloud == true {
        // It runs elsewhere: there is no memory here to load it into, unload it from or keep it in.
        setNotice(&state, "\(model) is a cloud model: it runs on its own server and is never loaded here")
        return []
    }
    switch action {
    case .mark:
        if state.modelsPane.marked.contains(target) { state.modelsPane.marked.remove(target) } else { state.modelsPane.marked.insert(target) }
        move(&state, .moveDown)
    case .delete:
        let refs = state.modelsPane.marked.isEmpty ? [target] : state.modelsPane.visible.map(\.ref).filter(state.modelsPane.marked.contains)
        let candidates = refs.map { ref in
            DeleteCandidate(
                name: ref.name, host: ref.host, size: state.installedModel(ref)?.size ?? 0,
                loaded: state.host(named: ref.host)?.running.contains { $0.name == ref.name } ?? false)
        }
        state.overlay = .confirmDelete(candidates)
    case .copy: state.overlay = .prompt(Prompt(purpose: .copy, model: model, host: host))
    case .rename: state.overlay = .prompt(Prompt(purpose: .rename, model: model, host: host, input: TextInput(selecting: model)))
    case .keepAlive: state.overlay = .prompt(Prompt(purpose: .keepAlive, model: model, host: host, input: TextInput(selecting: "30m")))
    case .details:
        var details = DetailsState(model: model, host: host)
        details.elsewhere = whereElse(state, target)
        state.overlay = .details(details)
        return [.fetchDetails(host: host, model: model)]
    case .load:
        setNotice(&state, "loading \(model)\(state.isFleet ? " on \(host)" : "")…")
        return [.modelOperation(.load(model), host: host)]
    case .unload:
        return [.modelOperation(.unload(model), host: host)]
    case .create: state.overlay = .createForm(CreateForm(source: model, host: host))
    case .push:
        state.overlay = .confirmPush(target)
    default: break
    }
    return []
}

/// "Where is this model?": every other host with a model of the same name, and whether its digest
/// matches (the same model) or differs (another version). Empty with one host.
func whereElse(_ state: AppState, _ ref: ModelRef) -> [DetailLine] {
    guard state.isFleet else { return [] }
    let wanted = ModelNameCheck.canonical(ref.name)
    let digest = state.installedModel(ref)?.digest ?? ""
    var lines = [DetailLine(text: "On hosts", isHeading: true), DetailLine(text: "  \(ref.host)  (this one)", isHeading: false)]
    for host in state.hosts where host.name != ref.host {
        guard let other = host.models.first(where: { ModelNameCheck.canonical($0.name) == wanted }) else { continue }
        let same = !digest.isEmpty && other.digest == digest
        let verdict = same ? "same model (digest \(PullJob.shortDigest(digest)))"
            : "another version (digest \(PullJob.shortDigest(other.digest)), here \(PullJob.shortDigest(digest)))"
        lines.append(DetailLine(text: "  \(host.name)  \(verdict)", isHeading: false))
    }
    if lines.count == 2 { lines.append(DetailLine(text: "  on no other host", isHeading: false)) }
    return lines + [DetailLine(text: "", isHeading: false)]
}

/// The installed model a name refers to on a host, as Ollama resolves names.
func installedModel(_ state: AppState, host: String, named name: String) -> InstalledModel? {
    state.host(named: host)?.installedModel(named: name)
}

/// Parses `temperature=0.7 num_ctx=8192 stop=<|end|>` into create parameters, with type checks.
public enum CreateParameters {
    public struct Problem: Error, Equatable {
        public var message: String
        public init(message: String) { self.message = message }
    }

    static let numeric: Set<String> = [
        "temperature", "top_p", "top_k", "min_p", "num_ctx", "num_predict", "seed", "repeat_penalty", "repeat_last_n",
        "presence_penalty", "frequency_penalty", "typical_p", "num_keep", "num_batch", "num_gpu", "num_thread",
    ]
    static let integers: Set<String> = ["top_k", "num_ctx", "num_predict", "seed", "repeat_last_n", "num_keep", "num_batch", "num_gpu", "num_thread"]

    public static func parse(_ text: String) -> Result<[String: JSONValue], Problem> {
        var parameters: [String: JSONValue] = [:]
        for part in text.split(separator: " ") {
            guard let equals = part.firstIndex(of: "="), equals != part.startIndex else {
                return .failure(Problem(message: "parameters are name=value, e.g. temperature=0.7 (got \"\(part)\")"))
            }
            let name = String(part[part.startIndex..<equals])
            let value = String(part[part.index(after: equals)...])
            if name == "stop" {
                var stops: [JSONValue] = []
                if case .array(let existing)? = parameters["stop"] { stops = existing }
                stops.append(.string(value))
                parameters["stop"] = .array(stops)
            } else if numeric.contains(name) {
                if integers.contains(name) {
                    guard let number = Int64(value) else {
                        return .failure(Problem(message: "\(name) must be a whole number (got \"\(value)\")"))
                    }
                    if let problem = ChatCommand.rangeProblem(name, Double(number)) { return .failure(Problem(message: problem)) }
                    parameters[name] = .integer(number)
                } else {
                    guard let number = Double(value), number.isFinite else {
                        return .failure(Problem(message: "\(name) must be a number (got \"\(value)\")"))
                    }
                    if let problem = ChatCommand.rangeProblem(name, number) { return .failure(Problem(message: problem)) }
                    parameters[name] = .number(number)
                }
            } else {
                return .failure(Problem(message: "unknown parameter \"\(name)\""))
            }
        }
        return .success(parameters)
    }
}

func performJobAction(_ state: inout AppState, _ action: Action) -> [Effect] {
    switch action {
    case .clearFinished:
        state.pulls.removeAll { !$0.isActive }
        state.selectedPull = state.pulls.first?.id
        return []
    default: break
    }
    guard let id = state.selectedPull ?? state.pulls.first?.id,
        let index = state.pulls.firstIndex(where: { $0.id == id })
    else { return [] }
    let job = state.pulls[index]
    switch action {
    case .showError:
        guard let error = job.error else {
            setNotice(&state, "\(job.model) has no error to show")
            return []
        }
        var details = DetailsState(model: "\(job.model) — \(job.kind.rawValue) error")
        let width = max(20, min(96, state.width - 8))
        details.lines = [DetailLine(text: "Error", isHeading: true)]
            + TextWrap.wrap(error, width: width).map { DetailLine(text: "  " + $0, isHeading: false) }
        state.overlay = .details(details)
        return []
    case .cancelJob:
        guard job.isActive, let effect = job.effect else { return [] }
        return [.cancel(effect)]
    case .restartJob:
        // A failed, cancelled or stalled job starts again; a pull resumes from the bytes on disk.
        guard !job.isActive || job.isStalled(now: state.now, after: state.stallSeconds) else {
            setNotice(&state, "\(job.model) is still running: x cancels it")
            return []
        }
        var effects: [Effect] = []
        if job.isActive, let effect = job.effect { effects.append(.cancel(effect)) }
        state.pulls.remove(at: index)
        return effects + startJob(&state, kind: job.kind, model: job.model, host: job.host, create: job.createRequest)
    default:
        return []
    }
}

/// Adds a pull, push or create job and returns the effect that runs it.
func startJob(_ state: inout AppState, kind: PullJob.Kind, model: String, host: String, create: CreateRequest?) -> [Effect] {
    let id = state.nextPullID
    state.nextPullID += 1
    let effect = state.makeEffectID()
    var job = PullJob(id: id, model: model, host: host, kind: kind, now: state.now)
    job.effect = effect
    job.createRequest = create
    state.pulls.insert(job, at: 0)
    state.selectedPull = id
    switch kind {
    case .pull: return [.startPull(job: id, host: host, model: model, id: effect)]
    case .push: return [.startPush(job: id, host: host, model: model, id: effect)]
    case .create: return [.startCreate(job: id, host: host, request: create ?? CreateRequest(model: model), id: effect)]
    }
}

func operationFinished(_ state: inout AppState, _ operation: ModelOperation, host: String, _ error: OllamaError?) -> [Effect] {
    let on = state.isFleet ? " on \(host)" : ""
    if let error {
        setNotice(&state, "\(operation.verb) failed\(on): \(error.serverMessage ?? error.description)")
    } else {
        setNotice(&state, operation.successMessage + on)
    }
    guard let index = state.hostIndex(host) else { return [] }
    state.hosts[index].pendingRequests += operation.changesLibrary ? 2 : 1
    return operation.changesLibrary ? [.fetchModels(host: host), .fetchRunning(host: host)] : [.fetchRunning(host: host)]
}

func modelShown(_ state: inout AppState, host: String, name: String, _ result: Result<ShowResponse, OllamaError>) {
    guard case .details(var details)? = state.overlay, details.model == name, details.host == host else { return }
    switch result {
    case .success(let show):
        details.lines = details.elsewhere + ModelDescription.sections(for: show, name: name).flatMap { section in
            [DetailLine(text: section.title, isHeading: true)]
                + section.lines.map { DetailLine(text: "  " + $0, isHeading: false) }
                + [DetailLine(text: "", isHeading: false)]
        }
    case .failure(let error):
        details.error = error.serverMessage ?? error.description
    }
    state.overlay = .details(details)
}
