/// Fills `{slot}` placeholders in scenario prompt templates.
///
/// Slots (documented in docs/scenarios.md): `{topic}`, `{concept}`, `{problem}`, `{question}`,
/// `{code}`, `{language}`, `{coding_task}`, `{error}`, `{dataset}`, `{sensitive}`, `{paragraph}`,
/// `{answer}`, `{n}`, `{computer_task}`, `{subject}`, `{name}`, `{company}`, `{natural_language}`.
/// Unknown slots are left as written.
enum TemplateFiller {
    static func fill(_ template: String, _ rng: inout SeededRandom) -> String {
        var output = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            output += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else {
                output += rest[open...]
                return output
            }
            let slot = rest[rest.index(after: open)..<close]
            output += value(for: slot, &rng) ?? String(rest[open...close])
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }

    static func value(for slot: Substring, _ rng: inout SeededRandom) -> String? {
        switch slot {
        case "topic", "concept": return rng.pick(Vocabulary.concepts)
        case "problem": return TextGenerator.mathProblem(&rng)
        case "question": return TextGenerator.benchmarkQuestion(&rng)
        case "code":
            let snippet = TextGenerator.code(&rng)
            return "```\(snippet.language)\n\(snippet.code)\n```"
        case "language": return rng.pick(Vocabulary.programmingLanguages)
        case "coding_task": return rng.pick(Vocabulary.codingTasks)
        case "error": return rng.pick(Vocabulary.errors)
        case "dataset": return rng.pick(Vocabulary.datasets)
        case "sensitive": return rng.pick(Vocabulary.sensitiveTopics)
        case "paragraph": return TextGenerator.paragraph(&rng, sentences: 3...7)
        case "answer": return TextGenerator.paragraph(&rng, sentences: 2...5)
        case "n": return String(rng.int(2...50))
        case "computer_task": return rng.pick(Vocabulary.computerUseTasks)
        case "subject": return rng.pick(Vocabulary.subjects)
        case "name": return rng.pick(Vocabulary.firstNames)
        case "company": return rng.pick(Vocabulary.companies)
        case "natural_language": return rng.pick(Vocabulary.naturalLanguages)
        default: return nil
        }
    }

    /// Light paraphrase: swaps common words for synonyms and varies the opening, as an evasive
    /// operator would to defeat exact-match template detection.
    static func paraphrase(_ text: String, _ rng: inout SeededRandom, rate: Double) -> String {
        let synonyms: [String: [String]] = [
            "explain": ["describe", "walk me through", "clarify"], "show": ["display", "include", "give"],
            "step": ["stage", "phase"], "reasoning": ["thinking", "thought process", "logic"],
            "write": ["produce", "create", "draft"], "solve": ["work out", "figure out", "answer"],
            "detailed": ["thorough", "in-depth", "complete"], "carefully": ["methodically", "rigorously"],
            "please": ["kindly", "", "could you"], "all": ["every", "each"], "answer": ["response", "reply"],
            "problem": ["question", "exercise", "task"], "Think": ["Reason", "Work"], "final": ["ultimate", "last"],
        ]
        var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        for index in words.indices where rng.chance(rate) {
            if let options = synonyms[words[index]] { words[index] = rng.pick(options) }
        }
        let openers = ["", "", "Hi! ", "Quick one: ", "For my notes, ", "Hello, ", "I need help. "]
        return rng.pick(openers) + words.joined(separator: " ")
    }
}
