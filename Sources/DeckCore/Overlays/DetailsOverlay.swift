import OllamaKit
import TermUI

/// The details overlay: scrolling and searching a model's sections.
func performDetails(_ state: inout AppState, _ details: DetailsState, _ action: Action, _ key: Key) -> [Effect] {
    var details = details
    let count = details.lines?.count ?? 0
    let lines = details.lines ?? []
    let open = details.view.perform(action, key, count: count, page: max(1, state.height - 6), lastTop: count - 1) { text, start in
        nextMatch(lines, text, from: start)
    }
    state.overlay = open ? .details(details) : nil
    return []
}

/// The first line at or after `start` (wrapping around) containing `needle`, case-insensitive.
func nextMatch(_ lines: [DetailLine], _ needle: String, from start: Int) -> Int? {
    guard !needle.isEmpty, !lines.isEmpty else { return nil }
    let wanted = needle.lowercased()
    for offset in 0..<lines.count {
        let index = (start + offset) % lines.count
        if lines[index].text.lowercased().contains(wanted) { return index }
    }
    return nil
}
