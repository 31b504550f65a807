import Foundation
import OllamaKit
import Testing

@Suite("RFC 3339 dates")
struct OllamaDateTests {
    @Test(
        "0 to 9 fractional digits, Z or an offset",
        arguments: [
            ("2026-08-21T18:02:11Z", 1_787_335_331.0),
            ("2026-08-21T18:02:11.9Z", 1_787_335_331.9),
            ("2026-08-21T18:02:11.10193Z", 1_787_335_331.10193),
            ("2026-08-21T18:02:11.114310012Z", 1_787_335_331.114310012),
            ("2026-08-21T11:02:11.5-07:00", 1_787_335_331.5),
            ("2026-08-21T20:02:11+02:00", 1_787_335_331.0),
        ])
    func parses(text: String, expected: Double) throws {
        let date = try #require(OllamaDate.parse(text))
        #expect(abs(date.timeIntervalSince1970 - expected) < 1e-5)
    }

    @Test("the zero time and the far future of keep-alive forever")
    func extremes() throws {
        let zero = try #require(OllamaDate.parse("0001-01-01T00:00:00Z"))
        #expect(zero.timeIntervalSince1970 == -62_135_596_800)
        let forever = try #require(OllamaDate.parse("2318-08-21T11:23:58.123456789-07:00"))
        #expect(forever.timeIntervalSince1970 > 1.1e10)
    }

    @Test("garbage is rejected", arguments: ["", "2026-08-21", "2026-08-21T18:02:11", "2026-13-01T00:00:00Z",
                                            "2026-08-21T18:02:11.Z", "2026-08-21T18:02:11Zjunk"])
    func rejects(text: String) {
        #expect(OllamaDate.parse(text) == nil)
    }

    @Test("format round-trips and trims trailing zeros")
    func format() throws {
        let date = Date(timeIntervalSince1970: 1_787_335_331.5)
        #expect(OllamaDate.format(date) == "2026-08-21T18:02:11.5Z")
        #expect(OllamaDate.format(date, offsetSeconds: -7 * 3600) == "2026-08-21T11:02:11.5-07:00")
        #expect(OllamaDate.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        let back = try #require(OllamaDate.parse(OllamaDate.format(date, offsetSeconds: 19_800)))
        #expect(abs(back.timeIntervalSince(date)) < 1e-6)
    }
}
