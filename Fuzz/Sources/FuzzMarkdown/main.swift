import DeckCore
import DeckUI
import Foundation
import OllamaKit
import TermUI

/// A reply of arbitrary text (markup, escapes, wide and zero-width characters), streamed into a chat
/// pane in pieces and drawn at a size the input chooses. Checks: no control character reaches a cell.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMarkdown(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard count >= 2 else { return 0 }
    let width = 1 + Int(start[0]) % 160
    let height = 1 + Int(start[1]) % 60
    let text = String(decoding: UnsafeBufferPointer(start: start + 2, count: count - 2), as: UTF8.self)
    var state = AppState(host: "http://127.0.0.1:11434", now: Date(timeIntervalSince1970: 1_790_000_000))
    _ = update(&state, .resized(width: width, height: height))
    let model = InstalledModel(name: "m:1b", modifiedAt: state.now, size: 1, digest: "d", details: ModelDetails(), capabilities: ["completion"])
    _ = update(&state, .modelsLoaded(.success([model])))
    _ = update(&state, .keyPressed(.enter))
    _ = update(&state, .keyPressed(.character("x")))
    _ = update(&state, .keyPressed(.enter))
    let pane = state.chat.id
    var piece = ""
    for character in text {
        piece.append(character)
        if piece.unicodeScalars.count >= 5 {
            _ = update(&state, .chatChunkReceived(pane: pane, ChatResponse(model: "m:1b", message: .assistant(piece), done: false)))
            piece = ""
        }
    }
    _ = update(&state, .chatChunkReceived(pane: pane, ChatResponse(model: "m:1b", message: .assistant(piece), done: false)))
    let frame = DashboardView.render(state)
    for row in frame.buffer.text.split(separator: "\n") {
        for scalar in row.unicodeScalars { precondition(!DisplayWidth.isControl(scalar), "a control character reached the screen") }
    }
    return 0
}
