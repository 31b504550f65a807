#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DeckCore

#if canImport(Glibc)
import Glibc
#endif

/// Reads an image for `/image PATH`: checks it exists, is readable, is not too big, and really is an
/// image (by its first bytes), and reads its dimensions where the format makes that cheap.
public enum ImageLoader {
    /// The largest image accepted (the server would take more, but a chat message should not).
    public static let maxBytes = 20 * 1024 * 1024

    public static func load(path rawPath: String, home: String? = ProcessInfo.processInfo.environment["HOME"])
        -> Result<AttachedImage, ChatInputError>
    {
        var path = rawPath
        if path.hasPrefix("~/"), let home { path = home + String(path.dropFirst(1)) }
        if (path.hasPrefix("\"") && path.hasSuffix("\"")) || (path.hasPrefix("'") && path.hasSuffix("'")), path.count >= 2 {
            path = String(path.dropFirst().dropLast())
        }
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(ChatInputError("no such file: \(rawPath)")) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return .failure(ChatInputError("not a regular file: \(rawPath)")) }
        guard info.st_size <= maxBytes else {
            return .failure(ChatInputError("\(rawPath) is \(Format.bytes(Int64(info.st_size))); images up to \(Format.bytes(Int64(maxBytes))) are sent"))
        }
        guard access(path, R_OK) == 0 else {
            return .failure(ChatInputError("cannot read \(rawPath): permission denied"))
        }
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path)), !data.isEmpty else {
            return .failure(ChatInputError("\(rawPath) is empty"))
        }
        let bytes = [UInt8](data.prefix(64 * 1024))
        guard let format = detectFormat(bytes) else {
            return .failure(ChatInputError("\(rawPath) is not an image (PNG, JPEG, GIF, WebP or BMP)"))
        }
        let size = dimensions(bytes, format: format)
        let name = String(path.split(separator: "/").last ?? Substring(path))
        return .success(AttachedImage(
            name: name, byteCount: data.count, width: size?.0, height: size?.1, format: format,
            base64: data.base64EncodedString()))
    }

    static func detectFormat(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "PNG" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "JPEG" }
        if bytes.starts(with: Array("GIF87a".utf8)) || bytes.starts(with: Array("GIF89a".utf8)) { return "GIF" }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) { return "WebP" }
        if bytes.starts(with: Array("BM".utf8)) { return "BMP" }
        return nil
    }

    static func dimensions(_ bytes: [UInt8], format: String) -> (Int, Int)? {
        func be16(_ i: Int) -> Int { Int(bytes[i]) << 8 | Int(bytes[i + 1]) }
        func be32(_ i: Int) -> Int { be16(i) << 16 | be16(i + 2) }
        func le16(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 }
        switch format {
        case "PNG" where bytes.count >= 24: return (be32(16), be32(20))
        case "GIF" where bytes.count >= 10: return (le16(6), le16(8))
        case "BMP" where bytes.count >= 26: return (le16(18) | le16(20) << 16, abs(Int(Int32(bitPattern: UInt32(le16(22) | le16(24) << 16)))))
        case "JPEG":
            var i = 2
            while i + 9 < bytes.count {
                guard bytes[i] == 0xFF else { return nil }
                let marker = bytes[i + 1]
                let length = be16(i + 2)
                if (0xC0...0xCF).contains(marker), marker != 0xC4, marker != 0xC8, marker != 0xCC {
                    return (be16(i + 7), be16(i + 5))
                }
                i += 2 + length
            }
            return nil
        default: return nil
        }
    }
}
