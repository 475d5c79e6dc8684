import DistillGuardCore

/// One simulated account: who it is (envelope facts) and its traffic state.
struct SimulatedAccount {
    let index: Int
    let id: String
    let population: Int
    let createdAt: Timestamp
    /// Active window; events fall inside it.
    let activeFrom: Timestamp
    let activeUntil: Timestamp
    let tier: String
    let paymentFingerprint: String
    let emailDomain: String
    let verified: Bool
    let country: String
    let declaredCountry: String
    let paymentCountry: String?
    /// Language of a share of the account's organic prompts, when it is not English.
    let language: (code: String, share: Double)?
    let timeZoneOffset: Double
    /// The country of `home_countries` some requests come from (nil: none do).
    let homeCountry: String?
    let organizationID: String?
    let system: Network.AutonomousSystem
    let fixedIP: String
    let clients: [String: Network.Client]
    let preferredModels: [String: String]
    /// Peak rate for thinning, events per second.
    var peakRate: Double = 0
    var rng: SeededRandom
    var nextTime: Timestamp
    var conversation: Conversation?
    /// A reseller's end users' conversations, by end user.
    var endUserConversations: [Int: Conversation] = [:]
    var sequence = 0

    /// The running conversation of an account, for multi-turn requests (bounded length).
    struct Conversation {
        var api: String
        var model: String
        var system: String?
        var turns: [(role: String, text: String)]
        var lastAt: Timestamp
        var corpusFollowups: [String]
        /// What the model last answered in this conversation: the client re-sends it verbatim.
        var lastAnswer: String? = nil
        /// A coding agent's session: the tools it offers and the repository it works in.
        var tools: [RequestPlan.Tool] = []
        var repository: String? = nil
        /// An app backend's conversation: the end user it relays it for.
        var endUser: String? = nil
    }
}

extension SimulatedAccount.Conversation {
    /// The next request of the conversation: the client re-sends the answer it received (a
    /// made-up one of `answerSentences` when none was recorded), then the user's next message.
    mutating func resume(
        at time: Timestamp, answerSentences: ClosedRange<Int>, _ rng: inout SeededRandom,
        message: (inout SeededRandom) -> String
    ) {
        turns.append(("assistant", lastAnswer ?? TextGenerator.paragraph(&rng, sentences: answerSentences)))
        turns.append(("user", message(&rng)))
        lastAt = time
    }
}
