/// What a piece of text *is*, not what colour it has: the theme maps roles to colours, and a
/// monochrome theme (for `NO_COLOR` or terminals without colour) maps them to attributes.
public enum ColorRole: UInt8, Sendable, CaseIterable {
    case normal, dim, border, borderFocused, title, titleFocused, header, selection, selectionUnfocused
    case accent, good, warning, error, thinking, code, statusBar, helpKey, helpText, banner, userText, gauge
}

/// Text attributes, combined with a role's colours.
public struct TextAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = TextAttributes(rawValue: 1)
    public static let dim = TextAttributes(rawValue: 2)
    public static let reverse = TextAttributes(rawValue: 4)
    public static let underline = TextAttributes(rawValue: 8)
    public static let italic = TextAttributes(rawValue: 16)
}

/// A cell's look: a role and extra attributes.
public struct Style: Sendable, Hashable {
    public var role: ColorRole
    public var attributes: TextAttributes

    public init(_ role: ColorRole = .normal, _ attributes: TextAttributes = []) {
        self.role = role
        self.attributes = attributes
    }

    public static let normal = Style()

    /// A short name for snapshots, such as `title+b`.
    public var snapshotName: String {
        var name = "\(role)"
        if attributes.contains(.bold) { name += "+b" }
        if attributes.contains(.dim) { name += "+d" }
        if attributes.contains(.reverse) { name += "+r" }
        if attributes.contains(.underline) { name += "+u" }
        if attributes.contains(.italic) { name += "+i" }
        return name
    }
}
