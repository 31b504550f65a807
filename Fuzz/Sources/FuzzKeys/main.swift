import TermUI

/// The key decoder on any sequence of characters a terminal could send. Checks: after a flush
/// outside a paste nothing is held back; a paste's text never contains its end marker.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKeys(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    var decoder = KeyDecoder()
    var keys: [Key] = []
    for (index, scalar) in text.unicodeScalars.enumerated() {
        keys += decoder.feed(Character(scalar))
        if index % 7 == 6 { keys += decoder.flush() }  // reads end at arbitrary points
    }
    keys += decoder.flush()
    for key in keys {
        if case .paste(let pasted) = key { precondition(!pasted.contains("\u{1B}[201~"), "paste kept its end marker") }
        _ = key.description
    }
    if !decoder.isInsidePaste { precondition(decoder.flush().isEmpty, "keys held back after a flush") }
    return 0
}
