import DistillGuardCore

/// The mock upstream's deterministic answer to one request, as a body or as stream events.
struct MockReply {
    let api: Event.API
    let model: String
    let text: String
    let thinking: String?
    let inputTokens: Int
    let id: String

    init(request: JSONObject, api: Event.API, model: String) {
        self.api = api
        self.model = model
        let prompt = Self.lastUserText(request, api: api)
        text = "Answer to: " + String(prompt.prefix(60))
        let reasoning: Bool
        switch api {
        case .anthropicMessages: reasoning = request["thinking"]?["type"]?.stringValue == "enabled"
        case .openAIChatCompletions: reasoning = request["reasoning_effort"] != nil && request["reasoning_effort"]?.stringValue != "low"
        case .openAIResponses: reasoning = request["reasoning"]?["summary"] != nil
        }
        thinking = reasoning ? "Let me reason about this step by step. The question is short." : nil
        inputTokens = max(1, prompt.utf8.count / 4)
        id = "mock_" + String(StableHash.hash(prompt) % 1_000_000_007, radix: 16)
    }

    var outputTokens: Int { max(1, (text.utf8.count + (thinking?.utf8.count ?? 0)) / 4) }

    static func lastUserText(_ request: JSONObject, api: Event.API) -> String {
        func text(of content: JSONValue?) -> String {
            if let s = content?.stringValue { return s }
            return (content?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined(separator: " ")
        }
        if api == .openAIResponses {
            if let input = request["input"]?.stringValue { return input }
            let user = request["input"]?.arrayValue?.last { $0["role"]?.stringValue == "user" }
            return text(of: user?["content"])
        }
        let user = request["messages"]?.arrayValue?.last { $0["role"]?.stringValue == "user" }
        return text(of: user?["content"])
    }

    /// Pieces of the reply text, as a stream would deliver them.
    var pieces: [String] {
        var result: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if character == " " {
                result.append(current)
                current = ""
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    func body() -> JSONValue {
        switch api {
        case .anthropicMessages:
            var content: [JSONValue] = []
            if let thinking { content.append(["type": "thinking", "thinking": .string(thinking), "signature": "sig_mock"]) }
            content.append(["type": "text", "text": .string(text)])
            return [
                "id": .string(id), "type": "message", "role": "assistant", "model": .string(model), "content": .array(content),
                "stop_reason": "end_turn", "stop_sequence": nil,
                "usage": ["input_tokens": .int(Int64(inputTokens)), "output_tokens": .int(Int64(outputTokens))],
            ]
        case .openAIChatCompletions:
            return [
                "id": .string("chatcmpl-" + id), "object": "chat.completion", "created": 1_767_225_600, "model": .string(model),
                "choices": [
                    ["index": 0, "message": ["role": "assistant", "content": .string(text), "refusal": nil], "finish_reason": "stop"]
                ],
                "usage": [
                    "prompt_tokens": .int(Int64(inputTokens)), "completion_tokens": .int(Int64(outputTokens)),
                    "total_tokens": .int(Int64(inputTokens + outputTokens)),
                ],
            ]
        case .openAIResponses:
            return responseObject(status: "completed")
        }
    }

    func responseObject(status: String) -> JSONValue {
        var output: [JSONValue] = []
        if let thinking {
            output.append(["id": "rs_mock", "type": "reasoning", "summary": [["type": "summary_text", "text": .string(thinking)]]])
        }
        if status == "completed" {
            output.append([
                "id": "msg_mock", "type": "message", "status": "completed", "role": "assistant",
                "content": [["type": "output_text", "text": .string(text), "annotations": []]],
            ])
        }
        return [
            "id": .string("resp_" + id), "object": "response", "created_at": 1_767_225_600, "status": .string(status),
            "model": .string(model),
            "output": .array(output),
            "usage": status == "completed"
                ? [
                    "input_tokens": .int(Int64(inputTokens)), "output_tokens": .int(Int64(outputTokens)),
                    "total_tokens": .int(Int64(inputTokens + outputTokens)),
                ] : nil,
        ]
    }

    func events() -> [String] {
        switch api {
        case .anthropicMessages: anthropicEvents()
        case .openAIChatCompletions: chatEvents()
        case .openAIResponses: responsesEvents()
        }
    }

    static func sse(_ name: String?, _ value: JSONValue) -> String {
        (name.map { "event: \($0)\n" } ?? "") + "data: " + JSONWriter.string(value) + "\n\n"
    }

    func anthropicEvents() -> [String] {
        var events: [String] = []
        events.append(
            Self.sse(
                "message_start",
                [
                    "type": "message_start",
                    "message": [
                        "id": .string(id), "type": "message", "role": "assistant", "model": .string(model), "content": [],
                        "stop_reason": nil,
                        "stop_sequence": nil, "usage": ["input_tokens": .int(Int64(inputTokens)), "output_tokens": 1],
                    ],
                ]))
        var index: Int64 = 0
        if let thinking {
            events.append(
                Self.sse(
                    "content_block_start",
                    [
                        "type": "content_block_start", "index": .int(index),
                        "content_block": ["type": "thinking", "thinking": "", "signature": ""],
                    ]))
            events.append(
                Self.sse(
                    "content_block_delta",
                    [
                        "type": "content_block_delta", "index": .int(index),
                        "delta": ["type": "thinking_delta", "thinking": .string(thinking)],
                    ]))
            events.append(
                Self.sse(
                    "content_block_delta",
                    ["type": "content_block_delta", "index": .int(index), "delta": ["type": "signature_delta", "signature": "sig_mock"]]))
            events.append(Self.sse("content_block_stop", ["type": "content_block_stop", "index": .int(index)]))
            index += 1
        }
        events.append(
            Self.sse(
                "content_block_start",
                ["type": "content_block_start", "index": .int(index), "content_block": ["type": "text", "text": ""]]))
        events.append("event: ping\ndata: {\"type\": \"ping\"}\n\n")
        for piece in pieces {
            events.append(
                Self.sse(
                    "content_block_delta",
                    ["type": "content_block_delta", "index": .int(index), "delta": ["type": "text_delta", "text": .string(piece)]]
                ))
        }
        events.append(Self.sse("content_block_stop", ["type": "content_block_stop", "index": .int(index)]))
        events.append(
            Self.sse(
                "message_delta",
                [
                    "type": "message_delta", "delta": ["stop_reason": "end_turn", "stop_sequence": nil],
                    "usage": ["output_tokens": .int(Int64(outputTokens))],
                ]))
        events.append(Self.sse("message_stop", ["type": "message_stop"]))
        return events
    }

    func chatEvents() -> [String] {
        func chunk(_ delta: JSONValue, finish: JSONValue = nil, usage: JSONValue? = nil) -> String {
            var object: JSONObject = [
                "id": .string("chatcmpl-" + id), "object": "chat.completion.chunk", "created": 1_767_225_600, "model": .string(model),
                "choices": usage == nil ? [["index": 0, "delta": delta, "finish_reason": finish]] : [],
            ]
            if let usage { object["usage"] = usage }
            return Self.sse(nil, .object(object))
        }
        var events = [chunk(["role": "assistant", "content": ""])]
        for piece in pieces { events.append(chunk(["content": .string(piece)])) }
        events.append(chunk([:], finish: "stop"))
        events.append(
            chunk(
                [:],
                usage: [
                    "prompt_tokens": .int(Int64(inputTokens)), "completion_tokens": .int(Int64(outputTokens)),
                    "total_tokens": .int(Int64(inputTokens + outputTokens)),
                ]))
        events.append("data: [DONE]\n\n")
        return events
    }

    func responsesEvents() -> [String] {
        var sequence: Int64 = 0
        func event(_ type: String, _ fields: JSONObject) -> String {
            var object: JSONObject = ["type": .string(type), "sequence_number": .int(sequence)]
            for (key, value) in fields { object[key] = value }
            sequence += 1
            return Self.sse(type, .object(object))
        }
        var events = [
            event("response.created", ["response": responseObject(status: "in_progress")]),
            event("response.in_progress", ["response": responseObject(status: "in_progress")]),
        ]
        let outputIndex: Int64 = thinking == nil ? 0 : 1
        events.append(
            event(
                "response.output_item.added",
                [
                    "output_index": .int(outputIndex),
                    "item": ["id": "msg_mock", "type": "message", "status": "in_progress", "role": "assistant", "content": []],
                ]))
        events.append(
            event(
                "response.content_part.added",
                [
                    "item_id": "msg_mock", "output_index": .int(outputIndex), "content_index": 0,
                    "part": ["type": "output_text", "text": "", "annotations": []],
                ]))
        for piece in pieces {
            events.append(
                event(
                    "response.output_text.delta",
                    ["item_id": "msg_mock", "output_index": .int(outputIndex), "content_index": 0, "delta": .string(piece), "logprobs": []])
            )
        }
        events.append(
            event(
                "response.output_text.done",
                ["item_id": "msg_mock", "output_index": .int(outputIndex), "content_index": 0, "text": .string(text), "logprobs": []]))
        events.append(
            event(
                "response.content_part.done",
                [
                    "item_id": "msg_mock", "output_index": .int(outputIndex), "content_index": 0,
                    "part": ["type": "output_text", "text": .string(text), "annotations": []],
                ]))
        events.append(
            event(
                "response.output_item.done",
                [
                    "output_index": .int(outputIndex),
                    "item": [
                        "id": "msg_mock", "type": "message", "status": "completed", "role": "assistant",
                        "content": [["type": "output_text", "text": .string(text), "annotations": []]],
                    ],
                ]))
        events.append(event("response.completed", ["response": responseObject(status: "completed")]))
        return events
    }
}

extension MockUpstream {
    /// The mock's answer to a request without a server: its body and its stream events.
    public static func reply(to request: JSONObject, api: Event.API, model: String = "mock-model") -> (body: JSONValue, events: [String]) {
        let reply = MockReply(request: request, api: api, model: model)
        return (reply.body(), reply.events())
    }
}
