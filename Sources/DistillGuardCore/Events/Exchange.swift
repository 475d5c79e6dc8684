/// One request and its response, normalized across the three provider APIs.
///
/// This is what the detectors read: they never need to know which API shape an exchange came in.
public struct Exchange: Sendable, Equatable {
    /// The model the client asked for (the response's model when the request names none).
    public var model: String?
    /// System and developer instructions, joined by blank lines.
    public var system: String = ""
    /// The conversation in order, including earlier turns a client re-sends.
    public var turns: [Turn] = []
    /// Tools the client offered the model.
    public var tools: [ToolDefinition] = []
    public var reasoning = ReasoningRequest()
    public var sampling = Sampling()
    /// The output budget requested (`max_tokens`, `max_completion_tokens`, `max_output_tokens`).
    public var maxOutputTokens: Int?
    public var stream: Bool = false
    /// The end user named inside the request (`metadata.user_id`, `user`, `safety_identifier`).
    public var requestEndUserID: String?

    /// One text per generated choice (OpenAI `n` > 1 gives several).
    public var outputs: [String] = []
    /// Thinking or reasoning text the response exposed (summaries included).
    public var reasoningText: String = ""
    /// True when the response carried reasoning that was redacted or encrypted.
    public var reasoningRedacted: Bool = false
    /// Tool calls the model made in the response.
    public var outputToolCalls: [ToolCall] = []
    public var stopReason: String?
    /// Usage reported inside the response body.
    public var responseUsage = Usage()
    /// The API's error body, when the request failed.
    public var error: ResponseError?

    public init() {}

    /// All generated text, choices separated by blank lines.
    public var outputText: String { outputs.joined(separator: "\n\n") }

    /// The newest user message: the prompt this exchange actually asked.
    public var lastUserText: String {
        turns.last(where: { $0.role == .user && !$0.text.isEmpty })?.text ?? ""
    }

    /// Number of user turns, a proxy for conversation depth.
    public var userTurnCount: Int { turns.reduce(0) { $0 + ($1.role == .user ? 1 : 0) } }
}

/// One message of the conversation.
public struct Turn: Sendable, Equatable {
    public enum Role: String, Sendable {
        case user, assistant, tool
    }

    public var role: Role
    public var text: String
    public var attachments: [Attachment]
    public var toolCalls: [ToolCall]
    public var toolResults: [ToolResult]
    /// Thinking that a client replays in an assistant turn (Anthropic `thinking` blocks).
    public var thinking: String

    public init(
        role: Role, text: String = "", attachments: [Attachment] = [], toolCalls: [ToolCall] = [],
        toolResults: [ToolResult] = [], thinking: String = ""
    ) {
        self.role = role
        self.text = text
        self.attachments = attachments
        self.toolCalls = toolCalls
        self.toolResults = toolResults
        self.thinking = thinking
    }
}

/// Non-text input: images, documents, audio, files.
public enum Attachment: String, Sendable, Equatable {
    case image, document, audio, file
}

public struct ToolDefinition: Sendable, Equatable {
    public var name: String
    public var description: String
    /// The tool type: `function` for client tools, or a provider's built-in type such as
    /// `computer_20250124`, `bash_20250124`, `web_search`, `computer_use_preview`, `code_interpreter`.
    public var kind: String

    public init(name: String, description: String = "", kind: String = "function") {
        self.name = name
        self.description = description
        self.kind = kind
    }
}

public struct ToolCall: Sendable, Equatable {
    public var id: String?
    public var name: String
    /// Arguments as JSON text.
    public var arguments: String

    public init(id: String? = nil, name: String, arguments: String = "") {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

public struct ToolResult: Sendable, Equatable {
    public var callID: String?
    public var content: String
    public var isError: Bool

    public init(callID: String? = nil, content: String, isError: Bool = false) {
        self.callID = callID
        self.content = content
        self.isError = isError
    }
}

/// Extended thinking or reasoning, as the client requested it.
public struct ReasoningRequest: Sendable, Equatable {
    /// Anthropic `thinking.type` enabled/adaptive, or any OpenAI reasoning effort other than `none`/`minimal`.
    public var enabled: Bool = false
    /// Anthropic `thinking.budget_tokens`.
    public var budgetTokens: Int?
    /// OpenAI `reasoning_effort` / `reasoning.effort`, Anthropic `output_config.effort`.
    public var effort: String?
    /// `enabled`, `adaptive`, `disabled` (Anthropic) when given.
    public var mode: String?

    public init() {}
}

public struct Sampling: Sendable, Equatable {
    public var temperature: Double?
    public var topP: Double?
    /// Number of choices requested (OpenAI `n`); 1 when absent.
    public var n: Int = 1

    public init() {}
}

public struct ResponseError: Sendable, Equatable {
    public var type: String?
    public var message: String?

    public init(type: String?, message: String?) {
        self.type = type
        self.message = message
    }
}
