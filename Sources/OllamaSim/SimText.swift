/// The words the simulator "generates": English, Chinese and emoji replies, and thinking text,
/// cut into tokens the way a tokenizer would (word pieces, one or two CJK characters, single emoji).
public enum SimText {
    static let english = [
        "The sky looks blue because air molecules scatter short wavelengths of sunlight more than long ones. "
            + "This is called Rayleigh scattering, and it is why sunsets turn orange and red. 🌅",
        "Here is a quick summary:\n\n- **Ollama** runs large language models locally.\n- Models are pulled "
            + "from a registry, layer by layer.\n- Replies stream as NDJSON, one JSON object per line.\n\n"
            + "```swift\nlet client = OllamaClient()\n```\n\nAnything else? 🦙",
        "Sure! A llama is a domesticated South American camelid, widely used as a meat and pack animal by "
            + "Andean cultures since pre-Columbian times. They are social animals and live with others as a herd.",
        "In short: keep the model loaded with keep_alive, watch memory with ollama ps, and unload it when "
            + "you are done. That is all there is to it. ✅",
    ]

    static let chinese = [
        "天空之所以是蓝色的，是因为大气中的分子对短波长的阳光散射得更多。这种现象叫做瑞利散射，"
            + "也解释了为什么日落时天空会变成橙色和红色。🌇",
        "好的！下面是简要说明：\n\n1. **Ollama** 可以在本地运行大型语言模型。\n2. 模型按层从仓库下载。\n"
            + "3. 回复以 NDJSON 流式返回，每行一个 JSON 对象。\n\n还有什么可以帮你的吗？😊",
        "羊驼是一种原产于南美洲的驯养动物，性情温顺，喜欢群居。它们的毛可以用来制作保暖的衣物。🦙",
    ]

    static let thinking = [
        "Okay, the user is asking a question. Let me think about what they really want to know, "
            + "then answer clearly and briefly.",
        "嗯，用户问了一个问题。我先想一想他们真正想知道什么，然后简洁地回答。",
    ]

    /// True when the text holds CJK ideographs, so the reply should be Chinese.
    static func prefersChinese(_ text: String) -> Bool {
        text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) || (0x3400...0x4DBF).contains($0.value) }
    }

    /// A reply of exactly `count` tokens, chosen by `random`, in the language of `prompt`.
    static func replyTokens(prompt: String, count: Int, random: inout SeededRandom) -> [String] {
        let corpus = prefersChinese(prompt) ? chinese : english
        var tokens: [String] = []
        var paragraph = Int(random.next() % UInt64(corpus.count))
        while tokens.count < count {
            let pieces = tokenize(corpus[paragraph % corpus.count], random: &random)
            for piece in pieces where tokens.count < count { tokens.append(piece) }
            paragraph += 1
            if tokens.count < count { tokens.append("\n\n") }
        }
        return tokens
    }

    /// Thinking tokens in the language of `prompt`.
    static func thinkingTokens(prompt: String, random: inout SeededRandom) -> [String] {
        tokenize(thinking[prefersChinese(prompt) ? 1 : 0], random: &random)
    }

    /// Cuts text into token-like pieces: a leading space stays with its word, long words split in
    /// two, CJK goes one or two characters at a time, each emoji alone.
    static func tokenize(_ text: String, random: inout SeededRandom) -> [String] {
        var tokens: [String] = []
        var current = ""
        func flush() {
            if !current.isEmpty { tokens.append(current); current = "" }
        }
        for character in text {
            let scalar = character.unicodeScalars.first!.value
            let isCJK = (0x3000...0x9FFF).contains(scalar) || (0xFF00...0xFFEF).contains(scalar)
            let isEmoji = scalar >= 0x1F000 || character.unicodeScalars.count > 1 && scalar > 0x2000
            if isCJK || isEmoji {
                flush()
                if isCJK, let last = tokens.last, last.count == 1, random.next() % 2 == 0,
                    let lastScalar = last.unicodeScalars.first?.value, (0x4E00...0x9FFF).contains(lastScalar),
                    (0x4E00...0x9FFF).contains(scalar)
                {
                    tokens[tokens.count - 1] = last + String(character)
                } else {
                    tokens.append(String(character))
                }
            } else if character == " " || character == "\n" {
                flush()
                current = String(character)
            } else {
                current.append(character)
                if current.count >= 7, random.next() % 3 == 0 { flush() }
            }
        }
        flush()
        return tokens
    }
}
