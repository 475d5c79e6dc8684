/// Anthropic Messages API: request and response bodies.
extension Exchange {
    mutating func readAnthropicRequest(_ request: FieldReader) throws {
        model = try request.string("model")
        maxOutputTokens = try request.int("max_tokens")
        stream = try request.bool("stream") ?? false
        sampling.temperature = try request.double("temperature")
        sampling.topP = try request.double("top_p")
        switch try request.stringOrBlocks("system") {
        case .string(let text): system = text
        case .blocks(let blocks): system = try blocks.compactMap { block throws in try block.string("text") }.joined(separator: "\n\n")
        case nil: break
        }
        for message in try request.objects("messages") ?? [] {
            turns.append(try Self.anthropicTurn(message))
        }
        for tool in try request.objects("tools") ?? [] {
            tools.append(
                ToolDefinition(
                    name: try tool.string("name") ?? "",
                    description: try tool.string("description") ?? "",
                    kind: try tool.string("type") ?? "function"
                ))
        }
        if let thinking = try request.object("thinking") {
            let mode = try thinking.requiredString("type")
            reasoning.mode = mode
            reasoning.enabled = mode == "enabled" || mode == "adaptive"
            reasoning.budgetTokens = try thinking.int("budget_tokens")
        }
        if let outputConfig = try request.object("output_config") {
            reasoning.effort = try outputConfig.string("effort")
        }
        requestEndUserID = try request.object("metadata")?.string("user_id")
    }

    static func anthropicTurn(_ message: FieldReader) throws -> Turn {
        let roleText = try message.requiredString("role")
        guard let role = Turn.Role(rawValue: roleText), role != .tool else {
            throw EventRejection.invalid(message.path(of: "role"), "'\(roleText)' is not a Messages role (user or assistant)")
        }
        var turn = Turn(role: role)
        switch try message.stringOrBlocks("content") {
        case .string(let text): turn.text = text
        case .blocks(let blocks): try readAnthropicBlocks(blocks, into: &turn)
        case nil: throw EventRejection.missing(message.path(of: "content"))
        }
        return turn
    }

    static func readAnthropicBlocks(_ blocks: [FieldReader], into turn: inout Turn) throws {
        var texts: [String] = []
        for block in blocks {
            switch try block.requiredString("type") {
            case "text": texts.append(try block.requiredString("text"))
            case "image": turn.attachments.append(.image)
            case "document": turn.attachments.append(.document)
            case "tool_use", "server_tool_use":
                turn.toolCalls.append(
                    ToolCall(id: try block.string("id"), name: try block.requiredString("name"), arguments: block.jsonText("input") ?? "{}")
                )
            case "tool_result":
                turn.toolResults.append(
                    ToolResult(
                        callID: try block.string("tool_use_id"),
                        content: try anthropicPlainText(block, key: "content"),
                        isError: try block.bool("is_error") ?? false
                    ))
            case "thinking": turn.thinking += try block.string("thinking") ?? ""
            default: break  // redacted_thinking, search results and future block types carry no prompt text
            }
        }
        turn.text = texts.joined(separator: "\n")
    }

    /// The text of a field that may be a string or an array of text/image blocks (tool results).
    static func anthropicPlainText(_ reader: FieldReader, key: String) throws -> String {
        switch try reader.stringOrBlocks(key) {
        case .string(let text): return text
        case .blocks(let blocks):
            return try blocks.compactMap { block throws in try block.string("text") }.joined(separator: "\n")
        case nil: return ""
        }
    }

    mutating func readAnthropicResponse(_ response: FieldReader) throws {
        if try response.string("type") == "error" {
            let error = try response.object("error")
            self.error = ResponseError(type: try error?.string("type"), message: try error?.string("message"))
            return
        }
        stopReason = try response.string("stop_reason")
        var text: [String] = []
        for block in try response.objects("content") ?? [] {
            switch try block.requiredString("type") {
            case "text": text.append(try block.requiredString("text"))
            case "thinking": reasoningText += try block.string("thinking") ?? ""
            case "redacted_thinking": reasoningRedacted = true
            case "tool_use", "server_tool_use":
                outputToolCalls.append(
                    ToolCall(id: try block.string("id"), name: try block.requiredString("name"), arguments: block.jsonText("input") ?? "{}")
                )
            default: break
            }
        }
        outputs = [text.joined()]
        if let usage = try response.object("usage") {
            responseUsage = Usage(inputTokens: try usage.int("input_tokens"), outputTokens: try usage.int("output_tokens"))
        }
    }
}
