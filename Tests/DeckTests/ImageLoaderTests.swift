import Foundation
import DeckCore
import DeckRuntime
import Testing

@Suite("Image attachments")
struct ImageLoaderTests {
    func temporary(_ name: String) -> String { NSTemporaryDirectory() + "deck-img-\(UUID().uuidString)-\(name)" }

    @Test("a PNG is read with its size and dimensions, as base64")
    func png() throws {
        let path = temporary("sky.png")
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        bytes += [0, 0, 3, 32, 0, 0, 2, 88] + [8, 6, 0, 0, 0]  // 800 × 600
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let image = try ImageLoader.load(path: path).get()
        #expect(image.format == "PNG")
        #expect(image.width == 800 && image.height == 600)
        #expect(image.byteCount == bytes.count)
        #expect(Data(base64Encoded: image.base64) == Data(bytes))
    }

    @Test("missing, a folder, not an image, empty, too big: each a clear message")
    func failures() throws {
        #expect(ImageLoader.load(path: "/no/such/file.png") == .failure(ChatInputError("no such file: /no/such/file.png")))
        #expect(ImageLoader.load(path: NSTemporaryDirectory()) == .failure(ChatInputError("not a regular file: \(NSTemporaryDirectory())")))
        let text = temporary("notes.png")
        try Data("just text".utf8).write(to: URL(fileURLWithPath: text))
        #expect(ImageLoader.load(path: text) == .failure(ChatInputError("\(text) is not an image (PNG, JPEG, GIF, WebP or BMP)")))
        let empty = temporary("empty.png")
        try Data().write(to: URL(fileURLWithPath: empty))
        #expect(ImageLoader.load(path: empty) == .failure(ChatInputError("\(empty) is empty")))
        let big = temporary("big.png")
        FileManager.default.createFile(atPath: big, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: big))
        try handle.truncate(atOffset: UInt64(ImageLoader.maxBytes + 1))
        try handle.close()
        guard case .failure(let error) = ImageLoader.load(path: big) else {
            Issue.record("accepted an oversized file")
            return
        }
        #expect(error.message.contains("images up to"))
    }
}
