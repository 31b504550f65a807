/// What drawing remembers between frames: each entry's wrapped lines (by revision) and the parsed
/// paragraphs of growing replies. One per dashboard, owned by whoever draws it (the loop, a test, a
/// benchmark) and passed to ``DashboardView/render(_:caches:)`` — no global statics, so dashboards
/// drawn in parallel (tests) never share or evict each other's lines.
public final class RenderCaches: Sendable {
    let transcript = TranscriptCache()
    let growingParagraphs = GrowingParagraphCache()
    let finishedParagraphs = ParagraphCache<MarkdownRenderer.FinishedLines>()
    let finishedWraps = ParagraphCache<[String]>()

    public init() {}
}
