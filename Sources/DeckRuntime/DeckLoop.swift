#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DeckCore
import DeckUI
import TermUI

#if canImport(Glibc)
import Glibc
#endif

/// The event loop. One thread owns the state and every terminal call: it sleeps in `poll` on the
/// keyboard and the inbox's wake pipe, folds each batch of keys and messages through `update`,
/// starts the effects, and draws one frame per batch (at most about 60 a second).
public final class DeckLoop {
    public private(set) var state: AppState
    let terminal: any TerminalBackend
    public let inbox: Inbox
    let runner: EffectRunner
    private var nextTick: Date
    /// Intervals run on this (monotonic) clock; see ``AnchoredClock``.
    private let clock: AnchoredClock
    private var lastWallOffset: TimeInterval = 0
    private var lastRender = ContinuousClock.now - .seconds(1)
    private var dirty = true
    /// The last frame drawn, and whether anything but chat replies changed since (then the whole
    /// frame is drawn again; otherwise only the chat pane).
    private var lastFrame: DashboardView.Frame?
    /// What earlier frames drew, kept for the next ones (this dashboard's own).
    private let renderCaches = RenderCaches()
    private var wholeFrameNeeded = true
    /// Set when what changed is the user's doing (a key, a resize): drawn within one 60 Hz frame.
    private var urgent = true
    /// Frames for keys: at most about 60 a second.
    private let keyFrameInterval: Duration = .milliseconds(16)
    /// Frames for background changes (stream chunks, progress, ticks): at most 15 a second, so a
    /// fast stream draws several tokens per frame, writes far fewer bytes to the terminal and costs
    /// well under 2% of a core (BENCHMARKS.md); a token shows at most ~66 ms after it arrives.
    private let backgroundFrameInterval: Duration = .milliseconds(66)
    private var minimumFrameInterval: Duration { urgent ? keyFrameInterval : backgroundFrameInterval }

    public init(state: AppState, terminal: any TerminalBackend, inbox: Inbox, runner: EffectRunner) {
        self.state = state
        self.terminal = terminal
        self.inbox = inbox
        self.runner = runner
        self.nextTick = state.now
        self.clock = AnchoredClock(anchor: state.now)
    }

    /// Runs until the state asks to quit. `maxIterations` bounds it for tests.
    public func run(maxIterations: Int? = nil) {
        let size = terminal.size
        dispatch(.resized(width: size.width, height: size.height))
        perform(startupEffects(&state))
        var iterations = 0
        while !state.wantsQuit {
            if let maxIterations, iterations >= maxIterations { break }
            iterations += 1
            waitForInput()
            processPending()
        }
    }

    /// One turn of the loop: sleep until something happens, then handle it (for tests that pump the loop).
    public func runOnce() {
        waitForInput()
        processPending()
    }

    /// Folds pending keys, inbox events and a due tick into the state, then draws if needed.
    public func processPending() {
        let keys = terminal.readKeys()
        let events = inbox.drain()
        if !keys.isEmpty || !events.isEmpty { dispatch(.clockAdvanced(clock.now())) }
        for key in keys { handleKey(key) }
        for event in events {
            switch event {
            case .message(let message):
                if !Self.isBackground(message) { urgent = true }
                dispatch(message)
            case .signal(let number): handleSignal(number)
            }
        }
        let now = clock.now()
        if now >= nextTick {
            let offset = clock.wallOffset()
            if abs(offset - lastWallOffset) > 1 {
                lastWallOffset = offset
                dispatch(.wallClockMoved(offset: offset))
            }
            // The next tick comes when the wall clock's second turns, so the clock shown moves on time.
            let wall = now.addingTimeInterval(offset).timeIntervalSince1970
            nextTick = now.addingTimeInterval(1 - wall.truncatingRemainder(dividingBy: 1))
            dispatch(.ticked(now))
            returnFreedMemory(now: now)
        }
        renderIfNeeded()
        // Streams that caught up read again now, right after the frame: what they read is drawn
        // with the next one.
        runner.pacer.tick()
    }

    func handleKey(_ key: Key) {
        urgent = true
        if key == .control("z") {
            suspend()
            return
        }
        dispatch(.keyPressed(key))
    }

    func handleSignal(_ number: Int32) {
        urgent = true
        wholeFrameNeeded = true
        switch number {
        case SIGWINCH:
            terminal.resize()
            let size = terminal.size
            dispatch(.resized(width: size.width, height: size.height))
            dirty = true
        case SIGTSTP:
            suspend()
        case SIGCONT:
            terminal.resumeAfterSuspend()
            dirty = true
        default:
            dispatch(.terminationRequested)
        }
    }

    func suspend() {
        wholeFrameNeeded = true
        terminal.suspend()
        signal(SIGTSTP, SIG_DFL)
        raise(SIGSTOP)
        signal(SIGTSTP, SIG_IGN)
        terminal.resumeAfterSuspend()
        // Keys typed while stopped, and the smkx resend, come through now.
        for key in terminal.readKeys() where key != .control("z") { dispatch(.keyPressed(key)) }
        let size = terminal.size
        dispatch(.resized(width: size.width, height: size.height))
        dirty = true
    }

    /// Stream chunks and pull progress: drawn at the background frame rate. Everything else
    /// (first data, errors, a finished reply) is drawn at once.
    static func isBackground(_ message: Msg) -> Bool {
        switch message {
        case .chatChunkReceived, .pullProgressed, .ticked, .clockAdvanced: return true
        default: return false
        }
    }

    /// When model lists were decoded (32 hosts of 200 models at start), the memory the decoding used
    /// and freed is handed back to the system on a tick after, at most every ten seconds: glibc keeps
    /// freed memory otherwise, and a fleet's first refresh would stay in the RSS for good.
    private var listsDecodedSinceTrim = false
    private var lastTrim = Date.distantPast

    private func returnFreedMemory(now: Date) {
        guard listsDecodedSinceTrim, now.timeIntervalSince(lastTrim) >= 10 else { return }
        listsDecodedSinceTrim = false
        lastTrim = now
        Self.mallocTrim?(0)
    }

    /// glibc's `malloc_trim` (not in the Glibc module's headers), looked up once; nil elsewhere.
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
        return nil
        #endif
    }()

    /// Applies one message and starts its effects.
    public func dispatch(_ message: Msg) {
        // A long list was decoded: the decoder's scraps are handed back on the next tick.
        if case .modelsLoaded(_, .success(let models), _) = message, models.count >= 100 { listsDecodedSinceTrim = true }
        let effects = update(&state, message)
        dirty = true
        if !Self.changesOnlyChatReplies(message) { wholeFrameNeeded = true }
        perform(effects)
    }

    func perform(_ effects: [Effect]) {
        for effect in effects {
            if case .copyToClipboard(let text) = effect {
                terminal.writeControlSequence(OSC52.sequence(for: text))
            } else {
                runner.run(effect)
            }
        }
    }

    func renderIfNeeded() {
        guard dirty else { return }
        let now = ContinuousClock.now
        if now - lastRender < minimumFrameInterval { return }  // the poll timeout brings us back
        lastRender = now
        dirty = false
        urgent = false
        var frame: DashboardView.Frame?
        if !wholeFrameNeeded, let lastFrame { frame = DashboardView.renderChatOnly(state, over: lastFrame, caches: renderCaches) }
        let drawn = frame ?? DashboardView.render(state, caches: renderCaches)
        lastFrame = drawn
        wholeFrameNeeded = false
        terminal.present(drawn)
        // A scrolled-back pane held at the top or kept still: the state learns where it is.
        for report in drawn.scrollReports { dispatch(.chatScrollSettled(report)) }
    }

    /// Messages after which only the chat pane can look different: stream chunks, and the clock
    /// moving within a second (a new second comes with a tick, which redraws everything).
    static func changesOnlyChatReplies(_ message: Msg) -> Bool {
        switch message {
        case .chatChunkReceived, .clockAdvanced, .chatScrollSettled: return true
        default: return false
        }
    }

    /// True while a reply or a pull is streaming.
    var isStreaming: Bool { state.chats.contains(where: \.isStreaming) || state.pulls.contains(where: \.isActive) }

    /// Sleeps in `poll` until a key, an inbox event, the next tick, or a deferred frame.
    func waitForInput() {
        var timeout = max(0, nextTick.timeIntervalSince(clock.now()))
        if dirty {
            let sinceRender = ContinuousClock.now - lastRender
            let remaining = minimumFrameInterval - sinceRender
            let seconds = Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18
            timeout = min(timeout, max(0, seconds))
        }
        // While replies or pulls stream, their events wait in the inbox until the next background
        // frame is due and are then handled together: about 15 wake-ups a second instead of one per
        // token. Keys still wake the loop at once.
        // A stream waiting on the pacer reads only at the next tick: keep the frames coming.
        let pacedReadsWaiting = runner.pacer.waitingCount > 0
        var fds: [pollfd] = []
        let sinceRender = ContinuousClock.now - lastRender
        if isStreaming || pacedReadsWaiting, sinceRender < backgroundFrameInterval {
            let remaining = backgroundFrameInterval - sinceRender
            let seconds = Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18
            timeout = min(timeout, seconds)
        } else {
            fds.append(pollfd(fd: inbox.wakeFD, events: Int16(POLLIN), revents: 0))
            if pacedReadsWaiting { timeout = min(timeout, 0.066) }
        }
        if let input = terminal.inputFD { fds.append(pollfd(fd: input, events: Int16(POLLIN), revents: 0)) }
        _ = poll(&fds, nfds_t(fds.count), Int32((timeout * 1000).rounded(.up)))
    }
}
