/// The version of ollama-deck, as `--version` prints it and the User-Agent sends it.
public enum DeckVersion {
    public static let current = "0.2.0"
}
