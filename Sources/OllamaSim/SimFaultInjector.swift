/// Counts the lines of one stream and strikes the requested mid-stream fault after the set number.
struct SimFaultInjector {
    /// The stream must end now: the connection is dropped, or an error line was sent.
    struct Stop: Error {
        /// True when the connection is to be closed without finishing the chunked body.
        var dropConnection: Bool
    }

    let faults: Set<SimFault>
    let after: Int
    let longLineBytes: Int
    private(set) var linesSent = 0
    private var struck = false

    init(faults: Set<SimFault>, after: Int, longLineBytes: Int) {
        self.faults = faults
        self.after = max(0, after)
        self.longLineBytes = longLineBytes
    }

    /// Call before writing each line. `sample` builds a normal line carrying the given text, used
    /// for the invalid-UTF-8 fault.
    mutating func beforeLine(_ responder: SimResponder, sample: (String) -> GoJSON) async throws {
        defer { linesSent += 1 }
        guard !struck, linesSent == after else { return }
        struck = true
        if faults.contains(.malformed) {
            try await responder.rawLine(Array("{\"model\":\"oops\",\"created_at\":\n".utf8))
        }
        if faults.contains(.longLine) {
            let filler = String(repeating: "x", count: longLineBytes)
            try await responder.line(.object([("status", .string(filler))]))
        }
        if faults.contains(.invalidUTF8) {
            let marker = "@@INVALID@@"
            var bytes = Array((sample(marker).serialized + "\n").utf8)
            if let range = bytes.firstRange(of: Array(marker.utf8)) {
                bytes.replaceSubrange(range, with: [0xFF, 0xFE, 0x41, 0xC3])
            }
            try await responder.rawLine(bytes)
        }
        if faults.contains(.error) {
            var message = "simulated failure: model runner has unexpectedly stopped"
            if faults.contains(.escapes) { message += " \u{1B}]0;pwned-error\u{07}\u{1B}[2J" }
            try await responder.line(.object([("error", .string(message))]))
            try await responder.endStream()
            throw Stop(dropConnection: false)
        }
        if faults.contains(.drop) {
            throw Stop(dropConnection: true)
        }
        if faults.contains(.stall) {
            while !Task.isCancelled { try await Task.sleep(for: .seconds(3600)) }
            throw Stop(dropConnection: true)
        }
    }
}
