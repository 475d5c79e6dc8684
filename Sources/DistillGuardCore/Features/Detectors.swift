/// The capability an exchange targets.
public enum Capability: Int, CaseIterable, Sendable, Codable {
    case chat, writing, translation, coding, agenticCoding, toolUse, dataAnalysis, mathReasoning, computerUse, vision

    public var name: String {
        switch self {
        case .chat: "chat"
        case .writing: "writing"
        case .translation: "translation"
        case .coding: "coding"
        case .agenticCoding: "agentic_coding"
        case .toolUse: "tool_use"
        case .dataAnalysis: "data_analysis"
        case .mathReasoning: "math_reasoning"
        case .computerUse: "computer_use"
        case .vision: "vision"
        }
    }
}

/// Phrase-based detectors, in many languages. Each phrase list is small data, easy to extend;
/// matching is one pass (`PhraseMatcher`).
public enum Detectors {
    enum Tag: Int {
        case cot, rubric, rewrite, sensitive, code, data, math, writing, translation, computer
        /// A question about a quantity ("how many", "how far"): with numbers in a short prompt, a word problem.
        case quantity
    }

    static let phrases: [(String, Tag)] = {
        var list: [(String, Tag)] = []
        func add(_ tag: Tag, _ items: [String]) { list += items.map { ($0, tag) } }
        add(
            .cot,
            [
                // English
                "step by step", "step-by-step", "show your reasoning", "show all of your reasoning", "show your work",
                "chain of thought", "chain-of-thought", "explain your reasoning", "reasoning step", "think through",
                "thought process", "show every step", "show each step", "numbering every step", "number every step",
                "all of your thinking", "all your thinking", "your full reasoning", "complete reasoning", "reason through",
                "walk me through your", "every step of your reasoning", "before giving the final answer", "before the final answer",
                "stage by stage", "your thinking before", "explain all of your", "detailed reasoning", "show the reasoning",
                // Chinese, Japanese, Korean
                "一步一步", "逐步", "推理过程", "思考过程", "思维链", "详细展示", "ステップバイステップ", "段階的に", "推論過程", "思考過程",
                "단계별로", "추론 과정", "사고 과정",
                // Spanish, Portuguese, French, German, Italian, Russian
                "paso a paso", "muestra tu razonamiento", "razonamiento completo", "passo a passo", "mostre seu raciocínio",
                "étape par étape", "montre ton raisonnement", "votre raisonnement", "schritt für schritt", "gedankengang",
                "passo dopo passo", "шаг за шагом", "ход рассуждений", "покажи рассуждения",
            ])
        add(
            .rubric,
            [
                "rubric", "reward model", "grader", "impartial judge", "rate the response", "score the", "on a scale of 1 to 10",
                "on a 1-10 scale", "from 1 to 10", "[[rating]]", "which answer is better", "evaluate the quality", "score for each",
                "grade the following", "评分", "打分", "评分标准", "採点", "評価基準", "채점", "rúbrica", "grille d'évaluation",
                "bewertungsschema", "оцени ответ",
            ])
        add(
            .rewrite,
            [
                "rewrite the following question", "so that it becomes neutral", "safe to discuss", "politically safe", "make it safe",
                "rewrite this safely", "neutral and safe", "sanitize", "改写", "改寫", "政治正确", "安全地", "中立",
            ])
        add(
            .sensitive,
            [
                "tiananmen", "taiwan", "xinjiang", "tibet", "hong kong", "falun gong", "great firewall", "censorship",
                "cultural revolution", "great leap forward", "umbrella movement", "head of state", "ruling party",
                "天安门", "六四", "台湾", "新疆", "西藏", "法轮功",
            ])
        add(
            .code,
            [
                "```", "def ", "function ", "func ", "class ", "import ", "select ", "return ", "python", "javascript", "typescript",
                "golang", "rust", "java", "c++", "sql", "unit test", "refactor", "compile", "stack trace", "traceback", "error:",
                "exception", "repository", "pull request", "the code",
            ])
        add(
            .data,
            [
                "dataset", "csv", "spreadsheet", "regression", "statistics", "pandas", "dataframe", "exploratory analysis",
                "chart", "correlation", "data analysis", "analyze the", "数据分析", "データ分析",
            ])
        add(
            .math,
            [
                "solve", "prove", "equation", "probability", "integer", "theorem", "calculate", "how many ways", "divisible",
                "perimeter", "km/h", "solve for", "题目", "证明", "计算", "方程",
            ])
        add(
            .writing,
            [
                "write a poem", "write a short story", "write a story", "haiku", "cover letter", "blog post", "essay", "limerick",
                "sonnet", "speech", "proofread", "poema", "poème", "lettre de motivation", "写一封", "邮件",
            ])
        add(.translation, ["translate", "translation", "翻译", "翻訳", "traduce", "traduis", "übersetze", "переведи"])
        add(.computer, ["screenshot", "click", "browser", "desktop", "open the", "computer tool", "dashboard", "form with"])
        add(
            .quantity,
            [
                "how many", "how much", "how long", "how far", "how old", "how fast", "what percent", "what fraction", "catch up",
                "cuántos", "cuántas", "cuánto", "combien", "wie viele", "wie viel", "quanti", "quantos", "сколько", "多少", "几个",
                "いくつ", "何個", "몇 개",
            ])
        return list
    }()

    static let matcher = PhraseMatcher(phrases.map { ($0.0, $0.1.rawValue) })

    /// Tags of the phrases found in `text`.
    static func tags(_ text: String) -> UInt64 { matcher.tags(in: text) }

    static func has(_ bits: UInt64, _ tag: Tag) -> Bool { bits & (1 << UInt64(tag.rawValue)) != 0 }

    /// The longest prompt (in UTF-8 bytes) read as a word problem: past it, a question about a
    /// quantity with numbers in it is mostly a document with a question at the end.
    static let wordProblemBytes = 600

    /// Whether `text` (whose tags are `bits`) is a math word problem without a math phrase: a short
    /// prompt that asks about a quantity and gives at least two numbers ("Jack owns 6 tables of
    /// books, Linda 3 … How many tables are there in total?"). Of 30,271 real ChatGPT user turns
    /// (`../shared/data`), 54 read so, almost all of them quantitative problems (docs/benchmarks.md).
    static func isWordProblem(_ text: String, bits: UInt64) -> Bool {
        guard has(bits, .quantity), text.utf8.count <= wordProblemBytes else { return false }
        return numberCount(text, upTo: 2) >= 2
    }

    /// Whether `text` reads as a math word problem (see `isWordProblem(_:bits:)`), math phrase or not.
    public static func isWordProblem(_ text: String) -> Bool { isWordProblem(text, bits: tags(text)) }

    /// The numbers written in digits in `text`, counted up to `limit` (then it stops reading):
    /// "3.5", "125,000" and "75%" are one each; digits inside a word ("mp3", "x2") are not numbers.
    public static func numberCount(_ text: String, upTo limit: Int = .max) -> Int {
        var count = 0
        // The two bytes before the current one.
        var previous: UInt8 = 0x20
        var beforePrevious: UInt8 = 0x20
        for byte in text.utf8 {
            if isDigit(byte), !isDigit(previous) {
                let separated = (previous == UInt8(ascii: ".") || previous == UInt8(ascii: ",")) && isDigit(beforePrevious)
                let lowered = previous | 0x20
                let inWord = (lowered >= UInt8(ascii: "a") && lowered <= UInt8(ascii: "z")) || previous == UInt8(ascii: "_")
                if !separated && !inWord {
                    count += 1
                    if count >= limit { return count }
                }
            }
            beforePrevious = previous
            previous = byte
        }
        return count
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
