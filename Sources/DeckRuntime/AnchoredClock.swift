#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The dashboard's clock: wall time when the loop started, moved on by the monotonic clock.
/// Every interval (refreshes, retries, saves, stalls, notices) runs on it, so a wall clock set back
/// or forward never stops refreshes and saves or fires them all at once. What is shown as a time
/// of day, or compared with the server's dates, uses the wall clock (``AppState/wallNow``), told
/// to the state when it moves by more than a second against this one.
struct AnchoredClock {
    private let anchorDate: Date
    private let anchorInstant = ContinuousClock.now

    init(anchor: Date) { anchorDate = anchor }

    /// Now, on the monotonic scale.
    func now() -> Date {
        let elapsed = ContinuousClock.now - anchorInstant
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return anchorDate.addingTimeInterval(seconds)
    }

    /// How far the wall clock is from ``now()`` (0 until someone sets the clock).
    func wallOffset() -> TimeInterval { Date().timeIntervalSince(now()) }
}
