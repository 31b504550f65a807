// Placeholder until the dashboard lands (see the dashboard issue).
print("ollama-deck: the dashboard is not built yet; see README.md")
