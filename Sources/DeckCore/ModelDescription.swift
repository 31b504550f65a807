import OllamaKit
import TermUI

/// A model's `show` answer as readable sections, shared by `ollama-deck show` and the dashboard's
/// details overlay.
public enum ModelDescription {
    public struct Section: Sendable, Equatable {
        public var title: String
        public var lines: [String]
    }

    public static func sections(for show: ShowResponse, name: String) -> [Section] {
        var sections: [Section] = []
        var model: [(String, String)] = [("name", name)]
        if let architecture = show.architecture { model.append(("architecture", architecture)) }
        if !show.details.parameterSize.isEmpty { model.append(("parameters", show.details.parameterSize)) }
        if let context = show.contextLength { model.append(("context length", String(context))) }
        if let embedding = show.embeddingLength { model.append(("embedding length", String(embedding))) }
        if !show.details.quantizationLevel.isEmpty { model.append(("quantization", show.details.quantizationLevel)) }
        if !show.details.family.isEmpty { model.append(("family", show.details.family)) }
        if !show.details.format.isEmpty { model.append(("format", show.details.format)) }
        sections.append(Section(title: "Model", lines: aligned(model)))
        if !show.capabilities.isEmpty { sections.append(Section(title: "Capabilities", lines: show.capabilities)) }
        if !show.parameters.isEmpty {
            sections.append(Section(title: "Parameters", lines: show.parameters.split(separator: "\n").map { collapse(String($0)) }))
        }
        if !show.system.isEmpty { sections.append(Section(title: "System", lines: split(show.system))) }
        if !show.template.isEmpty { sections.append(Section(title: "Template", lines: split(show.template))) }
        if !show.modelInfo.isEmpty {
            let info = show.modelInfo.sorted { $0.key < $1.key }.map { ($0.key, $0.value.displayText) }
            sections.append(Section(title: "Model info", lines: aligned(info)))
        }
        if !show.license.isEmpty { sections.append(Section(title: "License", lines: split(show.license))) }
        if !show.modelfile.isEmpty { sections.append(Section(title: "Modelfile", lines: split(show.modelfile))) }
        return sections
    }

    /// The sections as plain text, indented like `ollama show`.
    public static func text(for show: ShowResponse, name: String) -> String {
        sections(for: show, name: name).map { section in
            "  \(section.title)\n" + section.lines.map { "    " + DisplayWidth.sanitized($0) }.joined(separator: "\n") + "\n"
        }.joined(separator: "\n")
    }

    static func aligned(_ pairs: [(String, String)]) -> [String] {
        let width = pairs.map { DisplayWidth.width(of: $0.0) }.max() ?? 0
        return pairs.map { DisplayWidth.pad($0.0, toWidth: width) + "    " + $0.1 }
    }

    static func split(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// `stop                           "<|eot_id|>"` → `stop    "<|eot_id|>"`.
    static func collapse(_ line: String) -> String {
        guard let space = line.firstIndex(of: " ") else { return line }
        let name = line[line.startIndex..<space]
        let value = line[space...].drop { $0 == " " }
        return DisplayWidth.pad(String(name), toWidth: 16) + String(value)
    }
}
