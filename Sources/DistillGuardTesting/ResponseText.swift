import DistillGuardCore

/// The answer and reasoning text of a non-streaming response body of one of the three APIs.
public enum ResponseText {
    public static func of(_ body: JSONObject, api: Event.API) -> (answer: String?, reasoning: String?) {
        switch api {
        case .anthropicMessages:
            let blocks = body["content"]?.arrayValue ?? []
            return (
                blocks.first { $0["type"] == "text" }?["text"]?.stringValue,
                blocks.first { $0["type"] == "thinking" }?["thinking"]?.stringValue
            )
        case .openAIChatCompletions:
            let message = body["choices"]?.arrayValue?.first?["message"]
            return (message?["content"]?.stringValue, message?["reasoning_content"]?.stringValue)
        case .openAIResponses:
            let output = body["output"]?.arrayValue ?? []
            let message = output.first { $0["type"] == "message" }
            return (
                message?["content"]?.arrayValue?.first?["text"]?.stringValue,
                output.first { $0["type"] == "reasoning" }?["summary"]?.arrayValue?.first?["text"]?.stringValue
            )
        }
    }
}
