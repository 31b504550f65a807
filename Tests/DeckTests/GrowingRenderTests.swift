@testable import DeckUI
import TermUI
import Testing

/// Rendering a growing reply from cached finished paragraphs must give exactly what rendering it
/// whole gives, at every length, through tables, code fences and edits.
@Suite("Rendering a growing reply")
struct GrowingRenderTests {
    /// This test's own: tests run in parallel, and each draws from what it drew itself.
    let caches = RenderCaches()

    static let sample = """
        # 天空为什么是蓝色的

        Sunlight is **scattered** by the air; *blue* light the most.

        | colour | wavelength |
        |---|---|
        | 蓝 | 450 nm |

        ```swift
        let sky = "blue"

        print(sky)
        ```

        - one
        - two

        > quoted text that is long enough to wrap around the pane at least once or twice

        1. first
        2. second


        """

    @Test("every prefix of a long reply renders the same as rendering it whole", arguments: [24, 57])
    func prefixes(width: Int) {
        let text = String(repeating: Self.sample, count: 12)
        var length = 0
        for character in text {
            length += 1
            guard length % 37 == 0 || length == text.count else { continue }
            let prefix = String(text.prefix(length))
            #expect(MarkdownRenderer.renderGrowing(prefix, width: width, caches: caches) == MarkdownRenderer.render(prefix, width: width),
                    "differs at \(length) characters (\(character))")
        }
    }

    /// Pieces of a paragraph as a model streams them: words, markers that open and close (or never
    /// close), CJK, emoji that grow by ZWJ, flags, combining marks, long words, a CR.
    static let pieces = [
        "word ", "the ", "sky ", "**", "*", "_", "`", "** ", "* ", "_x", "天空", "蓝色的 ", "👨", "\u{200D}", "👩",
        "🇫", "🇷", "e", "\u{301}", " ", "  ", "supercalifragilisticexpialidocious", "\r", "x*y ", "a_b_c ", "``",
    ]

    @Test("a growing paragraph drawn from its cached parse matches drawing it whole, scalar by scalar",
          arguments: [(7, 23), (31, 40), (99, 61)])
    func growingParagraph(seed: Int, width: Int) {
        var state = UInt64(seed)
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        var paragraph = ""
        while paragraph.unicodeScalars.count < 700 { paragraph += Self.pieces[next() % Self.pieces.count] }
        let scalars = Array(paragraph.unicodeScalars)
        // Alone (no line break at all), and after finished lines (the tail of a longer reply).
        for lead in ["", String(repeating: "earlier text, ", count: 20) + "\n\n"] {
            var text = lead
            for (count, scalar) in scalars.enumerated() {
                text.unicodeScalars.append(scalar)
                guard count % 3 == 0 || count == scalars.count - 1 else { continue }
                let growing = MarkdownRenderer.renderGrowing(text, width: width, caches: caches)
                let whole = MarkdownRenderer.render(text, width: width)
                #expect(growing == whole, "differs after \(count) scalars at width \(width)")
                if growing != whole { return }
            }
        }
    }

    @Test("thinking text wraps the same from cached paragraphs, CR LF included")
    func thinking() {
        let text = String(repeating: "I should think about this carefully, 天空 and all.\nNext step\r\n", count: 80)
        var length = 0
        for _ in text {
            length += 1
            guard length % 53 == 0 else { continue }
            let prefix = String(text.prefix(length))
            #expect(MarkdownRenderer.wrapGrowing(prefix, width: 31, caches: caches) == TextWrap.wrap(prefix, width: 31), "differs at \(length)")
        }
    }

    @Test("a table growing row by row keeps its columns aligned across the cut")
    func tables() {
        var text = String(repeating: "filler line\n", count: 250) + "| a | b |\n|---|---|\n"
        for row in 0..<30 {
            text += "| \(String(repeating: "x", count: row)) | \(row) |\n"
            #expect(MarkdownRenderer.renderGrowing(text, width: 80, caches: caches) == MarkdownRenderer.render(text, width: 80))
        }
    }

    @Test("a reply edited in place (same length) is not drawn from the cached paragraphs")
    func edited() {
        let first = String(repeating: "alpha beta\n", count: 300) + "tail"
        let second = String(repeating: "gamma zeta\n", count: 300) + "tail"
        #expect(first.utf8.count == second.utf8.count)
        _ = MarkdownRenderer.renderGrowing(first, width: 40, caches: caches)
        #expect(MarkdownRenderer.renderGrowing(second, width: 40, caches: caches) == MarkdownRenderer.render(second, width: 40))
    }

    @Test("the cache draws only what a reply added after a line break, and starts over after an edit")
    func cacheExtends() {
        let cache = ParagraphCache<[String]>()
        var made = 0
        var extended: [String] = []
        func lines(_ text: String) -> [String] {
            cache.value(for: Substring(text), width: 10) { cached, lineBreak in
                let added = String(text[text.utf8.index(after: lineBreak)...])
                extended.append(added)
                return cached + [added]
            } make: {
                made += 1
                return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            }
        }
        #expect(lines("one\ntwo") == ["one", "two"])
        #expect(lines("one\ntwo") == ["one", "two"])  // a hit: nothing drawn
        #expect(made == 1 && extended.isEmpty)
        #expect(lines("one\ntwo\nthree") == ["one", "two", "three"])
        #expect(made == 1 && extended == ["three"])
        #expect(lines("one\ntwo\nthreefold") == ["one", "two", "threefold"])  // not after a line break
        #expect(made == 2)
        #expect(lines("one\nTWO\nthree\nfour") == ["one", "TWO", "three", "four"])  // edited: drawn anew
        #expect(made == 3 && extended == ["three"])
    }
}
