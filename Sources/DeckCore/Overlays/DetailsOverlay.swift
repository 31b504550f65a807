import OllamaKit
import TermUI

/// The details overlay: scrolling and searching a model's sections.
func performDetails(_ state: inout AppState, _ details: DetailsState, _ action: Action, _ key: Key) -> [Effect] {
    var details = details
    let count = details.lines?.count ?? 0
    let page = max(1, state.height - 6)
    switch action {
    case .type, .edit:
        _ = details.search.handle(key)
        if let match = nextMatch(details, from: 0) { details.scroll = match }
    case .submit: details.isSearching = false
    case .cancel:
        if details.isSearching {
            details.isSearching = false
            details.search.clear()
        } else {
            state.overlay = nil
            return []
        }
    case .moveUp: details.scroll -= 1
    case .moveDown: details.scroll += 1
    case .pageUp: details.scroll -= page
    case .pageDown: details.scroll += page
    case .moveTop: details.scroll = 0
    case .moveBottom: details.scroll = count
    case .search:
        details.isSearching = true
        details.search.clear()
    case .nextMatch:
        if let match = nextMatch(details, from: details.scroll + 1) { details.scroll = match }
    default: break
    }
    details.scroll = max(0, min(details.scroll, max(0, count - 1)))
    state.overlay = .details(details)
    return []
}

/// The first line at or after `from` (wrapping around) containing the search text, case-insensitive.
func nextMatch(_ details: DetailsState, from start: Int) -> Int? {
    guard let lines = details.lines, !details.search.isEmpty else { return nil }
    let needle = details.search.text.lowercased()
    for offset in 0..<lines.count {
        let index = (start + offset) % lines.count
        if lines[index].text.lowercased().contains(needle) { return index }
    }
    return nil
}
