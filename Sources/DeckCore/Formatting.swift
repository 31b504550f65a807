#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Human-readable numbers, sizes and times, as the dashboard shows them.
public enum Format {
    /// Decimal SI sizes as ollama prints them: `2.0 GB`, `274 MB`, `96 B` (one decimal below 10).
    public static func bytes(_ value: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB", "PB"]
        var amount = Double(max(0, value))
        var unit = 0
        while amount >= 1000, unit < units.count - 1 {
            amount /= 1000
            unit += 1
        }
        if unit == 0 { return "\(Int64(amount)) B" }
        if amount >= 10 { return "\(Int64(amount)) \(units[unit])" }
        return "\(oneDecimal(amount)) \(units[unit])"
    }

    /// A rate such as `48 MB/s`.
    public static func rate(_ bytesPerSecond: Double) -> String {
        bytes(clampedInt64(bytesPerSecond)) + "/s"
    }

    /// A double as an Int64, clamped to 0…Int64.max (NaN is 0): server numbers never trap.
    public static func clampedInt64(_ value: Double) -> Int64 {
        guard value.isFinite, value > 0 else { return 0 }
        return value >= 9.2e18 ? Int64.max : Int64(value)
    }

    /// Adds sizes without trapping: negative ones count as 0, a sum past Int64.max stays there.
    @inlinable
    public static func saturatingAdd(_ total: Int64, _ value: Int64) -> Int64 {
        let (sum, overflow) = total.addingReportingOverflow(max(0, value))
        return overflow ? Int64.max : sum
    }

    /// ``saturatingAdd(_:_:)`` over a list.
    public static func saturatingSum(_ values: [Int64]) -> Int64 {
        values.reduce(0, saturatingAdd)
    }

    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int64((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// How long ago, compactly: `now`, `5m ago`, `3h ago`, `2d ago`, `3w ago`, `4mo ago`, `2y ago`.
    public static func age(of date: Date, now: Date) -> String {
        let seconds = now.timeIntervalSince(date)
        if seconds < 60 { return "now" }
        if seconds < 3600 { return "\(Int(seconds / 60))m ago" }
        if seconds < 86_400 { return "\(Int(seconds / 3600))h ago" }
        if seconds < 14 * 86_400 { return "\(Int(seconds / 86_400))d ago" }
        if seconds < 60 * 86_400 { return "\(Int(seconds / (7 * 86_400)))w ago" }
        if seconds < 365 * 86_400 { return "\(Int(seconds / (30 * 86_400)))mo ago" }
        return "\(Int(seconds / (365 * 86_400)))y ago"
    }

    /// A countdown to `date`: `4m 59s`, `1h 05m`, `forever` (more than 20 years away), `stopping…` once past.
    public static func countdown(to date: Date, now: Date) -> String {
        let seconds = date.timeIntervalSince(now)
        if seconds > 20 * 365.25 * 86_400 { return "forever" }
        if seconds <= 0 { return "stopping…" }
        let total = Int(seconds.rounded(.up))
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m \(pad2(total % 60))s" }
        if total < 86_400 { return "\(total / 3600)h \(pad2(total % 3600 / 60))m" }
        return "\(total / 86_400)d \(pad2(total % 86_400 / 3600))h"
    }

    /// A duration in seconds as the pull ETA shows it: `59s`, `1h5m`, `99h+`.
    public static func eta(seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "" }
        if seconds >= 100 * 3600 { return "99h+" }
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(total % 60)s" }
        return "\(total / 3600)h\(total % 3600 / 60)m"
    }

    /// A wait so far: `12s`, `3m05s`, `1h02m`.
    public static func elapsed(seconds: Int) -> String {
        let value = max(0, seconds)
        if value < 60 { return "\(value)s" }
        if value < 3600 { return "\(value / 60)m\(pad2(value % 60))s" }
        return "\(value / 3600)h\(pad2(value % 3600 / 60))m"
    }

    /// Wall-clock `HH:MM:SS` in the machine's time zone offset.
    public static func clock(_ date: Date, utcOffsetSeconds: Int) -> String {
        let seconds = Int(date.timeIntervalSince1970) + utcOffsetSeconds
        let day = ((seconds % 86_400) + 86_400) % 86_400
        return "\(pad2(day / 3600)):\(pad2(day % 3600 / 60)):\(pad2(day % 60))"
    }

    /// Tokens per second with one decimal.
    public static func tokensPerSecond(_ rate: Double) -> String { "\(oneDecimal(rate)) tok/s" }

    /// A count of tokens, short: 950, 3.2k, 128k, 1.0M.
    public static func count(_ value: Int) -> String {
        if value < 1000 { return String(max(0, value)) }
        if value < 100_000 { return oneDecimal(Double(value) / 1000) + "k" }
        if value < 1_000_000 { return String(value / 1000) + "k" }
        return oneDecimal(Double(value) / 1_000_000) + "M"
    }

    /// Milliseconds or seconds for a duration in nanoseconds: `840 ms`, `2.3 s`.
    public static func duration(nanoseconds: Int64) -> String {
        if nanoseconds < 1_000_000_000 { return "\(nanoseconds / 1_000_000) ms" }
        return "\(oneDecimal(Double(nanoseconds) / 1e9)) s"
    }

    static func pad2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
