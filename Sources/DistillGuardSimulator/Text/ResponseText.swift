/// Plausible model output of a given kind and length.
enum ResponseText {
    static func answer(_ kind: RequestPlan.ResponseKind, characters: Int, _ rng: inout SeededRandom) -> String {
        switch kind {
        case .prose:
            return TextGenerator.prose(&rng, characters: characters)
        case .stepByStep:
            var steps: [String] = []
            var length = 0
            var number = 1
            while length < characters {
                let step = "Step \(number): \(TextGenerator.paragraph(&rng, sentences: 1...3))"
                steps.append(step)
                length += step.count
                number += 1
            }
            return steps.joined(separator: "\n\n") + "\n\nFinal answer: \(rng.pick(["A", "B", "C", "D", String(rng.int(2...999))]))"
        case .code:
            let snippet = TextGenerator.code(&rng)
            let intro = TextGenerator.paragraph(&rng, sentences: 1...3)
            let outro = TextGenerator.prose(&rng, characters: max(characters - snippet.code.count - intro.count, 80))
            return "\(intro)\n\n```\(snippet.language)\n\(snippet.code)\n```\n\n\(outro)"
        case .json:
            return
                #"{"name":"\#(rng.pick(Vocabulary.firstNames))","product":"\#(rng.pick(["router", "subscription", "invoice", "mobile app", "printer"]))","category":"\#(rng.pick(["billing", "technical", "account", "shipping"]))","urgency":"\#(rng.pick(["low", "medium", "high"]))"}"#
        case .judgement:
            return "\(TextGenerator.paragraph(&rng, sentences: 2...5))\n\nRating: [[\(rng.int(1...10))]]"
        case .rewrite:
            return "Rewritten question: \(TextGenerator.sentence(&rng))\n\n\(TextGenerator.prose(&rng, characters: characters))"
        }
    }

    static func thinking(characters: Int, _ rng: inout SeededRandom) -> String {
        "Let me think about this carefully. " + TextGenerator.prose(&rng, characters: characters)
    }
}
