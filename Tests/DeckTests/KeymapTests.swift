import DeckCore
import DeckUI
import Foundation
import OllamaKit
import TermUI
import Testing

/// One table decides every key: what the help bar, `?` and on-screen hints show is what fires.
@Suite("Keymap: dispatch, help bar and ? agree")
struct KeymapTests {
    /// Every context stack the dashboard can be in.
    static let stacks = Keymap.knownStacks

    @Test("keyContexts returns only known stacks, for every pane, overlay and size")
    func contextsAreKnown() {
        var states: [AppState] = []
        for pane in Pane.allCases {
            var state = loadedState()
            state.focus = pane
            states.append(state)
        }
        var filtering = loadedState()
        press(&filtering, .character("/"))
        states.append(filtering)
        var small = loadedState()
        _ = update(&small, .resized(width: 20, height: 5))
        states.append(small)
        let overlays: [Overlay] = [
            .help(HelpState(underlying: [.global])), .confirmQuit, .pullPrompt(PullPrompt(host: "h")),
            .prompt(Prompt(purpose: .copy, model: "m", host: "h")), .confirmDelete([]), .confirmPush(ModelRef(host: "h", name: "m")),
            .createForm(CreateForm(source: "m", host: "h")), .details(DetailsState(model: "m")), .sessions(SessionListState()),
        ]
        for overlay in overlays {
            var state = loadedState()
            state.overlay = overlay
            states.append(state)
        }
        for state in states { #expect(Keymap.knownStacks.contains(keyContexts(state)), "\(keyContexts(state))") }
    }

    @Test("every key the help bar or ? shows for a context fires that binding there")
    func shownKeysFire() {
        for stack in Self.stacks {
            for binding in Keymap.effective(in: stack) {
                for case .key(let key) in binding.keys {
                    #expect(Keymap.action(for: key, in: stack) == binding.action, "\(key) in \(stack) shows \(binding.help)")
                }
            }
        }
    }

    @Test("in the chat prompt letters type, and the global keys shown are the Ctrl and F-key forms")
    func chatShowsWorkingForms() {
        let stack: [KeyContext] = [.pane(.chat), .textInput, .global]
        #expect(Keymap.action(for: .character("q"), in: stack) == .type)
        #expect(Keymap.label(for: .quit, in: stack) == "^Q")
        #expect(Keymap.label(for: .refresh, in: stack) == "F5")
        #expect(Keymap.label(for: .pull, in: stack) == "^P")
        #expect(Keymap.action(for: .end, in: stack) == .moveBottom)
        #expect(Keymap.action(for: .home, in: stack) == .edit)
        #expect(Keymap.label(for: .refresh, in: [.pane(.models), .global]) == "r")
    }

    /// Opens `?` at 80×24 and pages through it, collecting every row drawn.
    func helpPages(_ state: inout AppState) -> String {
        press(&state, .character("?"))
        var seen = ""
        for _ in 0..<40 {
            seen += DashboardView.render(state).buffer.text + "\n"
            press(&state, .pageDown)
        }
        return seen
    }

    @Test("? at 80×24 reaches every binding in the keymap, keys and words uncut")
    func helpReachesEverything() {
        var state = loadedState()
        _ = update(&state, .resized(width: 80, height: 24))
        let seen = helpPages(&state)
        let missing = Keymap.bindings.filter { !seen.contains($0.keyLabel) || !seen.contains($0.help) }
            .map { "\($0.keyLabel) \($0.help)" }
        #expect(missing == [])
        // And it closes with Esc, searches with /.
        press(&state, .escape)
        #expect(state.overlay == nil)
        press(&state, .character("?"), .character("/"))
        for character in "code block" { press(&state, .character(character)) }
        #expect(DashboardView.render(state).buffer.text.contains("copy last code block"))
    }

    @Test("the offline banner names the retry key that works where the user is, and it works there")
    func bannerKeysWork() {
        var state = loadedState()
        state.canOfferDemo = true
        _ = update(&state, .resized(width: 120, height: 40))
        _ = update(&state, .versionLoaded(host: testHost, .failure(.connection(host: "h", reason: "connection refused"))))
        #expect(DashboardView.render(state).buffer.rowText(1).contains("r now · d demo"))
        press(&state, .character("4"))
        let banner = DashboardView.render(state).buffer.rowText(1)
        #expect(banner.contains("F5 now · F6 demo"))
        press(&state, .character("r"))
        #expect(state.chat.input.text == "r")  // a letter types in the prompt
        #expect(press(&state, .function(5)).contains(.fetchVersion(host: testHost)))
        _ = update(&state, .versionLoaded(host: testHost, .failure(.connection(host: "h", reason: "connection refused"))))
        #expect(press(&state, .function(6)) == [.startDemo])
        #expect(DashboardView.render(state).buffer.text.contains("press ^P to pull"))
    }

    @Test("on a too-small terminal the q it offers quits")
    func tooSmallQuits() {
        var state = loadedState()
        state.focus = .chat
        _ = update(&state, .resized(width: 30, height: 8))
        #expect(DashboardView.render(state).buffer.text.contains("q quits"))
        #expect(press(&state, .character("q")).contains(.quit))
    }

    @Test("the Pulls pane scrolls to its selection, says how many jobs are hidden, and x cancels the one shown")
    func pullsScroll() throws {
        var state = loadedState()
        _ = update(&state, .resized(width: 120, height: 40))
        for n in 1...17 {
            press(&state, .character("p"))
            for character in "model-\(n)" { press(&state, .character(character)) }
            press(&state, .enter)
        }
        press(&state, .character("3"), .character("G"))
        let last = try #require(state.pulls.last)
        #expect(state.selectedPull == last.id)
        let screen = DashboardView.render(state).buffer.text
        #expect(screen.contains(last.model + " "))
        #expect(screen.contains("↑ "))
        let effect = try #require(last.effect)
        #expect(press(&state, .character("x")) == [.cancel(effect)])
        press(&state, .character("g"))
        #expect(DashboardView.render(state).buffer.text.contains("↓ "))
    }

    @Test("a failed job's long error wraps under it, and e opens it whole")
    func pullErrorInFull() throws {
        var state = loadedState()
        _ = update(&state, .resized(width: 80, height: 24))
        press(&state, .character("p"))
        for character in "big-model" { press(&state, .character(character)) }
        press(&state, .enter)
        let job = try #require(state.pulls.first)
        let error = "pull model manifest: Get \"https://registry.ollama.ai/v2/library/big-model/manifests/latest\": dial tcp: lookup registry.ollama.ai: no such host"
        _ = update(&state, .pullFinished(job: job.id, .http(status: 500, message: error)))
        press(&state, .character("3"))
        #expect(DashboardView.render(state).buffer.text.contains("dial tcp"))
        press(&state, .character("e"))
        let details = try #require({ if case .details(let d)? = state.overlay { return d } else { return nil } }())
        #expect(details.lines?.map(\.text).joined().contains("no such host") == true)
    }
}
