import Foundation
@testable import DeckRuntime
import Testing

@Suite("File effects: /export")
struct FileEffectsTests {
    func folder() throws -> String {
        let path = NSTemporaryDirectory() + "deck-export-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("~ and $HOME expand as in the shell; quotes are dropped")
    func expansion() {
        #expect(FileEffects.expand("~/x.md", home: "/home/a") == "/home/a/x.md")
        #expect(FileEffects.expand("$HOME/x.md", home: "/home/a") == "/home/a/x.md")
        #expect(FileEffects.expand("'/tmp/my chat.md'", home: "/home/a") == "/tmp/my chat.md")
        #expect(FileEffects.expand("/tmp/~x", home: "/home/a") == "/tmp/~x")
    }

    @Test("/export ~/x.md writes into the home folder; an existing file is kept unless /export! replaces it")
    func exportHome() throws {
        let home = try folder()
        #expect(FileEffects.export("one", to: "~/x.md", replace: false, home: home) == nil)
        #expect(try String(contentsOfFile: home + "/x.md", encoding: .utf8) == "one")
        #expect(FileEffects.export("two", to: "~/x.md", replace: false, home: home) == "~/x.md exists: /export! ~/x.md replaces it")
        #expect(try String(contentsOfFile: home + "/x.md", encoding: .utf8) == "one")
        #expect(FileEffects.export("two", to: "~/x.md", replace: true, home: home) == nil)
        #expect(try String(contentsOfFile: home + "/x.md", encoding: .utf8) == "two")
        #expect(try FileManager.default.contentsOfDirectory(atPath: home) == ["x.md"])  // no temporary left
    }

    @Test("a missing folder and a folder as the target are explained")
    func exportProblems() throws {
        let home = try folder()
        #expect(FileEffects.export("x", to: home + "/nope/x.md", replace: false, home: nil) == "no folder \(home)/nope")
        #expect(FileEffects.export("x", to: home, replace: true, home: nil) == "\(home) is a folder: name a file in it")
        #expect(FileEffects.systemReason(ENOSPC) == "no space left on device")
    }
}
