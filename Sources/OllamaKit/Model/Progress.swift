/// One line of a pull, push or create stream.
public struct ProgressResponse: Sendable, Equatable, Codable {
    /// `pulling manifest`, `pulling <12 hex>`, `verifying sha256 digest`, `writing manifest`, `success`, …
    public var status: String
    /// `sha256:<64 hex>` on per-layer lines (or `sha256:model` for the MLX variant).
    public var digest: String?
    /// Layer size in bytes, when known.
    public var total: Int64?
    /// Bytes done; the server omits it when zero.
    public var completed: Int64?

    public init(status: String, digest: String? = nil, total: Int64? = nil, completed: Int64? = nil) {
        self.status = status
        self.digest = digest
        self.total = total
        self.completed = completed
    }

    enum CodingKeys: String, CodingKey { case status, digest, total, completed }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = try c.decodeIfPresent(String.self, forKey: .status) ?? ""
        digest = try c.decodeIfPresent(String.self, forKey: .digest)
        total = try c.decodeIfPresent(Int64.self, forKey: .total)
        completed = try c.decodeIfPresent(Int64.self, forKey: .completed)
    }
}

extension ProgressResponse: StreamTerminating {
    public var isTerminal: Bool { status == "success" }
}

/// `POST /api/pull` and `POST /api/push` request.
public struct TransferRequest: Sendable, Equatable, Encodable {
    public var model: String
    /// Plain `http://` to the registry; never sent unless asked for.
    public var insecure: Bool?
    public var stream: Bool?

    public init(model: String, insecure: Bool? = nil, stream: Bool? = nil) {
        self.model = model
        self.insecure = insecure
        self.stream = stream
    }
}

/// `POST /api/create` request, in the current (v0.5.5+) form.
public struct CreateRequest: Sendable, Equatable, Encodable {
    public var model: String
    /// An existing model to derive from.
    public var from: String?
    /// GGUF or safetensors files by name, as `sha256:<hex>` blob digests already uploaded.
    public var files: [String: String]?
    public var adapters: [String: String]?
    public var template: String?
    public var system: String?
    public var license: [String]?
    public var parameters: [String: JSONValue]?
    public var messages: [ChatMessage]?
    /// For example `q4_K_M` or `q8_0`.
    public var quantize: String?
    public var stream: Bool?

    public init(
        model: String, from: String? = nil, files: [String: String]? = nil, adapters: [String: String]? = nil,
        template: String? = nil, system: String? = nil, license: [String]? = nil,
        parameters: [String: JSONValue]? = nil, messages: [ChatMessage]? = nil, quantize: String? = nil,
        stream: Bool? = nil
    ) {
        self.model = model
        self.from = from
        self.files = files
        self.adapters = adapters
        self.template = template
        self.system = system
        self.license = license
        self.parameters = parameters
        self.messages = messages
        self.quantize = quantize
        self.stream = stream
    }
}

/// `POST /api/copy` request.
struct CopyRequest: Encodable {
    var source: String
    var destination: String
}

/// `DELETE /api/delete` request.
struct DeleteRequest: Encodable {
    var model: String
}
