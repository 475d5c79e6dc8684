/// Everything needed to render one exchange in any of the three API shapes.
struct RequestPlan {
    enum Reasoning: Equatable {
        case none
        /// Anthropic extended thinking with a token budget (OpenAI: effort `high`).
        case budget(Int)
        /// OpenAI reasoning effort (Anthropic: adaptive thinking with `output_config.effort`).
        case effort(String)
    }

    enum ResponseKind {
        case prose, stepByStep, code, json, judgement, rewrite
    }

    struct Tool {
        var name: String
        var description: String
        var parameters: String
        /// Provider built-in tool type (`computer_20250124`, `computer_use_preview`), nil for functions.
        var builtIn: String?
    }

    var api: String
    var model: String
    var system: String?
    var turns: [(role: String, text: String)]
    var tools: [Tool] = []
    /// A tool call the model made earlier and its result, replayed in this request.
    var priorToolStep: (name: String, arguments: String, result: String)?
    var reasoning: Reasoning = .none
    var maxTokens: Int
    var temperature: Double?
    var n: Int = 1
    var stream: Bool = false
    var endUser: String?
    var responseKind: ResponseKind = .prose
    /// Approximate length of the answer text, in characters.
    var responseCharacters: Int
    /// The model answers with a call to this tool.
    var respondsWithToolCall: String?
    /// The request belongs to the account's running conversation, which keeps the answer.
    var keepsConversation = false
    /// The reseller's end user whose conversation this request continues (nil: the account's own).
    var endUserConversation: Int?
}

extension RequestPlan {
    /// Continues `conversation`: the same API, model and system prompt, and all of its turns.
    mutating func resume(_ conversation: SimulatedAccount.Conversation) {
        api = conversation.api
        model = conversation.model
        system = conversation.system
        turns = conversation.turns
    }
}
