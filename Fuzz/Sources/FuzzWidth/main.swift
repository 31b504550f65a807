import TermUI

/// Width, truncation, padding and wrapping on arbitrary text. Checks the cell arithmetic: a
/// truncated or padded string fits, every wrapped line fits its width, and `put` never writes
/// past the edge or leaves half of a wide character.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWidth(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard count >= 1 else { return 0 }
    let limit = Int(start[0]) % 40
    let text = String(decoding: UnsafeBufferPointer(start: start + 1, count: count - 1), as: UTF8.self)
    let clean = DisplayWidth.sanitized(text)
    precondition(!clean.unicodeScalars.contains(where: DisplayWidth.isControl), "sanitized text kept a control")
    precondition(DisplayWidth.width(of: DisplayWidth.truncate(clean, toWidth: limit)) <= limit, "truncate overflowed")
    precondition(DisplayWidth.width(of: DisplayWidth.pad(clean, toWidth: limit)) == limit, "pad missed its width")
    if limit > 1 {
        for line in TextWrap.wrap(clean, width: limit) {
            // Only a single character too wide for any line (a long cluster) may overflow.
            precondition(DisplayWidth.width(of: line) <= limit || line.count == 1, "a wrapped line is wider than \(limit)")
        }
    }
    var buffer = CellBuffer(width: max(1, limit), height: 2)
    let end = buffer.put(text, x: limit / 3, y: 0)
    precondition(end <= max(1, limit) + 1, "put ran past the edge")
    _ = buffer.snapshot
    return 0
}
