import DistillGuardCore

/// Builds small hand-made logs with known answers for detection tests.
public struct CraftedLog: Sendable {
    public private(set) var events: [Event] = []
    /// Each event as a JSON Lines record (the contract's form), in the order added.
    public private(set) var lines: [String] = []
    private var sequence = 0

    public init() {}

    /// Appends one Anthropic Messages exchange with the given shape.
    public mutating func add(
        account: String, at time: Timestamp, prompt: String, maxTokens: Int = 1024, thinkingBudget: Int? = nil, payment: String? = nil,
        endUser: String? = nil, ip: String = "73.12.5.9", asn: Int = 7922, tier: String = "standard", verified: Bool = true,
        createdAt: Timestamp? = nil, model: String = "claude-sonnet-4-5", tools: [String] = [], emailDomain: String? = nil,
        history: [String] = [], answer: String = "Step 1: … Final answer: 42"
    ) {
        sequence += 1
        // Earlier turns re-sent as a conversation does: user and assistant alternating.
        let turns: [JSONValue] = history.enumerated().map { index, text in
            ["role": .string(index % 2 == 0 ? "user" : "assistant"), "content": .string(text)]
        }
        var request: JSONObject = [
            "model": .string(model), "max_tokens": .int(Int64(maxTokens)),
            "messages": .array(turns + [["role": "user", "content": .string(prompt)]]),
        ]
        if let thinkingBudget { request["thinking"] = ["type": "enabled", "budget_tokens": .int(Int64(thinkingBudget))] }
        if !tools.isEmpty {
            request["tools"] = .array(tools.map { ["name": .string($0), "description": "", "input_schema": ["type": "object"]] })
        }
        var accountInfo: JSONObject = [
            "created_at": .string((createdAt ?? Timestamp(rfc3339: "2025-01-01T00:00:00Z")!).rfc3339), "tier": .string(tier),
            "verified": .bool(verified),
        ]
        if let payment { accountInfo["payment_fingerprint"] = .string(payment) }
        if let emailDomain { accountInfo["email_domain"] = .string(emailDomain) }
        var envelope: JSONObject = [
            "id": .string("ev_\(sequence)"), "timestamp": .string(time.rfc3339),
            "api": "anthropic.messages", "request": .object(request),
            "response": [
                "type": "message", "role": "assistant", "content": [["type": "text", "text": .string(answer)]],
                "usage": ["input_tokens": 200, "output_tokens": .int(Int64(maxTokens >= 32000 ? 6000 : 300))],
            ],
            "client": ["ip": .string(ip), "asn": .int(Int64(asn)), "country": "US", "user_agent": "Anthropic/Python 0.49.0"],
            "account": .object(accountInfo),
        ]
        envelope["account_id"] = .string(account)
        if let endUser { envelope["end_user_id"] = .string(endUser) }
        events.append(try! EventDecoder.decode(.object(envelope)))
        lines.append(JSONValue.object(envelope).description)
    }

    /// Appends the events of `other` that `keep` selects.
    public mutating func append(contentsOf other: CraftedLog, where keep: (Event) -> Bool) {
        for (event, line) in zip(other.events, other.lines) where keep(event) {
            events.append(event)
            lines.append(line)
        }
    }

    /// The JSON Lines records in time order, as a log or an ingest batch holds them.
    public var timeOrderedLines: [String] {
        zip(events, lines).sorted { $0.0.timestamp < $1.0.timestamp }.map(\.1)
    }

    /// Runs every event through a fresh engine and returns the result.
    public func analyze(model: ScoringModel = .default, intel: IntelMatcher? = nil) -> AnalysisResult {
        var engine = DetectionEngine(model: model, intel: intel)
        for event in events.sorted(by: { $0.timestamp < $1.timestamp }) { engine.ingest(event, ExchangeFeatures(event)) }
        return engine.finish()
    }

    /// What a gateway's policy would read after this log: verdicts and a matcher for flagged templates.
    public func snapshot(model: ScoringModel = .default) -> EnforcementSnapshot {
        var engine = DetectionEngine(model: model)
        for event in events.sorted(by: { $0.timestamp < $1.timestamp }) { engine.ingest(event, ExchangeFeatures(event)) }
        let result = engine.finish()
        return EnforcementSnapshot(result, matcher: engine.templateMatcher(for: result.templates), builtAt: 0)
    }

    /// The template signature of a prompt, as the gateway computes it for a request.
    public static func signature(of prompt: String) -> TemplateSignature {
        var log = CraftedLog()
        log.add(account: "probe", at: Timestamp(milliseconds: 0), prompt: prompt)
        return ExchangeFeatures(log.events[0]).signature
    }

    /// Math problems for harvesting prompts.
    public static let problems = [
        "A train leaves at 3:00 travelling 40 km/h; a second leaves later at 55 km/h. When does it catch up?",
        "Find all integers n such that n^2 + 3n + 5 is divisible by 7.",
        "Prove that the sum of the first 9 odd numbers is a perfect square.",
        "How many ways can 6 people sit around a round table if two refuse to sit together?",
    ]

    /// Ordinary users' prompts.
    public static let organicPrompts = [
        "Can you recommend a good book about the Roman Republic?", "Write a haiku about my cat sleeping in the sun",
        "How do I center a div in CSS?", "What should I cook tonight with rice, eggs and spinach?", "Explain compound interest simply",
        "Give me 5 name ideas for a bakery", "Is it normal that my sourdough is flat?", "Translate 'good morning' to Spanish",
    ]

    /// Twelve accounts created in one burst, four per card, all sending one CoT template with
    /// maximal budgets; and thirty ordinary users.
    public static func harvestingCampaign(start: Timestamp = Timestamp(rfc3339: "2026-02-01T00:00:00Z")!) -> CraftedLog {
        var log = CraftedLog()
        for account in 0..<12 {
            for i in 0..<40 {
                log.add(
                    account: "harvester-\(account)", at: start.adding(seconds: Double(i * 1800 + account * 7)),
                    prompt:
                        "Think step by step and show all of your reasoning in full detail before giving the final answer.\n\nProblem: \(CraftedLog.problems[(i + account) % CraftedLog.problems.count])",
                    maxTokens: 64000, thinkingBudget: 31999, payment: "pm_card\(account / 4)", ip: "3.80.\(account).\(i % 200)", asn: 16509,
                    tier: "education", verified: false, createdAt: start.adding(seconds: -86_400 - Double(account * 60)),
                    emailDomain: account < 6 ? "gmail.com" : "mail.example.edu")
            }
        }
        for user in 0..<30 {
            for i in 0..<(10 + user % 7) {
                log.add(
                    account: "user-\(user)", at: start.adding(seconds: Double(i * 5000 + user * 97)),
                    prompt: CraftedLog.organicPrompts[(i * 3 + user) % CraftedLog.organicPrompts.count] + " (\(user)-\(i))",
                    payment: "pm_user\(user)",
                    ip: "73.12.\(user).9")
            }
        }
        return log
    }

}
