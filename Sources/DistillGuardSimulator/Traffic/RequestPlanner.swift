import DistillGuardCore

/// Decides what each population's next request looks like.
struct RequestPlanner {
    let scenario: Scenario
    let releaseAt: Timestamp?
    let corpus: PromptCorpus?

    func plan(for account: inout SimulatedAccount, population: Population, at time: Timestamp) -> RequestPlan {
        var rng = account.rng
        defer { account.rng = rng }
        let api = rng.pick(weights: population.apis.sorted { $0.key < $1.key })
        let model = chooseModel(api: api, account: account, population: population, at: time, &rng)
        let reasoningRate = population.reasoningRate ?? 0.1
        let maxBudgetRate = population.maxBudgetRate ?? 0.02
        var plan = RequestPlan(
            api: api, model: model, system: population.systemPrompts.map { rng.pick($0) }, turns: [],
            maxTokens: rng.pick([1024, 2048, 4096, 4096, 8192]), temperature: rng.chance(0.4) ? rng.pick([0, 0.2, 0.7, 1]) : nil,
            responseCharacters: rng.int(400...2200))
        if rng.chance(reasoningRate) {
            plan.reasoning =
                api == "anthropic.messages" ? .budget(rng.pick([2048, 4000, 8000, 16000])) : .effort(rng.pick(["medium", "high"]))
        }
        if rng.chance(maxBudgetRate) { maxOut(&plan, &rng) }
        plan.stream = rng.chance(0.3)

        switch population.behavior {
        case .organic:
            organic(&plan, &account, at: time, &rng)
        case .reseller:
            endUserRequest(&plan, &account, population, at: time, &rng)
        case .resellerMixed:
            if rng.chance(population.hiddenStreamShare ?? 0.35) {
                if population.streamEndUsers == "customers" {
                    // Under the ids of the router's real end users, who also send their own traffic.
                    plan.endUser = "eu_\(account.index)_\(rng.int(0..<(population.endUsers ?? 300)))"
                } else if population.streamEndUsers == "none" {
                    plan.endUser = nil
                } else if let hours = population.endUserRotationHours {
                    // Ids that live a few hours, as a router laundering a stream would mint them.
                    let period = time.milliseconds / Int64(max(hours, 0.1) * 3_600_000)
                    plan.endUser = "eu_\(account.index)_r\(period)_\(rng.int(0..<6))"
                } else {
                    plan.endUser = rng.chance(0.5) ? nil : "eu_\(account.index)_h\(rng.int(0..<4))"
                }
                templated(&plan, population, &rng)
                if population.accountStyles == true, let task = plan.turns.last?.text {
                    plan.turns = [("user", AccountStyle(accountID: account.id + "/\(rng.int(0..<64))").wrap(task))]
                }
                plan.responseKind = .stepByStep
                plan.reasoning = api == "anthropic.messages" ? .budget(16000) : .effort("high")
                if rng.chance(population.streamMaxBudgetRate ?? 1) {
                    maxOut(&plan, &rng)
                } else {
                    plan.maxTokens = api == "anthropic.messages" ? rng.pick([16000, 20000]) : rng.pick([16384, 24000])
                }
            } else {
                endUserRequest(&plan, &account, population, at: time, &rng)
            }
        case .batchJob:
            templated(&plan, population, &rng)
            plan.responseKind = .json
            plan.responseCharacters = rng.int(150...400)
            plan.maxTokens = 1024
            plan.temperature = 0
            plan.stream = false
        case .evalHarness:
            templated(&plan, population, &rng)
            plan.responseKind = .stepByStep
            plan.temperature = 0
            plan.maxTokens = 4096
        case .llmJudge:
            templated(&plan, population, &rng)
            plan.responseKind = .judgement
            plan.responseCharacters = rng.int(300...900)
            plan.temperature = 0
        case .universityClass:
            templated(&plan, population, &rng)
            plan.responseKind = .code
        case .codingAgent:
            codingAgent(&plan, &account, at: time, &rng)
        case .appBackend:
            appBackend(&plan, &account, population, at: time, &rng)
        case .agentPlatform:
            if population.templates != nil { templated(&plan, population, &rng) } else { organic(&plan, &account, at: time, &rng) }
            addTools(&plan, count: rng.int(2...5), &rng)
        case .reasoningHarvest, .evasive:
            if let cover = population.coverShare, rng.chance(cover) {
                organic(&plan, &account, at: time, &rng)
                return plan
            }
            templated(&plan, population, &rng)
            if population.accountStyles == true, let task = plan.turns.last?.text {
                plan.turns = [("user", AccountStyle(accountID: account.id).wrap(task))]
            }
            plan.responseKind = plan.turns.last?.text.contains("Rewrite") == true ? .rewrite : .stepByStep
            plan.responseCharacters = rng.int(1500...3500)
        case .agenticHarvest:
            templated(&plan, population, &rng)
            addTools(&plan, count: rng.int(3...6), &rng)
            if plan.turns.last?.text.contains("computer") == true {
                plan.tools.append(
                    RequestPlan.Tool(
                        name: "computer", description: "", parameters: "{}",
                        builtIn: api == "anthropic.messages" ? "computer_20250124" : "computer_use_preview"))
            }
            plan.responseKind = .code
            plan.responseCharacters = rng.int(1500...3500)
        case .codingHydra:
            templated(&plan, population, &rng)
            addTools(&plan, count: rng.int(2...4), &rng)
            plan.responseKind = .code
            plan.responseCharacters = rng.int(1200...3000)
        }
        return plan
    }

    func maxOut(_ plan: inout RequestPlan, _ rng: inout SeededRandom) {
        plan.maxTokens = plan.api == "anthropic.messages" ? rng.pick([32000, 64000]) : rng.pick([65536, 100000, 128000])
        if plan.reasoning != .none {
            plan.reasoning = plan.api == "anthropic.messages" ? .budget(rng.pick([24000, 31999])) : .effort("high")
        }
    }

    func chooseModel(
        api: String, account: SimulatedAccount, population: Population, at time: Timestamp, _ rng: inout SeededRandom
    ) -> String {
        let lineup = scenario.models[api]!
        let preferred = account.preferredModels[api] ?? lineup.current[0]
        guard let releaseAt, let newModel = lineup.new, time >= releaseAt else { return preferred }
        let hours = Double(time.milliseconds - releaseAt.milliseconds) / 3_600_000
        let target = population.newModelShare ?? 0.1
        let ramp = population.newModelRampHours ?? 120
        let share = target * min(1, hours / max(ramp, 0.01))
        return rng.chance(share) ? newModel : preferred
    }

    func templated(_ plan: inout RequestPlan, _ population: Population, _ rng: inout SeededRandom) {
        let template = rng.pick(population.templates ?? ["{paragraph}"])
        var text = TemplateFiller.fill(template, &rng)
        if let rate = population.paraphrase, rate > 0 { text = TemplateFiller.paraphrase(text, &rng, rate: rate) }
        plan.turns = [("user", text)]
    }

    func addTools(_ plan: inout RequestPlan, count: Int, _ rng: inout SeededRandom) {
        var names = Set<String>()
        while plan.tools.count < count {
            let tool = rng.pick(Vocabulary.toolSchemas)
            if names.insert(tool.name).inserted {
                plan.tools.append(RequestPlan.Tool(name: tool.name, description: tool.description, parameters: tool.parameters))
            }
        }
        if rng.chance(0.45), let tool = plan.tools.first {
            plan.priorToolStep = (
                tool.name, #"{"path":"src/\#(TextGenerator.identifier(&rng)).py"}"#, TextGenerator.paragraph(&rng, sentences: 1...3)
            )
        }
        if rng.chance(0.5) { plan.respondsWithToolCall = rng.pick(plan.tools.filter { $0.builtIn == nil }).name }
    }

    /// Ordinary chat: new conversations or follow-ups, built-in prompts or the real corpus.
    func organic(_ plan: inout RequestPlan, _ account: inout SimulatedAccount, at time: Timestamp, _ rng: inout SeededRandom) {
        if var conversation = account.conversation, time.milliseconds - conversation.lastAt.milliseconds < 40 * 60_000, rng.chance(0.45),
            conversation.turns.count < 12
        {
            let followup = conversation.corpusFollowups.isEmpty ? OrganicPrompts.followup(&rng) : conversation.corpusFollowups.removeFirst()
            conversation.resume(at: time, answerSentences: 2...6, &rng) { _ in followup }
            plan.resume(conversation)
            plan.keepsConversation = true
            account.conversation = conversation
            return
        }
        var followups: [String] = []
        let text: String
        if let corpus, !corpus.conversations.isEmpty, rng.chance(0.6) {
            let conversation = rng.pick(corpus.conversations)
            text = conversation.text
            followups = conversation.followups
        } else if let language = account.language, rng.chance(language.share) {
            text = OrganicPrompts.prompt(in: language.code, &rng)
        } else {
            text = OrganicPrompts.prompt(&rng)
        }
        if plan.system == nil, rng.chance(0.25) {
            plan.system = rng.pick([
                "You are a helpful assistant.", "You are a friendly tutor. Keep answers short.",
                "You are an expert software engineer.", "Answer in the user's language.",
                "You are a helpful assistant for \(rng.pick(Vocabulary.companies)) customers.",
            ])
        }
        plan.turns = [("user", text)]
        plan.responseKind = text.contains("```") || text.contains("code") ? .code : .prose
        plan.keepsConversation = true
        account.conversation = SimulatedAccount.Conversation(
            api: plan.api, model: plan.model, system: plan.system, turns: plan.turns, lastAt: time, corpusFollowups: followups)
    }

    /// One of a reseller's end users at work, in their own conversation: mostly one who wrote in
    /// the last 40 minutes goes on, otherwise any of the account's `end_users`. Each end
    /// user is one kind of `end_user_mix` for good (ordinary chat when the mix is absent).
    func endUserRequest(
        _ plan: inout RequestPlan, _ account: inout SimulatedAccount, _ population: Population, at time: Timestamp,
        _ rng: inout SeededRandom
    ) {
        let recent = account.endUserConversations.compactMap {
            time.milliseconds - $0.value.lastAt.milliseconds < 40 * 60_000 ? $0.key : nil
        }
        let endUser = !recent.isEmpty && rng.chance(0.8) ? rng.pick(recent.sorted()) : rng.int(0..<(population.endUsers ?? 300))
        plan.endUser = "eu_\(account.index)_\(endUser)"
        plan.endUserConversation = endUser
        let accountsOwn = account.conversation
        account.conversation = account.endUserConversations[endUser]
        switch Self.endUserKind(accountID: account.id, endUser: endUser, mix: population.endUserMix) {
        case "coding_agent":
            codingAgent(&plan, &account, at: time, &rng)
        case "thinking":
            organic(&plan, &account, at: time, &rng)
            plan.reasoning =
                plan.api == "anthropic.messages" ? .budget(rng.pick([4000, 8000, 16000, 24000])) : .effort(rng.pick(["medium", "high"]))
            if rng.chance(0.3) { maxOut(&plan, &rng) }
        default:
            organic(&plan, &account, at: time, &rng)
        }
        account.endUserConversations[endUser] = account.conversation
        account.conversation = accountsOwn
    }

    /// The kind of person end user `endUser` of an account is: a draw from `mix` fixed by the ids.
    static func endUserKind(accountID: String, endUser: Int, mix: [String: Double]?) -> String {
        guard let mix else { return "chat" }
        let weights = mix.sorted { $0.key < $1.key }
        let total = weights.reduce(0) { $0 + $1.value }
        var point = Double(StableHash.hash("\(accountID)/\(endUser)") >> 11) / Double(1 << 53) * total
        for (kind, weight) in weights {
            if point < weight { return kind }
            point -= weight
        }
        return weights.last { $0.value > 0 }?.key ?? "chat"
    }

    /// An agent CLI or IDE agent at work: sessions of tool loops in one repository. Each request
    /// re-sends the growing conversation (the task, every earlier answer, the last tool call and
    /// its result) under a long system prompt, with thinking and a large output budget on every
    /// turn, streamed.
    func codingAgent(_ plan: inout RequestPlan, _ account: inout SimulatedAccount, at time: Timestamp, _ rng: inout SeededRandom) {
        plan.keepsConversation = true
        plan.stream = rng.chance(0.9)
        plan.temperature = nil
        plan.responseKind = .code
        plan.responseCharacters = rng.int(200...1600)
        if var session = account.conversation, let repository = session.repository, !session.tools.isEmpty,
            time.milliseconds - session.lastAt.milliseconds < 20 * 60_000, session.turns.count < 60
        {
            let tool = rng.pick(session.tools)
            let path = "\(repository)/src/\(TextGenerator.identifier(&rng)).\(rng.pick(["py", "ts", "go", "rs", "swift"]))"
            session.resume(at: time, answerSentences: 1...3, &rng) { rng in
                rng.chance(0.8) ? "Continue." : "Also run the tests for \(path) and fix what fails."
            }
            plan.resume(session)
            plan.tools = session.tools
            let result = rng.chance(0.3) ? rng.pick(Vocabulary.errors) : TextGenerator.paragraph(&rng, sentences: 1...4)
            plan.priorToolStep = (tool.name, #"{"path":"\#(path)"}"#, "\(path):\n" + result)
            account.conversation = session
        } else {
            let repository = TextGenerator.identifier(&rng) + "-" + rng.pick(["api", "web", "service", "cli", "core", "app"])
            let task =
                rng.chance(0.5)
                ? "In \(repository), \(rng.pick(Vocabulary.codingTasks)) in \(rng.pick(Vocabulary.programmingLanguages)); keep the existing tests passing."
                : "Running the tests in \(repository) fails with `\(rng.pick(Vocabulary.errors))`. Find the cause and fix it."
            plan.system = Self.agentSystemPrompt(repository: repository, &rng)
            plan.turns = [("user", task)]
            plan.tools = []
            for name in ["read_file", "write_file", "bash", "run_tests"] {
                let schema = Vocabulary.toolSchemas.first { $0.name == name }!
                plan.tools.append(RequestPlan.Tool(name: schema.name, description: schema.description, parameters: schema.parameters))
            }
            account.conversation = SimulatedAccount.Conversation(
                api: plan.api, model: plan.model, system: plan.system, turns: plan.turns, lastAt: time, corpusFollowups: [],
                tools: plan.tools, repository: repository)
        }
        plan.maxTokens = plan.api == "anthropic.messages" ? rng.pick([32000, 64000]) : rng.pick([32768, 65536])
        plan.reasoning =
            plan.api == "anthropic.messages" ? .budget(rng.pick([10000, 16000, 31999])) : .effort(rng.pick(["high", "high", "medium"]))
        if rng.chance(0.85) { plan.respondsWithToolCall = rng.pick(plan.tools).name }
    }

    /// An app's backend relaying its end users' questions (a tutoring app, say): the app's own
    /// system prompt and wrapper (`AppStyle`, private to the account) around each end user's
    /// question, a problem from the population's templates that half the end users word their own
    /// way (`AppStyle.endUserWording`); thinking at the population's rate; now and then the end
    /// user follows up in the same conversation. The real look-alike of a campaign that wraps its
    /// harvest in a private frame.
    func appBackend(
        _ plan: inout RequestPlan, _ account: inout SimulatedAccount, _ population: Population, at time: Timestamp,
        _ rng: inout SeededRandom
    ) {
        let app = AppStyle(accountID: account.id)
        plan.keepsConversation = true
        plan.responseKind = .stepByStep
        plan.responseCharacters = rng.int(800...2500)
        if var conversation = account.conversation, time.milliseconds - conversation.lastAt.milliseconds < 15 * 60_000,
            conversation.turns.count < 8, rng.chance(0.3)
        {
            conversation.resume(at: time, answerSentences: 2...5, &rng) { rng in AppStyle.followUp(&rng) }
            plan.resume(conversation)
            plan.endUser = conversation.endUser
            plan.responseKind = .prose
            account.conversation = conversation
            return
        }
        let endUser = rng.int(0..<(population.endUsers ?? 2000))
        templated(&plan, population, &rng)
        let task = plan.turns.last?.text ?? ""
        let question = AppStyle.endUserWording(task, accountID: account.id, endUser: endUser, &rng)
        plan.system = app.system
        plan.turns = [("user", app.wrap(question, &rng))]
        plan.endUser = app.passesEndUserIDs ? "eu_\(account.index)_\(endUser)" : nil
        account.conversation = SimulatedAccount.Conversation(
            api: plan.api, model: plan.model, system: plan.system, turns: plan.turns, lastAt: time, corpusFollowups: [],
            endUser: plan.endUser)
    }

    /// The long, cached system prompt of an agent CLI: instructions, conventions and the
    /// repository's layout (several thousand characters).
    static func agentSystemPrompt(repository: String, _ rng: inout SeededRandom) -> String {
        var lines = [
            "You are an interactive coding agent that helps users with software engineering tasks in their repository.",
            "Use the tools to read files before you change them, make small focused edits, and run the tests after every change.",
            "Never commit secrets. Follow the repository's conventions. Explain briefly what you changed and why.",
            "Working directory: /home/dev/\(repository). Platform: linux. Shell: bash.",
            "Repository layout:",
        ]
        for _ in 0..<rng.int(30...70) {
            lines.append("  \(repository)/src/\(TextGenerator.identifier(&rng)).\(rng.pick(["py", "ts", "go", "rs"]))")
        }
        lines.append("Conventions: " + TextGenerator.paragraph(&rng, sentences: 4...8))
        return lines.joined(separator: "\n")
    }
}
