#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OllamaKit
import TermUI

/// Identifies a running effect (a request), so it can be cancelled.
public typealias EffectID = Int

/// Facts the update function folds into the state. Named in the past tense.
public enum Msg: Sendable, Equatable {
    case keyPressed(Key)
    case resized(width: Int, height: Int)
    case ticked(Date)
    case versionLoaded(Result<String, OllamaError>)
    case modelsLoaded(Result<[InstalledModel], OllamaError>)
    case runningLoaded(Result<[RunningModel], OllamaError>)
    case pullProgressed(job: Int, ProgressResponse)
    case pullFinished(job: Int, OllamaError?)
    case chatChunkReceived(pane: Int, ChatResponse)
    case chatFinished(pane: Int, OllamaError?)
    /// The built-in simulator started on this host (demo mode).
    case demoStarted(host: String)
    case demoFailed(String)
    /// SIGINT, SIGTERM or SIGHUP arrived.
    case terminationRequested
}

/// Commands for the runtime: everything with a side effect.
public enum Effect: Sendable, Equatable {
    case fetchVersion
    case fetchModels
    case fetchRunning
    case startPull(job: Int, model: String, id: EffectID)
    case startChat(pane: Int, request: ChatRequest, id: EffectID)
    case cancel(EffectID)
    case startDemo
    case quit
}
