import ArgumentParser
import DistillGuardCore
import Foundation

/// The proof loop of docs/watermark.md: watermark part of a corpus, train a student language model
/// on it mixed with other text, sample the student, and run the attribution test; then check the
/// null set, paraphrase robustness and the word-frequency chi-square.
@main
struct WatermarkProof: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distillguard-watermark-proof",
        abstract: "Watermark → student model → attribution, with null-set calibration and a chi-square test; prints Markdown.")

    @Option(name: .long, help: "Texts standing in for the teacher's outputs and other training text, JSON Lines {\"text\": ...}.")
    var corpus: String

    @Option(name: .long, help: "Further null-set texts from other sources, JSON Lines {\"text\": ...}.")
    var other: [String] = []

    @Option(name: .long, help: "Texts held out of training as the human-written null set.")
    var nullTexts = 2000

    @Option(name: .long, parsing: .upToNextOption, help: "Watermarked fractions of the training text.")
    var fractions: [Double] = [0, 0.01, 0.05, 0.10, 0.50]

    @Option(name: .long, parsing: .upToNextOption, help: "Numbers of suspect samples to test.")
    var sampleCounts: [Int] = [1000, 4000, 16000, 64000]

    @Option(name: .long, help: "Tokens per student sample (at most).")
    var sampleLength = 60

    @Option(name: .long, help: "Random keys for the null calibration.")
    var nullKeys = 500

    @Option(name: .long, help: "Seed.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "The share of contexts the key marks.")
    var activeShare = Watermark.defaultActiveShare

    @Option(name: .long, help: "WordNet's database directory (Debian's wordnet-base), the attacker's general thesaurus.")
    var thesaurus = "/usr/share/wordnet"

    @Option(name: .long, parsing: .upToNextOption, help: "Numbers of attacked texts to test.")
    var attackSampleCounts: [Int] = [250, 500, 1000, 2000]

    func run() throws {
        var generator = SeededGenerator(seed: seed)
        var texts = try TextSamples.read(corpus)
        texts.shuffle(using: &generator)
        let held = Array(texts.prefix(nullTexts))
        let pool = Array(texts.dropFirst(nullTexts))
        let key = try Watermark(key: Array("distillguard-proof-key-\(seed)".utf8), activeShare: activeShare)
        let otherKey = try Watermark(key: Array("someone-elses-watermark-key-\(seed)".utf8), activeShare: activeShare)
        let poolWords = pool.reduce(0) { $0 + Tokenizer.tokens($1).count }
        print("# Watermark proof loop\n")
        print(
            "Corpus: \(texts.count) texts; \(held.count) held out as the null set; training pool \(pool.count) texts, \(poolWords) tokens.")
        print("Student: trigram model, Witten-Bell interpolation; samples of at most \(sampleLength) tokens. Seed \(seed).")
        print("The key marks \(Self.percent(activeShare)) of the (group, previous word) contexts.\n")

        chiSquare(pool: pool, key: key)
        try attacks(pool: pool, key: key, generator: &generator)

        print("## Attribution: log10 p-value by watermarked fraction and number of suspect samples\n")
        print(
            "| watermarked share of training tokens | the training text itself (\(pool.count) texts) | "
                + sampleCounts.map { "\($0) samples" }.joined(separator: " | ") + " |")
        print("|---|---:|" + sampleCounts.map { _ in "---:" }.joined(separator: "|") + "|")
        var students: [Double: [String]] = [:]
        let largest = sampleCounts.max() ?? 1000
        for fraction in fractions {
            let started = Date()
            let training = Self.mixture(pool, fraction: fraction, watermark: key)
            let samples = trainAndSample(training, count: largest, generator: &generator)
            students[fraction] = samples
            let cells = sampleCounts.map { n -> String in
                let result = attribute(Array(samples.prefix(n)), key: key)
                return Self.cell(result)
            }
            print("| \(Self.percent(fraction)) | \(Self.cell(attribute(training, key: key))) | " + cells.joined(separator: " | ") + " |")
            FileHandle.standardError.write(
                Data("fraction \(fraction): \(String(format: "%.1f", Date().timeIntervalSince(started))) s\n".utf8))
        }
        print(
            "\nEach cell: log10 p (z score, distinct pairs). The p-value is a Chernoff bound: it never understates the chance probability."
        )
        print(
            "\"The training text itself\" tests the student's whole training mixture as if it were the suspect's samples: a student that\n"
                + "reproduces its training text's word choices carries about that much evidence, so a share at which that column shows\n"
                + "nothing cannot be detected through a student trained on this much text.\n")

        paraphrase(students: students, key: key, generator: &generator)
        nullSet(held: held, students: students, pool: pool, key: key, otherKey: otherKey, generator: &generator)
    }

    // MARK: - Steps

    /// `pool` with its first texts watermarked, up to `fraction` of its tokens: a student's training text.
    static func mixture(_ pool: [String], fraction: Double, watermark: Watermark) -> [String] {
        let total = pool.reduce(0) { $0 + Tokenizer.tokens($1).count }
        var marked = 0
        return pool.map { text in
            let length = Tokenizer.tokens(text).count
            guard fraction > 0, Double(marked + length) <= fraction * Double(total) + Double(length) / 2 else { return text }
            marked += length
            return watermark.apply(to: text)
        }
    }

    /// Trains a student on `training` and draws `count` samples from it.
    func trainAndSample(_ training: [String], count: Int, generator: inout SeededGenerator) -> [String] {
        var student = StudentModel()
        for text in training { student.train(text) }
        student.freeze()
        return (0..<count).map { _ in student.sample(limit: sampleLength, using: &generator) }
    }

    func attribute(_ samples: [String], key: Watermark) -> AttributionResult {
        var test = AttributionTest(table: key.table)
        for sample in samples { test.add(sample) }
        return test.result(for: key)
    }

    func chiSquare(pool: [String], key: Watermark) {
        let half = min(3000, pool.count / 2)
        let a = Array(pool.prefix(half))
        let b = Array(pool.dropFirst(half).prefix(half))
        let marked = a.map(key.apply(to:))
        print("## Can anyone without the key see it? Word frequencies, chi-square test of homogeneity\n")
        print("Set A (\(half) texts) watermarked against the same texts unwatermarked, and against set B (\(half) other texts")
        print("of the corpus); for reference, A against B with neither watermarked. A p-value far below 0.05 would mean the")
        print("word frequencies give the watermark away. Texts of one corpus differ by topic, so even A against B unwatermarked")
        print("can reject: the watermark's effect is the difference between the last two columns.\n")
        print("| words compared | A marked vs A plain | A marked vs B plain | A plain vs B plain |")
        print("|---|---|---|---|")
        let vocabulary = Self.topWords(a + b, count: 500)
        for (label, counter) in [
            ("the table's words, per group", { (texts: [String]) in Self.groupCounts(texts, table: key.table) }),
            ("the 500 most frequent words", { (texts: [String]) in Self.wordCounts(texts, vocabulary: vocabulary) }),
        ] {
            let same = Self.test(counter(marked), counter(a))
            let watermarked = Self.test(counter(marked), counter(b))
            let plain = Self.test(counter(a), counter(b))
            print("| \(label) | \(same) | \(watermarked) | \(plain) |")
        }
        print("")
    }

    /// The attacks on watermarked texts used as they are (the suspect samples are the attacked
    /// texts): power by number of samples, and the cost to the text. Three keys, because which
    /// contexts a key marks moves the power of one run a lot; the median and the range are shown.
    func attacks(pool: [String], key: Watermark, generator: inout SeededGenerator) throws {
        let count = attackSampleCounts.max() ?? 2000
        let plain = Array(pool.prefix(count))
        let keys =
            [key] + (try (1...2).map { try Watermark(key: Array("distillguard-proof-key-\(seed)-\($0)".utf8), activeShare: activeShare) })
        let redraw = try Watermark(key: Array("the-attackers-own-key-\(seed)".utf8), activeShare: activeShare)
        let redrawAll = try Watermark(key: Array("the-attackers-own-key-\(seed)".utf8), activeShare: 1)
        let thesaurus: Thesaurus?
        do {
            thesaurus = try Thesaurus(directory: self.thesaurus)
        } catch {
            FileHandle.standardError.write(
                Data("no thesaurus at \(self.thesaurus) (\(error)): the substitution attacks are left out\n".utf8))
            thesaurus = nil
        }
        var attacks: [Attack] = [
            Attack(name: "none (the texts as served)", visible: "nothing", apply: { marked, _, _ in marked }),
            Attack(
                name: "re-draw the public table with another key (`watermark apply --key-file THEIRS`)",
                visible: "nothing: table words swapped for synonyms", apply: { marked, _, _ in redraw.apply(to: marked) }),
            Attack(
                name: "re-draw every context of the table with another key (`--active-share 1`)",
                visible: "nothing: table words swapped for synonyms", apply: { marked, _, _ in redrawAll.apply(to: marked) }),
        ]
        if let thesaurus {
            for rate in [0.1, 0.3, 0.5] {
                attacks.append(
                    Attack(
                        name: "WordNet synonym substitution, \(Self.percent(rate)) of the words that have one",
                        visible: rate < 0.2 ? "odd word choices" : "many odd or wrong words",
                        apply: { marked, _, generator in thesaurus.substitute(marked, rate: rate, generator: &generator) }))
            }
        }
        attacks += [
            Attack(
                name: "delete 20% of sentences", visible: "gaps in the argument",
                apply: { marked, _, generator in Sentences.delete(marked, rate: 0.2, generator: &generator) }),
            Attack(
                name: "shuffle 20% of sentences", visible: "sentences out of order",
                apply: { marked, _, generator in Sentences.shuffle(marked, rate: 0.2, generator: &generator) }),
            Attack(
                name: "mix: half the texts unwatermarked", visible: "nothing",
                apply: { marked, plain, generator in Bool.random(using: &generator) ? marked : plain }),
            Attack(
                name: "mix: 80% of the texts unwatermarked", visible: "nothing",
                apply: { marked, plain, generator in Double.random(in: 0..<1, using: &generator) < 0.2 ? marked : plain }),
        ]
        if let thesaurus {
            attacks.append(
                Attack(
                    name: "combined: re-draw with another key, 30% WordNet substitution, delete 20% of sentences, half unwatermarked",
                    visible: "many odd or wrong words, gaps",
                    apply: { marked, plain, generator in
                        guard Bool.random(using: &generator) else { return plain }
                        let swapped = thesaurus.substitute(redraw.apply(to: marked), rate: 0.3, generator: &generator)
                        return Sentences.delete(swapped, rate: 0.2, generator: &generator)
                    }))
        }
        print("## Attacks on watermarked text: log10 p-value by number of attacked texts\n")
        print("\(count) ShareGPT texts watermarked, attacked, then tested as the suspect's samples, for \(keys.count) keys. \"Words")
        print("changed\" is the share of the watermarked texts' words that the attack replaced or removed (a moved word is not")
        print("counted). For mixes, the unwatermarked texts are the same texts never marked. WordNet: the most frequent sense of")
        print("each word in its most frequent part of speech, one-word synonyms, function words left alone (Debian's wordnet-base).\n")
        print("| attack | words changed | what a reader sees | " + attackSampleCounts.map { "\($0) texts" }.joined(separator: " | ") + " |")
        print("|---|---:|---|" + attackSampleCounts.map { _ in "---:" }.joined(separator: "|") + "|")
        let markedByKey = keys.map { key in plain.map(key.apply(to:)) }
        let example = plain.indices.first {
            plain[$0].count > 150 && plain[$0].count < 400 && markedByKey[0][$0] != plain[$0] && !plain[$0].contains("\n")
                && plain[$0].allSatisfy { $0.isASCII }
        }
        var examples: [(String, String)] = []
        for attack in attacks {
            var log10P = Array(repeating: [Double](), count: attackSampleCounts.count)
            var changed: [Double] = []
            for (index, (key, marked)) in zip(keys, markedByKey).enumerated() {
                let attacked = zip(marked, plain).map { attack.apply($0, $1, &generator) ?? $0 }
                for (column, n) in attackSampleCounts.enumerated() {
                    log10P[column].append(attribute(Array(attacked.prefix(n)), key: key).log10PValue)
                }
                changed.append(changedShare(marked, attacked))
                if index == 0, let example, attack.name.contains("re-draw") || attack.name.contains("WordNet") {
                    examples.append((attack.name, attacked[example]))
                }
            }
            let cells = log10P.map { values -> String in
                let sorted = values.sorted()
                return String(format: "%.1f (%.1f to %.1f)", sorted[sorted.count / 2], sorted.last!, sorted.first!)
            }
            print(
                "| \(attack.name) | \(String(format: "%.1f%%", 100 * changed.sorted()[changed.count / 2])) | \(attack.visible) | "
                    + cells.joined(separator: " | ") + " |")
        }
        print("\nEach cell: median log10 p over the keys (weakest to strongest key).\n")
        if let example {
            print("What a reader sees, one text (unwatermarked, as served with the first key, then attacked):\n")
            print("- unwatermarked: \(Self.quote(plain[example]))")
            print("- as served: \(Self.quote(markedByKey[0][example]))")
            for (name, text) in examples { print("- \(name): \(Self.quote(text))") }
            print("")
        }
    }

    static func quote(_ text: String) -> String {
        "«" + text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "|", with: "\\|") + "»"
    }

    func paraphrase(students: [Double: [String]], key: Watermark, generator: inout SeededGenerator) {
        print("## Robustness to paraphrase: synonym swaps on the suspect samples\n")
        print("A share of the words in each sample is swapped: table words for another word of their group (as if the attacker knew")
        print("the table), other words for a different word (which changes the context of the next one).\n")
        let fractions = students.keys.filter { $0 >= 0.05 }.sorted()
        let rates = [0.0, 0.1, 0.2, 0.3]
        print("| watermarked share | " + rates.map { "\(Int($0 * 100))% swapped" }.joined(separator: " | ") + " |")
        print("|---|" + rates.map { _ in "---:" }.joined(separator: "|") + "|")
        // The samples of the smallest fraction (not `students.values.first`, whose order changes from run to run).
        let vocabulary = Self.topWords(students.keys.min().flatMap { students[$0] } ?? [], count: 2000)
        for fraction in fractions {
            let samples = students[fraction]!
            let cells = rates.map { rate in
                Self.cell(
                    attribute(
                        samples.map { Self.swap($0, rate: rate, table: key.table, vocabulary: vocabulary, generator: &generator) }, key: key
                    ))
            }
            print("| \(Self.percent(fraction)) (\(samples.count) samples) | " + cells.joined(separator: " | ") + " |")
        }
        print("")
    }

    func nullSet(
        held: [String], students: [Double: [String]], pool: [String], key: Watermark, otherKey: Watermark, generator: inout SeededGenerator
    ) {
        print("## Null set: text never exposed to the watermark\n")
        print("| text | samples | log10 p (z, pairs) |")
        print("|---|---:|---|")
        print("| held-out human-written texts | \(held.count) | \(Self.cell(attribute(held, key: key))) |")
        for path in other {
            if let texts = try? TextSamples.read(path) {
                print("| \((path as NSString).lastPathComponent) | \(texts.count) | \(Self.cell(attribute(texts, key: key))) |")
            }
        }
        if let clean = students[0] {
            print("| student trained on no watermarked text | \(clean.count) | \(Self.cell(attribute(clean, key: key))) |")
        }
        let foreign = trainAndSample(
            Self.mixture(pool, fraction: 0.5, watermark: otherKey), count: sampleCounts.max() ?? 1000, generator: &generator)
        print(
            "| student trained on 50% text watermarked with another key | \(foreign.count) | \(Self.cell(attribute(foreign, key: key))) |")
        print("")
        print("False alarms over \(nullKeys) random keys (a calibrated test alarms at level α at most α of the time):\n")
        print("| null text | p ≤ 0.05 | p ≤ 0.01 | p ≤ 0.001 | smallest p |")
        print("|---|---:|---:|---:|---:|")
        var sets: [(String, [String])] = [("held-out human-written texts", held)]
        if let clean = students[0] { sets.append(("student trained on no watermarked text", clean)) }
        sets.append(("student trained on another key's watermark", foreign))
        for (label, texts) in sets {
            var test = AttributionTest(table: key.table)
            for text in texts { test.add(text) }
            var pValues: [Double] = []
            for index in 0..<nullKeys {
                let random = try! Watermark(key: Array("null-key-\(seed)-\(index)-calibration".utf8))
                pValues.append(test.result(for: random).pValue)
            }
            func share(_ alpha: Double) -> String {
                let count = pValues.filter { $0 <= alpha }.count
                return "\(count) (\(String(format: "%.1f", 100 * Double(count) / Double(nullKeys)))%)"
            }
            print("| \(label) | \(share(0.05)) | \(share(0.01)) | \(share(0.001)) | \(String(format: "%.3g", pValues.min() ?? 1)) |")
        }
        print("")
    }

    // MARK: - Helpers

    static func cell(_ result: AttributionResult) -> String {
        "\(String(format: "%.1f", result.log10PValue)) (z \(String(format: "%.1f", result.zScore)), \(result.pairs))"
    }

    static func percent(_ fraction: Double) -> String { "\(String(format: "%g", fraction * 100))%" }

    static func test(_ a: [Int], _ b: [Int]) -> String {
        let (chi, df) = Statistics.homogeneity(a, b)
        return "\(String(format: "%.1f", chi)) (\(df)), p = \(String(format: "%.3f", Statistics.chiSquareTail(chi, degreesOfFreedom: df)))"
    }

    static func groupCounts(_ texts: [String], table: SynonymTable) -> [Int] {
        var offsets: [String: Int] = [:]
        var size = 0
        for group in table.groups {
            offsets[group.id] = size
            size += group.words.count
        }
        var counts = Array(repeating: 0, count: size)
        for text in texts {
            for site in SynonymTable.sites(in: text, table: table) { counts[offsets[site.group.id]! + site.word] += 1 }
        }
        return counts
    }

    static func topWords(_ texts: [String], count: Int) -> [String] {
        var counts: [String: Int] = [:]
        for text in texts {
            for token in Tokenizer.tokens(text) where token.first?.isLetter == true { counts[token.lowercased(), default: 0] += 1 }
        }
        return counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.prefix(count).map(\.key)
    }

    static func wordCounts(_ texts: [String], vocabulary: [String]) -> [Int] {
        let index = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, $0) })
        var counts = Array(repeating: 0, count: vocabulary.count)
        for text in texts {
            for token in Tokenizer.tokens(text) {
                if let position = index[token.lowercased()] { counts[position] += 1 }
            }
        }
        return counts
    }

    static func swap(_ text: String, rate: Double, table: SynonymTable, vocabulary: [String], generator: inout SeededGenerator) -> String {
        guard rate > 0 else { return text }
        let tokens = Tokenizer.tokens(text).map { token -> String in
            guard token.first?.isLetter == true, Double.random(in: 0..<1, using: &generator) < rate else { return token }
            if let (group, word) = table.lookup(token.lowercased()) {
                let others = group.words.indices.filter { $0 != word }
                let replacement = group.words[others.randomElement(using: &generator)!]
                return token.first!.isUppercase ? replacement.prefix(1).uppercased() + replacement.dropFirst() : replacement
            }
            var replacement = token
            while replacement.lowercased() == token.lowercased(), let pick = vocabulary.randomElement(using: &generator) {
                replacement = pick
            }
            return replacement
        }
        return Tokenizer.join(tokens)
    }
}
