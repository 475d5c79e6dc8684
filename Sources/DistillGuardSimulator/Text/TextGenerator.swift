/// Composes prompt and response text from `Vocabulary`: sentences, paragraphs, code, questions.
///
/// Everything is driven by the caller's `SeededRandom`, so output is reproducible.
enum TextGenerator {
    static func sentence(_ rng: inout SeededRandom) -> String {
        switch rng.int(0..<6) {
        case 0:
            return
                "The \(rng.pick(Vocabulary.adjectives)) \(rng.pick(Vocabulary.nouns)) \(rng.pick(Vocabulary.verbs)) the \(rng.pick(Vocabulary.nouns))."
        case 1:
            return
                "In most cases, a \(rng.pick(Vocabulary.adjectives)) \(rng.pick(Vocabulary.nouns)) \(rng.pick(Vocabulary.verbs)) how the \(rng.pick(Vocabulary.nouns)) works."
        case 2:
            return
                "\(rng.pick(Vocabulary.firstNames)) noticed that the \(rng.pick(Vocabulary.nouns)) \(rng.pick(Vocabulary.verbs)) every \(rng.pick(Vocabulary.periods))."
        case 3:
            return
                "This \(rng.pick(Vocabulary.verbs)) the \(rng.pick(Vocabulary.adjectives)) \(rng.pick(Vocabulary.nouns)) by about \(rng.int(2...90)) percent."
        case 4:
            return
                "Because the \(rng.pick(Vocabulary.nouns)) is \(rng.pick(Vocabulary.adjectives)), it \(rng.pick(Vocabulary.verbs)) the \(rng.pick(Vocabulary.nouns)) over time."
        default:
            return
                "\(rng.pick(Vocabulary.companies)) reported that its \(rng.pick(Vocabulary.nouns)) \(rng.pick(Vocabulary.verbs)) the \(rng.pick(Vocabulary.adjectives)) \(rng.pick(Vocabulary.nouns))."
        }
    }

    static func paragraph(_ rng: inout SeededRandom, sentences: ClosedRange<Int>) -> String {
        (0..<rng.int(sentences)).map { _ in sentence(&rng) }.joined(separator: " ")
    }

    /// Text of roughly `characters` characters in paragraphs.
    static func prose(_ rng: inout SeededRandom, characters: Int) -> String {
        var parts: [String] = []
        var length = 0
        while length < characters {
            let p = paragraph(&rng, sentences: 2...5)
            parts.append(p)
            length += p.count + 2
        }
        return parts.joined(separator: "\n\n")
    }

    static func identifier(_ rng: inout SeededRandom) -> String {
        let first = ["load", "parse", "compute", "fetch", "build", "update", "merge", "render", "validate", "sync"]
        let second = ["Config", "Orders", "Users", "Report", "Cache", "Items", "Events", "Totals", "Session", "Rows"]
        return rng.pick(first) + rng.pick(second)
    }

    /// A short code snippet in one of several languages.
    static func code(_ rng: inout SeededRandom, language: String? = nil) -> (language: String, code: String) {
        let name = identifier(&rng)
        let n = rng.int(2...50)
        switch language ?? rng.pick(["Python", "JavaScript", "Go", "SQL", "Swift"]) {
        case "JavaScript", "TypeScript":
            return (
                "javascript",
                "function \(name)(items) {\n  const out = [];\n  for (let i = 0; i <= items.length; i++) {\n    if (items[i].value > \(n)) out.push(items[i]);\n  }\n  return out.map(x => x.id);\n}"
            )
        case "Go":
            return (
                "go",
                "func \(name)(xs []int) int {\n\ttotal := 0\n\tfor i := range xs {\n\t\tif xs[i] > \(n) {\n\t\t\ttotal += xs[i]\n\t\t}\n\t}\n\treturn total / len(xs)\n}"
            )
        case "SQL":
            return (
                "sql",
                "SELECT customer_id, SUM(amount) AS total\nFROM orders\nWHERE created_at > NOW() - INTERVAL '\(n) days'\nGROUP BY customer_id\nHAVING SUM(amount) > \(n * 10)\nORDER BY total DESC;"
            )
        case "Swift":
            return (
                "swift",
                "func \(name)(_ values: [Double]) -> Double {\n    guard !values.isEmpty else { return 0 }\n    let sum = values.reduce(0, +)\n    return sum / Double(values.count - \(n % 3))\n}"
            )
        default:
            return (
                "python",
                "def \(name.snakeCased)(rows):\n    result = {}\n    for row in rows:\n        key = row['id']\n        result[key] = result.get(key, 0) + row['value'] * \(n)\n    return sorted(result.items(), key=lambda kv: kv[1])[:\(n)]"
            )
        }
    }

    /// A grade-school or competition style math word problem with its numbers filled in.
    static func mathProblem(_ rng: inout SeededRandom) -> String {
        let a = rng.int(3...90)
        let b = rng.int(2...40)
        let c = rng.int(2...12)
        let shapes = [
            "A train leaves at \(c):00 travelling \(a) km/h; a second train leaves \(b) minutes later at \(a + 15) km/h. When does the second catch up?",
            "\(rng.pick(Vocabulary.firstNames)) buys \(a) apples and gives away \(b)% of them, then buys \(c) more. How many apples are left?",
            "Find all integers n such that n^2 + \(a)n + \(b) is divisible by \(c).",
            "What is the probability of drawing \(c % 4 + 2) red balls from a bag with \(a) red and \(b) blue balls without replacement?",
            "Prove that the sum of the first \(a) odd numbers is a perfect square, and generalize.",
            "Solve for x: \(a)x + \(b) = \(c)x^2 - \(a + b).",
            "A rectangle has perimeter \(a * 2) and area \(b * c). Find its side lengths.",
            "How many ways can \(c + 2) people sit around a round table if two of them refuse to sit together?",
        ]
        return rng.pick(shapes)
    }

    /// A multiple-choice benchmark-style question.
    static func benchmarkQuestion(_ rng: inout SeededRandom) -> String {
        let subject = rng.pick(Vocabulary.benchmarkSubjects)
        let stem: String
        if rng.chance(0.5) {
            stem = mathProblem(&rng)
        } else {
            stem = "Which statement about \(rng.pick(Vocabulary.concepts)) is most accurate?"
        }
        let options = (0..<4).map { index in "\(["A", "B", "C", "D"][index]). \(sentence(&rng))" }
        return "The following is a multiple choice question about \(subject).\n\n\(stem)\n\(options.joined(separator: "\n"))"
    }
}

extension String {
    var snakeCased: String {
        var out = ""
        for character in self {
            if character.isUppercase {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }
}
