import OllamaKit
import Testing

@Suite("Line framing")
struct LineFramerTests {
    static let text = "{\"a\":\"天空🦙\"}\n{\"b\":\"x\u{0085}y\rz\u{2028}\"}\n{\"c\":1}\n"

    @Test("every split offset yields the same lines, even inside multi-byte characters")
    func everyOffset() {
        let bytes = Array(Self.text.utf8)
        let expected = Self.text.split(separator: "\n").map { Array($0.utf8) }
        for offset in 0...bytes.count {
            var framer = LineFramer()
            var lines = framer.append(bytes[..<offset]).lines
            lines += framer.append(bytes[offset...]).lines
            #expect(lines == expected, "split at \(offset)")
            #expect(framer.finish() == nil)
        }
    }

    @Test("byte-by-byte feeding keeps partial UTF-8 between reads")
    func byteByByte() {
        var framer = LineFramer()
        var lines: [[UInt8]] = []
        for byte in Self.text.utf8 { lines += framer.append([byte]).lines }
        #expect(lines.map { String(decoding: $0, as: UTF8.self) } == [
            "{\"a\":\"天空🦙\"}", "{\"b\":\"x\u{0085}y\rz\u{2028}\"}", "{\"c\":1}",
        ])
    }

    @Test("CR, NEL and LINE SEPARATOR do not end a line")
    func onlyNewlineSplits() {
        var framer = LineFramer()
        let out = framer.append(Array("a\rb\u{0085}c\u{2028}d\u{2029}e\n".utf8))
        #expect(out.lines.count == 1)
    }

    @Test("a final line without a newline is returned by finish")
    func finalLine() {
        var framer = LineFramer()
        #expect(framer.append(Array("{\"done\":true}".utf8)).lines.isEmpty)
        #expect(framer.finish() == Array("{\"done\":true}".utf8))
    }

    @Test("an over-long line is dropped and reported, and later lines still frame")
    func overflow() {
        var framer = LineFramer(maxLineBytes: 8)
        let out = framer.append(Array("0123456789ABCDEF\nok\n".utf8))
        #expect(out.overflowed)
        #expect(out.lines == [Array("ok".utf8)])
    }

    @Test("blank lines are skipped")
    func blankLines() {
        var framer = LineFramer()
        #expect(framer.append(Array("\n\n{}\n\n".utf8)).lines == [Array("{}".utf8)])
    }
}
