#if canImport(Glibc)
import Glibc
#endif
import Foundation
import DeckCore
import DeckUI
import OllamaKit
import TermCurses
@testable import TermUI
import TestSupport
import Testing

@Suite("Display width, buffer and wrapping")
struct TermUITests {
    @Test("Chinese and emoji take two cells, combining marks none, Latin one")
    func widths() {
        #expect(DisplayWidth.width(of: "你好，世界") == 10)
        #expect(DisplayWidth.width(of: "🦙") == 2)
        #expect(DisplayWidth.width(of: "e\u{301}") == 1)
        #expect(DisplayWidth.width(of: "abc") == 3)
        #expect(DisplayWidth.width(of: "👍🏽") == 2)
        #expect(DisplayWidth.width(of: "❤️") == 2)
        #expect(DisplayWidth.width(of: "한국어") == 6)
        #expect(DisplayWidth.width(of: "ｆｕｌｌ") == 8)
    }

    @Test("agrees with glibc wcwidth under C.UTF-8 for every scalar glibc knows to be printable")
    func matchesWcwidth() {
        setlocale(LC_CTYPE, "C.UTF-8")
        var disagreements: [String] = []
        for value in UInt32(0x20)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }  // surrogates
            let system = systemCellWidth(scalar)
            guard system >= 0 else { continue }  // unassigned or a control: glibc has no width for it
            // Bidi controls never reach the terminal: they are drawn as a one-cell placeholder.
            if DisplayWidth.isControl(scalar) { continue }
            if DisplayWidth.width(of: scalar) != system {
                disagreements.append("U+\(String(value, radix: 16, uppercase: true))=\(DisplayWidth.width(of: scalar))/\(system)")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) scalars differ, first: \(disagreements.prefix(300).joined(separator: " "))")
    }

    @Test("truncation never splits a wide character")
    func truncation() {
        #expect(DisplayWidth.truncate("你好世界", toWidth: 5) == "你好")
        #expect(DisplayWidth.truncate("你好世界", toWidth: 5, ellipsis: true) == "你好…")
        #expect(DisplayWidth.pad("你好", toWidth: 5) == "你好 ")
        #expect(DisplayWidth.width(of: DisplayWidth.pad("llama3.2:latest", toWidth: 8)) == 8)
    }

    @Test("control characters become visible placeholders")
    func controls() {
        #expect(DisplayWidth.sanitized("a\u{1B}[31mb") == "a␛[31mb")
        #expect(DisplayWidth.sanitized("x\u{9B}y\u{202E}z\u{7F}") == "x\u{FFFD}y\u{FFFD}z␡")
        var buffer = CellBuffer(width: 20, height: 1)
        buffer.put("\u{1B}]52;c;ZXZpbA==\u{07}", x: 0, y: 0)
        #expect(!buffer.cells.contains { $0.grapheme.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 } })
        #expect(buffer.rowText(0).hasPrefix("␛]52;c;"))
    }

    @Test("a wide character at the right edge is not drawn half")
    func wideAtEdge() {
        var buffer = CellBuffer(width: 5, height: 1)
        let end = buffer.put("ab你好", x: 0, y: 0)
        #expect(end == 4)
        #expect(buffer.rowText(0) == "ab你 ")
        #expect(buffer[2, 0].width == 2 && buffer[3, 0].isContinuation)
    }

    @Test("overwriting half of a wide character blanks the other half")
    func repairHalves() {
        var buffer = CellBuffer(width: 4, height: 1)
        buffer.put("你好", x: 0, y: 0)
        buffer.put("x", x: 1, y: 0)
        #expect(buffer.rowText(0) == " x好")
        buffer.put("y", x: 2, y: 0)
        #expect(buffer.rowText(0) == " xy ")
    }

    @Test("wrapping measures cells: Chinese lines never exceed the width")
    func wrapping() {
        let text = "天空之所以是蓝色的，是因为大气中的分子对短波长的阳光散射得更多。The sky is blue because of Rayleigh scattering."
        for width in [1, 2, 3, 7, 10, 21, 40] {
            let lines = TextWrap.wrap(text, width: width)
            for line in lines where width >= 2 {
                #expect(DisplayWidth.width(of: line) <= width, "width \(width): \(line)")
            }
            #expect(lines.joined().filter { $0 != " " } == text.filter { $0 != " " })
        }
        #expect(TextWrap.wrap("hello world foo", width: 11) == ["hello world", "foo"])
        #expect(TextWrap.wrap("a\n\nb", width: 5) == ["a", "", "b"])
    }

    @Test("changed cells: only what differs, everything after a resize")
    func diffing() {
        var a = CellBuffer(width: 10, height: 2)
        a.put("hello", x: 0, y: 0)
        var b = a
        b.put("J", x: 0, y: 0)
        #expect(b.changedCells(since: a).map { [$0.x, $0.y] } == [[0, 0]])
        #expect(CellBuffer(width: 3, height: 1).changedCells(since: a).count == 3)
    }

    @Test("a snapshot lists the text grid and the style runs")
    func snapshotFormat() {
        var buffer = CellBuffer(width: 6, height: 2)
        buffer.put("ok", x: 0, y: 0, style: Style(.good, [.bold]))
        #expect(buffer.snapshot == "ok\n\n--- styles ---\n0: 0-1 good+b\n")
    }
}

@Suite("Tables drawn from the rows that fit")
struct TableWindowTests {
    @Test("drawing only the window's rows gives the same cells as drawing them all, wherever the selection is")
    func windowMatchesAllRows() {
        let columns = [TableColumn("NAME", minWidth: 10), TableColumn("SIZE", width: 6, alignRight: true)]
        let rows = (0..<200).map { TableRow(["model-\($0) 天空", "\($0) GB"]) }
        for height in [1, 2, 5, 23] {
            for selected in [nil, 0, 3, 21, 22, 100, 199] as [Int?] {
                var all = CellBuffer(width: 30, height: 25)
                all.drawTable(Rect(x: 0, y: 0, width: 30, height: height), columns: columns, rows: rows, selected: selected, scroll: 0, focused: true)
                let window = CellBuffer.tableWindow(rowCount: rows.count, height: height, selected: selected, scroll: 0)
                #expect(window.count == min(rows.count, max(0, height - 1)))
                if let selected, height > 1 { #expect(window.contains(selected)) }
                var some = CellBuffer(width: 30, height: 25)
                some.drawTable(Rect(x: 0, y: 0, width: 30, height: height), columns: columns, rows: Array(rows[window]),
                               selected: selected.map { $0 - window.lowerBound }, scroll: 0, focused: true)
                #expect(some == all, "height \(height), selected \(String(describing: selected))")
            }
        }
    }
}

@Suite("Width fast paths agree with the general rules")
struct DisplayWidthFastPathTests {
    @Test("ASCII, controls, CRLF, NUL, CJK and emoji", arguments: [
        ("plain ascii", 11), ("a\u{1}b", 3), ("\r\n", 1), ("x\u{0}y", 2), ("天空", 4), ("e\u{301}", 1), ("👍🏽", 2), ("", 0),
        ("\u{601} ", 2), ("क्ष", 2),
    ])
    func widths(text: String, cells: Int) {
        #expect(DisplayWidth.width(of: text) == cells)
        #expect(text.reduce(0) { $0 + DisplayWidth.width(of: $1) } == cells)
    }
}

@Suite("Regressions found by fuzzing")
struct FuzzRegressionTests {
    /// FuzzWidth, 2026-11-23: U+0601 (a prepended concatenation mark) clusters with the space after
    /// it, so padding measured the padded text one cell short. Widths now add up however text clusters.
    @Test("padding text that starts with a prepended mark reaches its width")
    func prependedMark() {
        let padded = DisplayWidth.pad("\u{601}", toWidth: 16)
        #expect(DisplayWidth.width(of: padded) == 16)
        #expect(DisplayWidth.width(of: "\u{601}") + DisplayWidth.width(of: " ") == DisplayWidth.width(of: "\u{601} "))
    }
}

@Suite("Key decoding")
struct KeyDecoderTests {
    func decode(_ text: String, flush: Bool = true) -> [Key] {
        var decoder = KeyDecoder()
        var keys = text.unicodeScalars.flatMap { decoder.feed(Character($0)) }
        if flush { keys += decoder.flush() }
        return keys
    }

    @Test("controls, Enter, Tab, Backspace and text")
    func basics() {
        #expect(decode("a\u{3}\r\t\u{7F}天") == [.character("a"), .control("c"), .enter, .tab, .backspace, .character("天")])
        #expect(decode("\u{0}\u{1C}") == [])
    }

    @Test("bracketed paste arrives as one key with newlines and escapes kept")
    func paste() {
        #expect(decode("\u{1B}[200~line 1\nline 2 \u{1B}[31m\u{1B}[201~x") == [.paste("line 1\nline 2 \u{1B}[31m"), .character("x")])
    }

    @Test("a lone Esc is a key; Esc then a letter is Esc and the letter; an unknown sequence is dropped whole, never typed")
    func escapes() {
        #expect(decode("\u{1B}") == [.escape])
        #expect(decode("\u{1B}a") == [.escape, .character("a")])
        #expect(decode("\u{1B}[20x") == [])
        #expect(decode("\u{1B}[99~z") == [.character("z")])
        #expect(decode("\u{1B}\u{1B}") == [.escape, .escape])
        #expect(decode("\u{1B}[1") == [])  // cut off by the end of input: dropped, not typed
    }

    /// What xterm, tmux, screen, rxvt and the Linux console send for the keys the dashboard uses,
    /// whatever terminfo entry curses read.
    static let terminalSequences: [(String, Key)] = [
        // xterm (normal and application cursor mode), also tmux and screen with TERM=xterm-256color
        ("\u{1B}[A", .up), ("\u{1B}[B", .down), ("\u{1B}[C", .right), ("\u{1B}[D", .left),
        ("\u{1B}OA", .up), ("\u{1B}OB", .down), ("\u{1B}OC", .right), ("\u{1B}OD", .left),
        ("\u{1B}[H", .home), ("\u{1B}[F", .end), ("\u{1B}OH", .home), ("\u{1B}OF", .end),
        ("\u{1B}[1;5A", .up), ("\u{1B}[1;2H", .home), ("\u{1B}[1;5F", .end), ("\u{1B}[Z", .backTab),
        ("\u{1B}OP", .function(1)), ("\u{1B}OQ", .function(2)), ("\u{1B}OR", .function(3)), ("\u{1B}OS", .function(4)),
        ("\u{1B}[1;2P", .function(1)), ("\u{1B}OM", .enter),
        // VT220 / tmux / screen
        ("\u{1B}[1~", .home), ("\u{1B}[4~", .end), ("\u{1B}[2~", .insert), ("\u{1B}[3~", .delete),
        ("\u{1B}[5~", .pageUp), ("\u{1B}[6~", .pageDown), ("\u{1B}[3;5~", .delete),
        ("\u{1B}[11~", .function(1)), ("\u{1B}[12~", .function(2)), ("\u{1B}[15~", .function(5)),
        ("\u{1B}[17~", .function(6)), ("\u{1B}[21~", .function(10)), ("\u{1B}[23~", .function(11)),
        ("\u{1B}[24~", .function(12)),
        // rxvt
        ("\u{1B}[7~", .home), ("\u{1B}[8~", .end), ("\u{1B}[7^", .home), ("\u{1B}[8$", .end), ("\u{1B}[5^", .pageUp),
        // Linux console
        ("\u{1B}[[A", .function(1)), ("\u{1B}[[B", .function(2)), ("\u{1B}[[E", .function(5)),
    ]

    @Test("Home, End, Insert, Delete, PgUp, PgDn, arrows and F-keys in every common form")
    func terminalKeys() {
        for (sequence, key) in Self.terminalSequences {
            #expect(decode(sequence) == [key], "\(sequence.debugDescription)")
            // Also between other input, with nothing typed from the sequence itself.
            #expect(decode("a" + sequence + "b") == [.character("a"), key, .character("b")], "\(sequence.debugDescription)")
        }
    }

    @Test("a long paste is cut at the limit and says how much was left out; Ctrl-C ends a paste; a stuck paste can be abandoned")
    func pasteLimits() {
        let long = String(repeating: "x", count: KeyDecoder.pasteLimit + 10)
        let keys = decode("\u{1B}[200~" + long + "\u{1B}[201~q")
        #expect(keys.count == 2)
        if case .pasteCut(let text, let dropped)? = keys.first {
            #expect(text.count == KeyDecoder.pasteLimit)
            #expect(dropped == 10)
        } else {
            Issue.record("expected a cut paste, got \(String(describing: keys.first))")
        }
        #expect(keys.last == .character("q"))
        #expect(decode("\u{1B}[200~abc\u{3}") == [.paste("abc"), .control("c")])
        var decoder = KeyDecoder()
        for scalar in "\u{1B}[200~half".unicodeScalars { _ = decoder.feed(Character(scalar)) }
        #expect(decoder.abandonPaste() == [.paste("half")])
        #expect(!decoder.isInsidePaste)
        #expect(decoder.feed("k") == [.character("k")])
    }

    @Test("a paste split across reads stays open until its end marker")
    func splitPaste() {
        var decoder = KeyDecoder()
        for scalar in "\u{1B}[200~abc".unicodeScalars { #expect(decoder.feed(Character(scalar)).isEmpty) }
        #expect(decoder.flush().isEmpty)
        #expect(decoder.isInsidePaste)
        var keys: [Key] = []
        for scalar in "d\u{1B}[201~".unicodeScalars { keys += decoder.feed(Character(scalar)) }
        #expect(keys == [.paste("abcd")])
    }
}

@Suite("Fuzz corpus replay: keys and widths")
struct TermFuzzCorpusReplayTests {
    static func corpus(_ name: String, filePath: String = #filePath) -> [[UInt8]] {
        let directory = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FuzzCorpus").appendingPathComponent(name)
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        return files.compactMap { try? Array(Data(contentsOf: $0)) }
    }

    @Test("a paste never keeps its end marker; nothing is held after a flush")
    func keys() {
        let inputs = Self.corpus("FuzzKeys")
        #expect(inputs.count > 10, "the corpus is missing")
        for bytes in inputs {
            var decoder = KeyDecoder()
            var keys: [Key] = []
            for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars { keys += decoder.feed(Character(scalar)) }
            keys += decoder.flush()
            for case .paste(let text) in keys { #expect(!text.contains("\u{1B}[201~")) }
            if !decoder.isInsidePaste { #expect(decoder.flush().isEmpty) }
        }
    }

    @Test("markdown: every kept reply, streamed into a pane in pieces at its size, draws no control character")
    func markdown() {
        let inputs = Self.corpus("FuzzMarkdown")
        #expect(inputs.count > 10, "the corpus is missing")
        for bytes in inputs where bytes.count >= 2 {
            let width = 1 + Int(bytes[0]) % 160
            let height = 1 + Int(bytes[1]) % 60
            let text = String(decoding: bytes.dropFirst(2), as: UTF8.self)
            var state = AppState(host: "http://127.0.0.1:11434", now: Date(timeIntervalSince1970: 1_790_000_000))
            _ = update(&state, .resized(width: width, height: height))
            let model = InstalledModel(name: "m:1b", modifiedAt: state.now, size: 1, digest: "d", capabilities: ["completion"])
            _ = update(&state, .modelsLoaded(host: testHost, .success([model])))
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
            let screen = DashboardView.render(state).buffer.text
            #expect(!screen.unicodeScalars.contains { $0 != "\n" && DisplayWidth.isControl($0) })
        }
    }

    @Test("truncate, pad and wrap keep to their widths; sanitizing removes every control")
    func widths() {
        let inputs = Self.corpus("FuzzWidth")
        #expect(inputs.count > 10, "the corpus is missing")
        for bytes in inputs where !bytes.isEmpty {
            let limit = Int(bytes[0]) % 40
            let clean = DisplayWidth.sanitized(String(decoding: bytes.dropFirst(), as: UTF8.self))
            #expect(!clean.unicodeScalars.contains(where: DisplayWidth.isControl))
            #expect(DisplayWidth.width(of: DisplayWidth.truncate(clean, toWidth: limit)) <= limit)
            #expect(DisplayWidth.width(of: DisplayWidth.pad(clean, toWidth: limit)) == limit)
            // A line may be wider only when it is one character too wide to fit any line (a long cluster).
            if limit > 1 {
                for line in TextWrap.wrap(clean, width: limit) { #expect(DisplayWidth.width(of: line) <= limit || line.count == 1) }
            }
        }
    }
}

@Suite("Filling a rectangle")
struct CellBufferFillTests {
    /// Fills cell by cell through `put`, the slow way `fill` must agree with.
    static func fillSlowly(_ buffer: inout CellBuffer, _ rect: Rect, style: Style) {
        let area = rect.intersection(buffer.bounds)
        guard !area.isEmpty else { return }
        for y in area.y..<area.maxY {
            for x in area.x..<area.maxX { buffer.put("·", x: x, y: y, style: style) }
        }
    }

    @Test("wide characters cut by a filled rectangle's edges are repaired exactly as cell-by-cell writes would")
    func agreesWithCellByCell() {
        var random = SeededGenerator(#function)
        let pieces = ["天", "a", "空", "🦙", "b", " ", "蓝"]
        for _ in 0..<300 {
            var base = CellBuffer(width: 17, height: 3)
            for y in 0..<3 {
                var line = ""
                for _ in 0..<12 { line += pieces.randomElement(using: &random)! }
                base.put(line, x: Int.random(in: 0..<3, using: &random), y: y)
            }
            let rect = Rect(x: Int.random(in: -2..<17, using: &random), y: Int.random(in: -1..<3, using: &random),
                            width: Int.random(in: 0..<19, using: &random), height: Int.random(in: 0..<4, using: &random))
            var fast = base
            fast.fill(rect, with: "·", style: Style(.dim))
            var slow = base
            Self.fillSlowly(&slow, rect, style: Style(.dim))
            #expect(fast == slow, "rect \(rect) over\n\(base.text)")
        }
    }
}

@Suite("Cells hold graphemes as numbers")
struct CellGraphemeTests {
    @Test("every grapheme comes back as it went in: single scalars, emoji sequences, flags, combining marks")
    func roundTrips() {
        let samples: [Character] = ["a", " ", "你", "🦙", "e\u{301}", "👍🏽", "❤️", "🇯🇵", "👩‍👩‍👧‍👦", "한", "\u{FFFD}"]
        for grapheme in samples {
            let cell = Cell(grapheme, width: 1, style: Style(.accent))
            #expect(cell.grapheme == grapheme)
            #expect(String(cell.grapheme).unicodeScalars.elementsEqual(String(grapheme).unicodeScalars))
        }
    }

    @Test("a single scalar needs no table; a cluster gets one number however often it is used")
    func clustersShareNumbers() {
        #expect(Cell("你").singleScalar == "你")
        #expect(Cell("🦙").singleScalar == "🦙")
        #expect(Cell("👩‍💻").singleScalar == nil)
        // The shared table is used by every test at once, so its count says nothing here: a table
        // of our own grows by one for a cluster, once; the shared one gives a cell back its cluster.
        let rare: Character = "q\u{0323}\u{0307}\u{0331}"
        let first = Cell(rare)
        let second = Cell(rare)
        #expect(first == second)
        #expect(first.grapheme == rare)
        #expect(first != Cell("q"))
        let table = GraphemeTable(capacity: 8)
        let code = table.code(for: rare)
        #expect(table.code(for: rare) == code)
        #expect(table.count == 1)
        #expect(table.cluster(code) == rare)
    }

    @Test("a row of emoji sequences reads back as the same text")
    func rowText() {
        var buffer = CellBuffer(width: 12, height: 1)
        buffer.put("👍🏽a🇯🇵e\u{301}", x: 0, y: 0)
        #expect(buffer.rowText(0).hasPrefix("👍🏽a🇯🇵e\u{301}"))
    }
}
