@testable import TermUI
import TestSupport
import Testing

@Suite("Writing text into cells")
struct CellBufferPutTests {
    @Test("printable ASCII written byte by byte gives the same cells as grapheme by grapheme, over wide characters and at the edges")
    func asciiFastPathAgrees() {
        var random = SeededGenerator(#function)
        let background = ["天", "a", "🦙", " ", "蓝", "é"]
        let ascii = Array(" abcXYZ019~!{}|`".unicodeScalars)
        for _ in 0..<500 {
            var base = CellBuffer(width: 15, height: 2)
            var line = ""
            for _ in 0..<10 { line += background.randomElement(using: &random)! }
            base.put(line, x: Int.random(in: 0..<3, using: &random), y: 0)
            var text = ""
            for _ in 0..<Int.random(in: 0..<20, using: &random) { text.unicodeScalars.append(ascii.randomElement(using: &random)!) }
            let agrees = Self.agreesWithGraphemePath(text, over: base, random: &random) { buffer, x, limit in
                buffer.putPrintableASCII(text, x: x, y: 0, style: Style(.code), limit: limit)
            }
            if !agrees { return }
        }
    }

    /// Writes `text` at a random column with a random limit over `base`, through `write` and through
    /// `putGraphemes`, and expects the same cells and end column.
    static func agreesWithGraphemePath(
        _ text: String, over base: CellBuffer, random: inout SeededGenerator,
        _ write: (inout CellBuffer, Int, Int) -> Int?
    ) -> Bool {
        let x = Int.random(in: -4..<16, using: &random)
        let limit = Int.random(in: 0...15, using: &random)
        var fast = base
        let fastEnd = write(&fast, x, limit)
        var slow = base
        let slowEnd = slow.putGraphemes(text, x: x, y: 0, style: Style(.code), limit: limit)
        let scalars = text.unicodeScalars.map { String($0.value, radix: 16) }
        #expect(fastEnd == slowEnd, "\(scalars) at \(x), limit \(limit)")
        #expect(fast == slow, "\(scalars) at \(x), limit \(limit), over\n\(base.text)")
        return fastEnd == slowEnd && fast == slow
    }

    @Test("mixed text, its ASCII written directly, gives the same cells as grapheme by grapheme")
    func mixedPathAgrees() {
        var random = SeededGenerator(#function)
        let pieces = [
            "a", "b", " ", "the ", "天", "蓝色", "🦙", "é", "e\u{301}", "\u{301}", "👨\u{200D}👩", "\u{200D}", "🇯🇵", "🇯",
            "\t", "\r\n", "\r", "\n", "\u{1B}[2J", "\u{85}", "\u{202E}", "\u{7F}", "\u{600}", "\u{600}1", "\u{110BD}x",
            "\u{0915}\u{094D}\u{0924}", "1\u{FE0F}\u{20E3}", "~", "|",
        ]
        for _ in 0..<2000 {
            var base = CellBuffer(width: 15, height: 2)
            base.put("天a🦙 蓝é天a", x: Int.random(in: 0..<3, using: &random), y: 0)
            var text = ""
            for _ in 0..<Int.random(in: 0..<12, using: &random) { text += pieces.randomElement(using: &random)! }
            let agrees = Self.agreesWithGraphemePath(text, over: base, random: &random) { buffer, x, limit in
                buffer.putMixed(text, x: x, y: 0, style: Style(.code), limit: limit)
            }
            if !agrees { return }
        }
    }

    @Test("anything but printable ASCII is left to the grapheme path")
    func declinesOtherText() {
        var buffer = CellBuffer(width: 10, height: 1)
        for text in ["tab\there", "e\u{301}", "你好", "bell\u{07}", "del\u{7F}", "🦙"] {
            #expect(buffer.putPrintableASCII(text, x: 0, y: 0, style: .normal, limit: 10) == nil)
        }
        #expect(buffer == CellBuffer(width: 10, height: 1))
    }
}

@Suite("The grapheme table")
struct GraphemeTableTests {
    @Test("a full table shows new clusters as U+FFFD and keeps the ones it has")
    func fullTable() {
        let table = GraphemeTable(capacity: 2)
        let first = table.code(for: "👍🏽")
        let second = table.code(for: "🇯🇵")
        #expect(first != second)
        #expect(table.code(for: "👩‍💻") == 0xFFFD)
        #expect(table.cluster(first) == "👍🏽")
        #expect(table.cluster(second) == "🇯🇵")
        #expect(table.code(for: "👍🏽") == first)
        #expect(table.count == 2)
    }

    @Test("a number never given out reads as U+FFFD")
    func unknownNumber() {
        let table = GraphemeTable(capacity: 4)
        #expect(table.cluster(GraphemeTable.firstCode + 3) == "\u{FFFD}")
    }
}
