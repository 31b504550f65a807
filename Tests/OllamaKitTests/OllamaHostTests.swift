import OllamaKit
import Testing

@Suite("OLLAMA_HOST resolution")
struct OllamaHostTests {
    @Test(
        "every row of the reference table",
        arguments: [
            (nil, "http://127.0.0.1:11434"),
            ("", "http://127.0.0.1:11434"),
            ("1.2.3.4", "http://1.2.3.4:11434"),
            ("example.com", "http://example.com:11434"),
            (":1234", "http://:1234"),
            ("[::1]", "http://[::1]:11434"),
            ("::1", "http://[::1]:11434"),
            ("[::1]:1337", "http://[::1]:1337"),
            ("http://1.2.3.4", "http://1.2.3.4:80"),
            ("https://1.2.3.4", "https://1.2.3.4:443"),
            (":66000", "http://:11434"),
            (":-1", "http://:11434"),
            ("0.0.0.0", "http://0.0.0.0:11434"),
            ("https://example.com/ollama", "https://example.com:443/ollama"),
            ("ollama.com", "https://ollama.com:443"),
            ("  \"1.2.3.4:5678\" ", "http://1.2.3.4:5678"),
            ("'example.com'", "http://example.com:11434"),
            ("http://host:8080/base/", "http://host:8080/base/"),
            ("other://host", "other://host:11434"),
            // Credentials in the URL are dropped (never sent, never shown).
            ("http://user:s3cret@gpu:8080/x", "http://gpu:8080/x"),
            ("user@gpu", "http://gpu:11434"),
        ] as [(String?, String)])
    func table(value: String?, expected: String) {
        #expect(OllamaHost.resolve(value).description == expected)
    }

    @Test("a base path with a trailing slash joins endpoints with one slash")
    func trailingSlash() {
        #expect(OllamaHost.resolve("http://host:8080/base/").url(for: "/api/tags") == "http://host:8080/base/api/tags")
        #expect(OllamaHost.resolve("http://host:8080/base//").url(for: "/api/tags") == "http://host:8080/base/api/tags")
        #expect(OllamaHost.resolve("http://host:8080/base").url(for: "/api/tags") == "http://host:8080/base/api/tags")
    }

    @Test("unspecified and empty hosts are dialled as loopback")
    func connectable() {
        #expect(OllamaHost.resolve("0.0.0.0").url(for: "/api/tags") == "http://127.0.0.1:11434/api/tags")
        #expect(OllamaHost.resolve(":1234").url(for: "/") == "http://127.0.0.1:1234/")
        #expect(OllamaHost.resolve("[::]:9").url(for: "/") == "http://[::1]:9/")
        #expect(OllamaHost.resolve("https://example.com/ollama").url(for: "/api/ps") == "https://example.com:443/ollama/api/ps")
    }

    @Test("an explicit URL overrides OLLAMA_HOST")
    func explicitOverrides() {
        let env = ["OLLAMA_HOST": "1.2.3.4"]
        #expect(OllamaHost.resolve(explicit: "http://localhost:9999", environment: env).description == "http://localhost:9999")
        #expect(OllamaHost.resolve(explicit: nil, environment: env).description == "http://1.2.3.4:11434")
        #expect(OllamaHost.resolve(explicit: "  ", environment: env).description == "http://1.2.3.4:11434")
    }

    @Test("OLLAMA_API_KEY becomes the configuration's key")
    func apiKeyFromEnvironment() {
        let configuration = OllamaClientConfiguration.fromEnvironment(environment: ["OLLAMA_API_KEY": "secret"])
        #expect(configuration.apiKey == "secret")
        #expect(OllamaClientConfiguration.fromEnvironment(environment: [:]).apiKey == nil)
    }

    @Test("header fields parse from Name: value")
    func headerParsing() {
        #expect(OllamaClientConfiguration.HeaderField(parsing: "X-Team: blue green")?.value == "blue green")
        #expect(OllamaClientConfiguration.HeaderField(parsing: "no colon") == nil)
        #expect(OllamaClientConfiguration.HeaderField(parsing: ": empty") == nil)
    }
}
