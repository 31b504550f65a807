/// The host name a single-host test state gets (`AppState(host: "http://127.0.0.1:11434", …)`).
let testHost = "127.0.0.1"
