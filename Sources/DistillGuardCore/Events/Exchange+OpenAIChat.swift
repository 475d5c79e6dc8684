/// OpenAI Chat Completions: request and response bodies.
extension Exchange {
    mutating func readOpenAIChatRequest(_ request: FieldReader) throws {
        model = try request.string("model")
        maxOutputTokens = try request.int("max_completion_tokens") ?? request.int("max_tokens")
        stream = try request.bool("stream") ?? false
        sampling.temperature = try request.double("temperature")
        sampling.topP = try request.double("top_p")
        sampling.n = try request.int("n") ?? 1
        requestEndUserID = try request.string("safety_identifier") ?? request.string("user")
        if let effort = try request.string("reasoning_effort") {
            reasoning.effort = effort
            reasoning.enabled = effort != "none" && effort != "minimal"
        }
        var systemParts: [String] = []
        for message in try request.objects("messages") ?? [] {
            let role = try message.requiredString("role")
            var attachments: [Attachment] = []
            let text = try Self.openAIChatText(message, attachments: &attachments)
            switch role {
            case "system", "developer":
                systemParts.append(text)
            case "user":
                turns.append(Turn(role: .user, text: text, attachments: attachments))
            case "assistant":
                var turn = Turn(role: .assistant, text: text)
                for call in try message.objects("tool_calls") ?? [] {
                    turn.toolCalls.append(try Self.openAIChatToolCall(call))
                }
                turns.append(turn)
            case "tool", "function":
                let result = ToolResult(callID: try message.string("tool_call_id") ?? message.string("name"), content: text)
                turns.append(Turn(role: .tool, toolResults: [result]))
            default:
                throw EventRejection.invalid(
                    message.path(of: "role"), "'\(role)' is not a Chat Completions role (system, developer, user, assistant, tool)")
            }
        }
        system = systemParts.joined(separator: "\n\n")
        for tool in try request.objects("tools") ?? [] {
            let kind = try tool.string("type") ?? "function"
            let function = try tool.object("function") ?? tool.object("custom")
            tools.append(
                ToolDefinition(
                    name: try function?.string("name") ?? tool.string("name") ?? "",
                    description: try function?.string("description") ?? "",
                    kind: kind
                ))
        }
    }

    /// Text of a message whose content is a string, an array of parts, or null; non-text parts go to `attachments`.
    static func openAIChatText(_ message: FieldReader, attachments: inout [Attachment]) throws -> String {
        switch try message.stringOrBlocks("content") {
        case .string(let text): return text
        case nil: return ""
        case .blocks(let parts):
            var texts: [String] = []
            for part in parts {
                switch try part.requiredString("type") {
                case "text": texts.append(try part.requiredString("text"))
                case "refusal": texts.append(try part.string("refusal") ?? "")
                case "image_url": attachments.append(.image)
                case "input_audio": attachments.append(.audio)
                case "file": attachments.append(.file)
                default: break
                }
            }
            return texts.joined(separator: "\n")
        }
    }

    static func openAIChatToolCall(_ call: FieldReader) throws -> ToolCall {
        if let function = try call.object("function") {
            return ToolCall(
                id: try call.string("id"), name: try function.requiredString("name"), arguments: try function.string("arguments") ?? "")
        }
        if let custom = try call.object("custom") {
            return ToolCall(id: try call.string("id"), name: try custom.requiredString("name"), arguments: try custom.string("input") ?? "")
        }
        throw EventRejection.missing(call.path(of: "function"))
    }

    mutating func readOpenAIChatResponse(_ response: FieldReader) throws {
        if let error = try Self.openAIError(response) {
            self.error = error
            return
        }
        for choice in try response.objects("choices") ?? [] {
            guard let message = try choice.object("message") else { continue }
            outputs.append(try message.string("content") ?? message.string("refusal") ?? "")
            reasoningText += try message.string("reasoning_content") ?? message.string("reasoning") ?? ""
            for call in try message.objects("tool_calls") ?? [] {
                outputToolCalls.append(try Self.openAIChatToolCall(call))
            }
            if stopReason == nil { stopReason = try choice.string("finish_reason") }
        }
        if let usage = try response.object("usage") {
            responseUsage = Usage(
                inputTokens: try usage.int("prompt_tokens"),
                outputTokens: try usage.int("completion_tokens"),
                reasoningTokens: try usage.object("completion_tokens_details")?.int("reasoning_tokens")
            )
        }
    }

    /// The OpenAI error body `{"error": {...}}`, shared by both OpenAI APIs.
    ///
    /// A Responses object carries `"error": null` on success, which reads as absent.
    static func openAIError(_ response: FieldReader) throws -> ResponseError? {
        guard let error = try response.object("error") else { return nil }
        return ResponseError(type: try error.string("type") ?? error.string("code"), message: try error.string("message"))
    }
}
