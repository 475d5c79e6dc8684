/// OpenAI Responses API: request and response bodies.
extension Exchange {
    mutating func readOpenAIResponsesRequest(_ request: FieldReader) throws {
        model = try request.string("model")
        maxOutputTokens = try request.int("max_output_tokens")
        stream = try request.bool("stream") ?? false
        sampling.temperature = try request.double("temperature")
        sampling.topP = try request.double("top_p")
        requestEndUserID = try request.string("safety_identifier") ?? request.string("user")
        if let reasoningConfig = try request.object("reasoning"), let effort = try reasoningConfig.string("effort") {
            reasoning.effort = effort
            reasoning.enabled = effort != "none" && effort != "minimal"
        }
        var systemParts: [String] = []
        if let instructions = try request.string("instructions") { systemParts.append(instructions) }
        switch try request.stringOrBlocks("input") {
        case .string(let text): turns.append(Turn(role: .user, text: text))
        case .blocks(let items):
            for item in items {
                try readResponsesInputItem(item, systemParts: &systemParts)
            }
        case nil: break
        }
        system = systemParts.joined(separator: "\n\n")
        for tool in try request.objects("tools") ?? [] {
            tools.append(
                ToolDefinition(
                    name: try tool.string("name") ?? tool.string("type") ?? "",
                    description: try tool.string("description") ?? "",
                    kind: try tool.string("type") ?? "function"
                ))
        }
    }

    mutating func readResponsesInputItem(_ item: FieldReader, systemParts: inout [String]) throws {
        let type = try item.string("type") ?? "message"
        switch type {
        case "message":
            let role = try item.requiredString("role")
            var attachments: [Attachment] = []
            let text = try Self.responsesContentText(item, attachments: &attachments)
            switch role {
            case "system", "developer": systemParts.append(text)
            case "user": turns.append(Turn(role: .user, text: text, attachments: attachments))
            case "assistant": turns.append(Turn(role: .assistant, text: text))
            default:
                throw EventRejection.invalid(
                    item.path(of: "role"), "'\(role)' is not a Responses role (system, developer, user, assistant)")
            }
        case "function_call", "custom_tool_call":
            let call = ToolCall(
                id: try item.string("call_id"), name: try item.requiredString("name"),
                arguments: try item.string("arguments") ?? item.string("input") ?? "")
            appendToAssistantTurn(call)
        case "function_call_output", "custom_tool_call_output", "computer_call_output":
            let output = item.jsonText("output") ?? ""
            turns.append(Turn(role: .tool, toolResults: [ToolResult(callID: try item.string("call_id"), content: output)]))
        case "computer_call":
            appendToAssistantTurn(ToolCall(id: try item.string("call_id"), name: "computer", arguments: item.jsonText("action") ?? ""))
        case "reasoning":
            break  // earlier reasoning replayed by the client; its text is opaque
        default:
            break
        }
    }

    mutating func appendToAssistantTurn(_ call: ToolCall) {
        if let last = turns.indices.last, turns[last].role == .assistant {
            turns[last].toolCalls.append(call)
        } else {
            turns.append(Turn(role: .assistant, toolCalls: [call]))
        }
    }

    static func responsesContentText(_ item: FieldReader, attachments: inout [Attachment]) throws -> String {
        switch try item.stringOrBlocks("content") {
        case .string(let text): return text
        case nil: return ""
        case .blocks(let parts):
            var texts: [String] = []
            for part in parts {
                switch try part.requiredString("type") {
                case "input_text", "output_text", "text": texts.append(try part.requiredString("text"))
                case "refusal": texts.append(try part.string("refusal") ?? "")
                case "input_image": attachments.append(.image)
                case "input_file": attachments.append(.file)
                case "input_audio": attachments.append(.audio)
                default: break
                }
            }
            return texts.joined(separator: "\n")
        }
    }

    mutating func readOpenAIResponsesResponse(_ response: FieldReader) throws {
        if let error = try Self.openAIError(response), try response.array("output") == nil {
            self.error = error
            return
        }
        var text: [String] = []
        for item in try response.objects("output") ?? [] {
            switch try item.requiredString("type") {
            case "message":
                var ignored: [Attachment] = []
                text.append(try Self.responsesContentText(item, attachments: &ignored))
            case "reasoning":
                for summary in try item.objects("summary") ?? [] {
                    reasoningText += try summary.string("text") ?? ""
                }
                for content in try item.objects("content") ?? [] {
                    reasoningText += try content.string("text") ?? ""
                }
                if try item.string("encrypted_content") != nil { reasoningRedacted = true }
            case "function_call", "custom_tool_call":
                outputToolCalls.append(
                    ToolCall(
                        id: try item.string("call_id"), name: try item.requiredString("name"),
                        arguments: try item.string("arguments") ?? item.string("input") ?? ""))
            case "computer_call":
                outputToolCalls.append(ToolCall(id: try item.string("call_id"), name: "computer", arguments: item.jsonText("action") ?? ""))
            default: break
            }
        }
        outputs = [text.joined()]
        stopReason = try response.string("status")
        if let usage = try response.object("usage") {
            responseUsage = Usage(
                inputTokens: try usage.int("input_tokens"),
                outputTokens: try usage.int("output_tokens"),
                reasoningTokens: try usage.object("output_tokens_details")?.int("reasoning_tokens")
            )
        }
    }
}
