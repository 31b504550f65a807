import TermUI

/// Where a scrolled, searchable list of lines is (the details and help overlays): the first line
/// shown, and a search typed after `/`.
public struct ScrolledSearch: Sendable, Equatable {
    public var scroll = 0
    public var search = TextInput()
    public var isSearching = false

    public init() {}

    /// Applies a key's action. `count` lines, `page` lines a page, `lastTop` the last line that may
    /// be at the top; `match(text, from)` finds the next line containing the search. Returns false
    /// when the overlay should close (Esc outside a search).
    mutating func perform(
        _ action: Action, _ key: Key, count: Int, page: Int, lastTop: Int, match: (String, Int) -> Int?
    ) -> Bool {
        switch action {
        case .type, .edit:
            _ = search.handle(key)
            if let found = match(search.text, 0) { scroll = found }
        case .submit: isSearching = false
        case .cancel:
            guard isSearching else { return false }
            isSearching = false
            search.clear()
        case .search:
            isSearching = true
            search.clear()
        case .nextMatch:
            if let found = match(search.text, scroll + 1) { scroll = found }
        case .moveUp: scroll -= 1
        case .moveDown: scroll += 1
        case .pageUp: scroll -= page
        case .pageDown: scroll += page
        case .moveTop: scroll = 0
        case .moveBottom: scroll = count
        default: break
        }
        scroll = max(0, min(scroll, max(0, lastTop)))
        return true
    }
}
