extension Policy.Degradation {
    /// The request with reasoning turned down and the output budget capped, or nil when nothing changes.
    public func rewrite(request: JSONObject, api: Event.API) -> JSONObject? {
        var request = request
        var changed = false
        func cap(_ key: String) {
            guard let limit = maximumOutputTokens, let current = request[key]?.intValue, current > limit else { return }
            request[key] = .int(Int64(limit))
            changed = true
        }
        switch api {
        case .anthropicMessages:
            if stripReasoning, request["thinking"] != nil {
                request["thinking"] = nil
                changed = true
            }
            cap("max_tokens")
            if let limit = maximumOutputTokens, request["max_tokens"] == nil {
                request["max_tokens"] = .int(Int64(limit))
                changed = true
            }
        case .openAIChatCompletions:
            if stripReasoning, let effort = request["reasoning_effort"]?.stringValue, effort != "low", effort != "minimal", effort != "none"
            {
                request["reasoning_effort"] = "low"
                changed = true
            }
            cap("max_completion_tokens")
            cap("max_tokens")
            if let limit = maximumOutputTokens, request["max_completion_tokens"] == nil, request["max_tokens"] == nil {
                request["max_completion_tokens"] = .int(Int64(limit))
                changed = true
            }
        case .openAIResponses:
            if stripReasoning, var reasoning = request["reasoning"]?.objectValue {
                reasoning["summary"] = nil
                if let effort = reasoning["effort"]?.stringValue, effort != "low", effort != "minimal", effort != "none" {
                    reasoning["effort"] = "low"
                }
                request["reasoning"] = .object(reasoning)
                changed = true
            }
            cap("max_output_tokens")
            if let limit = maximumOutputTokens, request["max_output_tokens"] == nil {
                request["max_output_tokens"] = .int(Int64(limit))
                changed = true
            }
        }
        return changed ? request : nil
    }

    /// A non-streaming response without its reasoning content (thinking blocks, reasoning items,
    /// reasoning fields), or nil when it has none.
    public func strip(response: JSONObject, api: Event.API) -> JSONObject? {
        guard stripReasoning else { return nil }
        var response = response
        var changed = false
        switch api {
        case .anthropicMessages:
            guard let content = response["content"]?.arrayValue else { return nil }
            let kept = content.filter { block in
                let type = block["type"]?.stringValue
                return type != "thinking" && type != "redacted_thinking"
            }
            if kept.count != content.count {
                response["content"] = .array(kept)
                changed = true
            }
        case .openAIChatCompletions:
            guard let choices = response["choices"]?.arrayValue else { return nil }
            response["choices"] = .array(
                choices.map { choice in
                    guard var object = choice.objectValue, var message = object["message"]?.objectValue else { return choice }
                    for key in ["reasoning_content", "reasoning"] where message[key] != nil {
                        message[key] = nil
                        changed = true
                    }
                    object["message"] = .object(message)
                    return .object(object)
                })
        case .openAIResponses:
            guard let output = response["output"]?.arrayValue else { return nil }
            let kept = output.filter { $0["type"]?.stringValue != "reasoning" }
            if kept.count != output.count {
                response["output"] = .array(kept)
                changed = true
            }
        }
        return changed ? response : nil
    }
}
