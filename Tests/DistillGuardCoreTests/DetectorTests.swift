import DistillGuardCore
import DistillGuardTesting
import Foundation
import Testing

struct DetectorTests {
    func features(_ prompt: String, maxTokens: Int = 1024, thinking: Int? = nil, tools: [String] = []) throws -> ExchangeFeatures {
        var log = CraftedLog()
        log.add(account: "a", at: Timestamp(milliseconds: 0), prompt: prompt, maxTokens: maxTokens, thinkingBudget: thinking, tools: tools)
        return ExchangeFeatures(log.events[0])
    }

    @Test(arguments: [
        "Think step by step and show all of your reasoning before giving the final answer: what is 17*23?",
        "Write out your complete chain of thought, numbering every step.",
        "Please explain your reasoning in detail, then answer.",
        "请一步一步地思考，并详细展示你的全部推理过程。",
        "ステップバイステップで考えて、推論過程を示してください。",
        "단계별로 생각하고 추론 과정을 보여 주세요.",
        "Resuelve el problema paso a paso y muestra tu razonamiento.",
        "Résous ce problème étape par étape.",
        "Löse die Aufgabe Schritt für Schritt und zeige deinen Gedankengang.",
        "Реши задачу шаг за шагом.",
        "Resolva passo a passo, por favor.",
    ])
    func detectsChainOfThoughtElicitationInManyLanguages(prompt: String) throws {
        #expect(try features(prompt).cotElicitation)
    }

    @Test(arguments: [
        "Write a poem about the sea.", "How do I implement a step function in numpy?", "What is the reason the sky is blue?",
        "请帮我写一封邮件给老师。", "Escribe un poema corto sobre la lluvia.", "Erkläre mir Zinseszins.",
    ])
    func leavesOrdinaryPromptsAlone(prompt: String) throws {
        let f = try features(prompt)
        #expect(!f.cotElicitation && !f.rubricGrading && !f.sensitiveRewrite)
    }

    @Test(arguments: [
        "You are a strict grader acting as a reward model. Using the rubric below, score the candidate answer from 1 to 10.",
        "Please act as an impartial judge and evaluate the quality of the response. Rate it [[rating]].",
        "请根据评分标准为下面的回答打分。",
    ])
    func detectsRubricGrading(prompt: String) throws {
        #expect(try features(prompt).rubricGrading)
    }

    @Test func detectsSafeRewritesOfSensitiveTopicsOnly() throws {
        #expect(
            try features("Rewrite the following question about Tiananmen so that it becomes neutral and safe to discuss, then answer it.")
                .sensitiveRewrite)
        #expect(try features("请改写下面关于台湾的问题，使其政治正确。").sensitiveRewrite)
        #expect(try !features("Rewrite this email so that it sounds friendlier.").sensitiveRewrite)
        #expect(try !features("What is the capital of Taiwan's neighbour Japan?").sensitiveRewrite)
    }

    @Test func detectsOutputHarvestingRequests() throws {
        #expect(try features("hi", maxTokens: 64000).maximalBudget)
        #expect(try features("hi", maxTokens: 20000, thinking: 16000).maximalBudget)
        #expect(try !features("hi", maxTokens: 4096, thinking: 2000).maximalBudget)
        #expect(try features("hi", maxTokens: 8000, thinking: 6000).reasoningRequested)
        // Thinking on with a small budget asks for reasoning, though not for heavy use of it.
        let small = try features("hi", maxTokens: 2048, thinking: 1024)
        #expect(small.thinkingRequested && !small.reasoningRequested)
        #expect(try !features("hi", maxTokens: 2048).thinkingRequested)
        let chat = try EventDecoder.decode(line: EventFixtures.openAIChat)
        #expect(ExchangeFeatures(chat).multipleSamples, "n = 4")
        #expect(ExchangeFeatures(chat).reasoningRequested, "reasoning_effort high")
        #expect(ExchangeFeatures(chat).thinkingRequested, "reasoning_effort high")
    }

    @Test(arguments: [
        ("Fix the failing test:\n```python\ndef f(x): return x\n```", [String](), Capability.coding),
        ("Fix the failing test in this repository", ["bash", "run_tests"], .agenticCoding),
        ("Look up the weather in Paris", ["get_weather"], .toolUse),
        ("Load the dataset of sales as CSV and fit a regression", [], .dataAnalysis),
        ("Solve for x: 3x + 5 = 20", [], .mathReasoning),
        ("Jack owns 6 tables of books, Linda owns 3 and Susan 1. How many tables of books are there?", [], .mathReasoning),
        ("Sarah invested $10,000 at 2.5% a year. How much does she have after 3 years?", [], .mathReasoning),
        ("How many people live in Paris?", [], .chat),
        ("How much is an mp3 player with 2GB?", [], .chat),
        ("Translate to French: good morning", [], .translation),
        ("Write a poem about autumn", [], .writing),
        ("hey, how are you today?", [], .chat),
    ])
    func classifiesTheTargetedCapability(prompt: String, tools: [String], expected: Capability) throws {
        #expect(try features(prompt, tools: tools).capability == expected)
    }

    @Test func readsOnlyShortPromptsWithNumbersAsWordProblems() throws {
        #expect(Detectors.numberCount("125,000 at 3.5% for 12 months, an mp3 x2 and v1.2") == 3)
        #expect(Detectors.numberCount("1, 2, 3 and 4") == 4)
        #expect(Detectors.numberCount("1, 2, 3 and 4", upTo: 2) == 2)
        let problem = "A shop sells 40 pens a day and 15 more on Saturdays. How many pens does it sell in a week?"
        #expect(try features(problem).capability == .mathReasoning)
        // The same question at the end of a long document is a question about the document.
        let document = String(repeating: "The quarterly report covers the region's sales and staffing. ", count: 10)
        #expect(try features(document + problem).capability == .chat)
    }

    @Test func recognisesComputerUseAndVision() throws {
        let anthropic = try EventDecoder.decode(line: EventFixtures.anthropicBlocks)
        #expect(ExchangeFeatures(anthropic).capability == .computerUse)
    }
}

struct TemplateTests {
    func template(_ registry: inout TemplateRegistry, _ prompt: String) -> Int {
        registry.assign(TemplateSignature(PromptSkeleton(prompt)))
    }

    @Test func skeletonMasksSlotContent() {
        let text = PromptSkeleton.text(
            of: "Ticket #4411 from Maria Lopez <maria@example.com>: \"printer is broken\" see https://x.io/a ```code here```")
        #expect(text == "ticket <num> from <name> <name> <email> <q> see <url> <code>")
    }

    @Test func oneTemplateDespiteSlotFilling() {
        var registry = TemplateRegistry()
        let a = template(
            &registry,
            "Think step by step and show all of your reasoning in full detail before giving the final answer.\n\nProblem: A train leaves at 3:00 travelling 40 km/h; when does the second catch up?"
        )
        let b = template(
            &registry,
            "Think step by step and show all of your reasoning in full detail before giving the final answer.\n\nProblem: Prove that the sum of the first 17 odd numbers is a perfect square, and generalize."
        )
        let c = template(
            &registry,
            "The following is a multiple choice question about law.\n\nWhich statement is right?\nA. one\nB. two\n\nThink step by step, then answer with the letter of the correct option."
        )
        let d = template(
            &registry,
            "The following is a multiple choice question about physics and energy.\n\nWhat is a joule?\nA. x\nB. y\nC. z\n\nThink step by step, then answer with the letter of the correct option."
        )
        #expect(a == b, "same instruction, different problem")
        #expect(c == d, "same instruction at the end, different question")
        #expect(a != c)
    }

    @Test func oneTemplateDespiteLightParaphrase() {
        var registry = TemplateRegistry()
        let base =
            "you are a strict grader acting as a reward model using the rubric below score the candidate answer from one to ten for correctness reasoning quality and clarity explain each score in detail then output the score as json"
        let a = template(&registry, base)
        let b = template(&registry, "Hello, " + base.replacingOccurrences(of: "explain", with: "describe"))
        #expect(a == b)
    }

    @Test func unrelatedPromptsAreDifferentTemplates() {
        var registry = TemplateRegistry()
        let ids = [
            "Can you explain photosynthesis like I'm five?", "Write a haiku about a rainy Tuesday in Kyoto please",
            "How do I reverse a linked list in Rust without unsafe code?", "What are the pros and cons of remote work for a small team?",
        ].map { template(&registry, $0) }
        #expect(Set(ids).count == ids.count)
    }
}
