#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OllamaKit

func sendChat(_ state: inout AppState) -> [Effect] {
    let prompt = state.chat.input.text.trimmingCharactersInSet([" "])
    if prompt.isEmpty { return [] }
    if state.chat.isStreaming {
        setNotice(&state, "a reply is still streaming: Esc stops it")
        return []
    }
    guard let model = state.chat.model else {
        setNotice(&state, "pick a model first: Enter on a model in the Models pane")
        return []
    }
    state.chat.input.clear()
    state.chat.entries.append(ChatEntry(role: .user, content: prompt))
    let request = ChatRequest(model: model, messages: state.chat.requestMessages)
    state.chat.entries.append(ChatEntry(role: .assistant, content: ""))
    state.chat.status = .waiting
    state.chat.sentAt = state.now
    state.chat.firstTokenAt = nil
    state.chat.scrollBack = 0
    let id = state.makeEffectID()
    state.chat.streamEffect = id
    return [.startChat(pane: 0, request: request, id: id)]
}

func applyChatChunk(_ state: inout AppState, _ chunk: ChatResponse) {
    guard state.chat.streamEffect != nil, var entry = state.chat.entries.last, entry.role == .assistant else { return }
    if let thinking = chunk.message.thinking, !thinking.isEmpty {
        entry.thinking += thinking
        state.chat.status = .thinking
    }
    if !chunk.message.content.isEmpty {
        if state.chat.firstTokenAt == nil { state.chat.firstTokenAt = state.now }
        entry.content += chunk.message.content
        state.chat.status = .streaming
    }
    if chunk.done { entry.metrics = chunk.metrics }
    state.chat.entries[state.chat.entries.count - 1] = entry
}

func finishChat(_ state: inout AppState, error: OllamaError?) {
    state.chat.streamEffect = nil
    guard let index = state.chat.entries.lastIndex(where: { $0.role == .assistant }) else { return }
    switch error {
    case nil:
        state.chat.status = .done
    case .cancelled?:
        state.chat.status = .stopped
        state.chat.entries[index].interruption = "stopped"
    case let error?:
        let message = error.serverMessage ?? error.description
        state.chat.status = .failed(message)
        state.chat.entries[index].interruption = message
    }
}
