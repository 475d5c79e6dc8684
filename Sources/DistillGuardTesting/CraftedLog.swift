import DistillGuardCore

/// Builds small hand-made logs with known answers for detection tests.
public struct CraftedLog {
    public private(set) var events: [Event] = []
    private var sequence = 0

    public init() {}

    /// Appends one Anthropic Messages exchange with the given shape.
    public mutating func add(
        account: String, at time: Timestamp, prompt: String, maxTokens: Int = 1024, thinkingBudget: Int? = nil, payment: String? = nil,
        endUser: String? = nil, ip: String = "73.12.5.9", asn: Int = 7922, tier: String = "standard", verified: Bool = true,
        createdAt: Timestamp? = nil, model: String = "claude-sonnet-4-5", tools: [String] = [], emailDomain: String? = nil
    ) {
        sequence += 1
        var request: JSONObject = [
            "model": .string(model), "max_tokens": .int(Int64(maxTokens)), "messages": [["role": "user", "content": .string(prompt)]],
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
                "type": "message", "role": "assistant", "content": [["type": "text", "text": "Step 1: … Final answer: 42"]],
                "usage": ["input_tokens": 200, "output_tokens": .int(Int64(maxTokens >= 32000 ? 6000 : 300))],
            ],
            "client": ["ip": .string(ip), "asn": .int(Int64(asn)), "country": "US", "user_agent": "Anthropic/Python 0.49.0"],
            "account": .object(accountInfo),
        ]
        envelope["account_id"] = .string(account)
        if let endUser { envelope["end_user_id"] = .string(endUser) }
        events.append(try! EventDecoder.decode(.object(envelope)))
    }

    /// Runs every event through a fresh engine and returns the result.
    public func analyze(model: ScoringModel = .default, intel: IntelMatcher? = nil) -> AnalysisResult {
        var engine = DetectionEngine(model: model, intel: intel)
        for event in events.sorted(by: { $0.timestamp < $1.timestamp }) { engine.ingest(event, ExchangeFeatures(event)) }
        return engine.finish()
    }
}
