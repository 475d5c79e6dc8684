/// Everything the engine needs from one exchange, computed once, purely, from the event.
///
/// `serve` stores these at ingest as feature rows (`FeatureRow`): a new field goes into the row's
/// layout too, with a new `FeatureRow.version`.
public struct ExchangeFeatures: Sendable {
    public var signature: TemplateSignature
    /// Hash of the exact prompt text: the same prompt sampled again.
    public var promptHash: UInt64
    public var cotElicitation: Bool
    public var rubricGrading: Bool
    public var sensitiveRewrite: Bool
    /// Extended thinking (with a thinking budget of at least 4,000 tokens, or none given) or high
    /// reasoning effort requested: what a heavy user of reasoning asks for (`reasoning_request_rate`).
    public var reasoningRequested: Bool
    /// Extended thinking at any budget, or high reasoning effort: the request asks for the model's
    /// reasoning, however little of it (what ties a small account to its cohort, `DetectionEngine.tieToCohort`).
    public var thinkingRequested: Bool
    /// A maximal output or thinking budget requested (≥ 32k output tokens or ≥ 16k thinking tokens).
    public var maximalBudget: Bool
    /// More than one completion requested (`n` > 1).
    public var multipleSamples: Bool
    /// Reasoning requested with room for a long answer: extended thinking or high effort, and an
    /// output or thinking budget of at least `longReasoningTokens`. What a harvest of reasoning
    /// needs on every request, maximal or not.
    public var longReasoning: Bool
    public var capability: Capability
    public var inputTokens: Int
    public var outputTokens: Int
    /// What the model answered (`AnswerFingerprint`), nil when it answered nothing.
    public var answer: UInt64?
    /// The assistant turns the request re-sends, newest first.
    public var resentAnswers: [UInt64]

    /// Requested output budgets at or above this count as maximal.
    public static let maximalOutputTokens = 32_000
    public static let maximalThinkingTokens = 16_000
    /// Budgets (output or thinking tokens) at or above this leave room for a long reasoned answer.
    public static let longReasoningTokens = 16_000

    /// Features as stored (`FeatureRow`).
    init(
        signature: TemplateSignature, promptHash: UInt64, cotElicitation: Bool, rubricGrading: Bool, sensitiveRewrite: Bool,
        reasoningRequested: Bool, thinkingRequested: Bool, maximalBudget: Bool, multipleSamples: Bool, longReasoning: Bool,
        capability: Capability, inputTokens: Int, outputTokens: Int, answer: UInt64?, resentAnswers: [UInt64]
    ) {
        self.signature = signature
        self.promptHash = promptHash
        self.cotElicitation = cotElicitation
        self.rubricGrading = rubricGrading
        self.sensitiveRewrite = sensitiveRewrite
        self.reasoningRequested = reasoningRequested
        self.thinkingRequested = thinkingRequested
        self.maximalBudget = maximalBudget
        self.multipleSamples = multipleSamples
        self.longReasoning = longReasoning
        self.capability = capability
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.answer = answer
        self.resentAnswers = resentAnswers
    }

    public init(_ event: Event) {
        let exchange = event.exchange
        let prompt = exchange.lastUserText
        signature = TemplateSignature(PromptSkeleton(prompt))
        promptHash = StableHash.hash(prompt)
        let bits = Detectors.tags(prompt)
        let systemBits = exchange.system.isEmpty ? 0 : Detectors.tags(exchange.system)
        cotElicitation = Detectors.has(bits | systemBits, .cot)
        rubricGrading = Detectors.has(bits | systemBits, .rubric)
        sensitiveRewrite = Detectors.has(bits, .sensitive) && (Detectors.has(bits, .rewrite) || Detectors.has(bits, .cot))
        let effort = exchange.reasoning.effort ?? ""
        let highEffort = effort == "high" || effort == "xhigh"
        reasoningRequested = (exchange.reasoning.enabled && (exchange.reasoning.budgetTokens ?? 8000) >= 4000) || highEffort
        thinkingRequested = exchange.reasoning.enabled || highEffort
        maximalBudget =
            (exchange.maxOutputTokens ?? 0) >= Self.maximalOutputTokens
            || (exchange.reasoning.budgetTokens ?? 0) >= Self.maximalThinkingTokens
        multipleSamples = exchange.sampling.n > 1
        longReasoning =
            reasoningRequested && max(exchange.maxOutputTokens ?? 0, exchange.reasoning.budgetTokens ?? 0) >= Self.longReasoningTokens
        capability = Self.capability(exchange, prompt: prompt, bits: bits)
        inputTokens = event.usage.inputTokens ?? prompt.utf8.count / 4
        outputTokens = event.usage.outputTokens ?? exchange.outputText.utf8.count / 4
        answer = AnswerFingerprint.answer(exchange)
        resentAnswers = AnswerFingerprint.resent(exchange)
    }

    /// Tools that only a coding agent offers.
    static let agenticToolNames: Set<String> = [
        "bash", "run_tests", "write_file", "read_file", "str_replace_editor", "python", "shell",
    ]

    static func capability(_ exchange: Exchange, prompt: String, bits: UInt64) -> Capability {
        let tools = exchange.tools
        let hasComputerTool = tools.contains { $0.kind.hasPrefix("computer") || $0.name == "computer" }
        if hasComputerTool || (Detectors.has(bits, .computer) && !tools.isEmpty) { return .computerUse }
        if !tools.isEmpty
            && (Detectors.has(bits, .code) || tools.contains { Self.agenticToolNames.contains($0.name) || $0.kind.hasPrefix("bash") })
        {
            return Detectors.has(bits, .data) ? .dataAnalysis : .agenticCoding
        }
        if !tools.isEmpty { return .toolUse }
        if Detectors.has(bits, .data) { return .dataAnalysis }
        if Detectors.has(bits, .code) { return .coding }
        if exchange.turns.last(where: { $0.role == .user })?.attachments.contains(.image) == true { return .vision }
        if Detectors.has(bits, .math) || Detectors.isWordProblem(prompt, bits: bits) { return .mathReasoning }
        if Detectors.has(bits, .translation) { return .translation }
        if Detectors.has(bits, .writing) { return .writing }
        return .chat
    }
}
