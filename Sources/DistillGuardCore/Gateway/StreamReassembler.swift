/// Rebuilds the non-streaming response body from a server-sent-event stream, as the event-log
/// contract requires of streamed exchanges: Anthropic Messages events, OpenAI Chat Completions
/// chunks, or OpenAI Responses events.
///
/// The gateway copies the streamed bytes as they pass and reassembles them off the hot path.
public struct StreamReassembler {
    let api: Event.API
    private var pending: [UInt8] = []
    /// How many bytes of `pending` hold no line end.
    private var scanned = 0
    // Anthropic Messages
    private var message: JSONObject?
    private var blocks: [Int: JSONObject] = [:]
    /// Text and thinking deltas of each block, by key, until the message is put together.
    private var deltas: [Int: [String: String]] = [:]
    private var partialJSON: [Int: String] = [:]
    // OpenAI Chat Completions
    private var chunkHead: JSONObject?
    private var choices: [Int: ChatChoice] = [:]
    private var usage: JSONValue?
    // OpenAI Responses
    private var latestResponse: JSONObject?
    // Any API
    private var error: JSONObject?

    struct ChatChoice {
        var role = "assistant"
        var content: String?
        var reasoning: String?
        var refusal: String?
        var toolCalls: [Int: (id: String?, name: String, arguments: String)] = [:]
        var finishReason: JSONValue = .null
    }

    public init(api: Event.API) {
        self.api = api
    }

    /// Feeds raw bytes of the stream, split anywhere. Linear in the bytes fed, however small the
    /// pieces: the bytes of an unfinished line are searched for its end only once.
    public mutating func feed(_ bytes: some Sequence<UInt8>) {
        pending.append(contentsOf: bytes)
        var start = 0
        var index = scanned
        while index < pending.count {
            if pending[index] == UInt8(ascii: "\n") {
                let lineEnd = index > start && pending[index - 1] == UInt8(ascii: "\r") ? index - 1 : index
                line(pending[start..<lineEnd])
                start = index + 1
            }
            index += 1
        }
        pending.removeFirst(start)
        scanned = pending.count
    }

    private var eventName = ""
    private var data: [UInt8] = []

    private mutating func line(_ line: ArraySlice<UInt8>) {
        if line.isEmpty {
            dispatch()
            return
        }
        if line.first == UInt8(ascii: ":") { return }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        let field = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
        var value = colon < line.endIndex ? line[(colon + 1)...] : []
        if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        switch field {
        case "event": eventName = String(decoding: value, as: UTF8.self)
        case "data":
            if !data.isEmpty { data.append(UInt8(ascii: "\n")) }
            data.append(contentsOf: value)
        default: break
        }
    }

    private mutating func dispatch() {
        defer {
            eventName = ""
            data.removeAll(keepingCapacity: true)
        }
        guard !data.isEmpty, data != Array("[DONE]".utf8), let value = try? JSONParser.parse(data), case .object(let object) = value else {
            return
        }
        if object["type"]?.stringValue == "error" || (api != .openAIResponses && object["error"] != nil) {
            error = object
            return
        }
        switch api {
        case .anthropicMessages: anthropic(object)
        case .openAIChatCompletions: chat(object)
        case .openAIResponses: responses(object)
        }
    }

    /// The reassembled response body, or nil when the stream held no usable events.
    public mutating func finish() -> JSONObject? {
        dispatch()
        if let error { return error }
        switch api {
        case .anthropicMessages: return anthropicMessage()
        case .openAIChatCompletions: return chatCompletion()
        case .openAIResponses: return latestResponse
        }
    }

    // MARK: Anthropic Messages

    private mutating func anthropic(_ event: JSONObject) {
        let index = event["index"]?.intValue ?? 0
        switch event["type"]?.stringValue {
        case "message_start":
            message = event["message"]?.objectValue
        case "content_block_start":
            blocks[index] = event["content_block"]?.objectValue
            deltas[index] = nil
        case "content_block_delta":
            guard let delta = event["delta"]?.objectValue, var block = blocks.removeValue(forKey: index) else { return }
            defer { blocks[index] = block }
            switch delta["type"]?.stringValue {
            case "text_delta": appendDelta(delta["text"]?.stringValue, to: "text", of: index)
            case "thinking_delta": appendDelta(delta["thinking"]?.stringValue, to: "thinking", of: index)
            case "signature_delta": block["signature"] = delta["signature"]
            case "input_json_delta": partialJSON[index, default: ""] += delta["partial_json"]?.stringValue ?? ""
            case "citations_delta":
                if let citation = delta["citation"] { block["citations"] = .array((block["citations"]?.arrayValue ?? []) + [citation]) }
            default: break
            }
        case "content_block_stop":
            if let json = partialJSON.removeValue(forKey: index), !json.isEmpty, let input = try? JSONParser.parse(json) {
                blocks[index]?["input"] = input
            }
        case "message_delta":
            if let delta = event["delta"]?.objectValue {
                for (key, value) in delta { message?[key] = value }
            }
            if let usage = event["usage"]?.objectValue {
                var merged = message?["usage"]?.objectValue ?? JSONObject()
                for (key, value) in usage where !value.isNull { merged[key] = value }
                message?["usage"] = .object(merged)
            }
        default:
            break
        }
    }

    /// Text deltas are gathered apart (appending in place) and put into their block at the end:
    /// appending to the block's string value would copy the text so far on every delta.
    private mutating func appendDelta(_ text: String?, to key: String, of index: Int) {
        guard let text else { return }
        deltas[index, default: [:]][key, default: ""] += text
    }

    private func anthropicMessage() -> JSONObject? {
        guard var message else { return nil }
        message["content"] = .array(
            blocks.keys.sorted().compactMap { index in
                guard var block = blocks[index] else { return nil }
                for (key, text) in (deltas[index] ?? [:]).sorted(by: { $0.key < $1.key }) {
                    block[key] = .string((block[key]?.stringValue ?? "") + text)
                }
                return .object(block)
            })
        return message
    }

    // MARK: OpenAI Chat Completions

    private mutating func chat(_ chunk: JSONObject) {
        if chunkHead == nil { chunkHead = chunk }
        if let usage = chunk["usage"], !usage.isNull { self.usage = usage }
        for choice in chunk["choices"]?.arrayValue ?? [] {
            let index = choice["index"]?.intValue ?? 0
            // Taken out of the dictionary, the state is the only reference to its strings, which
            // then grow in place instead of being copied on every chunk.
            var state = choices.removeValue(forKey: index) ?? ChatChoice()
            if let delta = choice["delta"]?.objectValue {
                if let role = delta["role"]?.stringValue { state.role = role }
                if let text = delta["content"]?.stringValue { state.content.append(text) }
                if let text = delta["reasoning_content"]?.stringValue { state.reasoning.append(text) }
                if let text = delta["refusal"]?.stringValue { state.refusal.append(text) }
                for call in delta["tool_calls"]?.arrayValue ?? [] {
                    let position = call["index"]?.intValue ?? 0
                    var entry = state.toolCalls.removeValue(forKey: position) ?? (nil, "", "")
                    if let id = call["id"]?.stringValue { entry.id = id }
                    if let name = call["function"]?["name"]?.stringValue { entry.name += name }
                    if let arguments = call["function"]?["arguments"]?.stringValue { entry.arguments += arguments }
                    state.toolCalls[position] = entry
                }
            }
            if let reason = choice["finish_reason"], !reason.isNull { state.finishReason = reason }
            choices[index] = state
        }
    }

    private func chatCompletion() -> JSONObject? {
        guard let head = chunkHead else { return nil }
        var result = JSONObject()
        result["id"] = head["id"]
        result["object"] = "chat.completion"
        result["created"] = head["created"]
        result["model"] = head["model"]
        if let fingerprint = head["system_fingerprint"] { result["system_fingerprint"] = fingerprint }
        result["choices"] = .array(
            choices.keys.sorted().map { index in
                let state = choices[index]!
                var message: JSONObject = ["role": .string(state.role), "content": state.content.map(JSONValue.string) ?? .null]
                if let reasoning = state.reasoning { message["reasoning_content"] = .string(reasoning) }
                if let refusal = state.refusal { message["refusal"] = .string(refusal) }
                if !state.toolCalls.isEmpty {
                    message["tool_calls"] = .array(
                        state.toolCalls.keys.sorted().map { position in
                            let call = state.toolCalls[position]!
                            return [
                                "id": call.id.map(JSONValue.string) ?? .null, "type": "function",
                                "function": ["name": .string(call.name), "arguments": .string(call.arguments)],
                            ]
                        })
                }
                return ["index": .int(Int64(index)), "message": .object(message), "finish_reason": state.finishReason]
            })
        if let usage { result["usage"] = usage }
        return result
    }

    // MARK: OpenAI Responses

    private mutating func responses(_ event: JSONObject) {
        if let response = event["response"]?.objectValue { latestResponse = response }
        if event["type"]?.stringValue == "error" { error = event }
    }
}

extension Optional where Wrapped == String {
    /// Appends in place, starting the string when there is none.
    fileprivate mutating func append(_ text: String) {
        if self == nil { self = text } else { self!.append(text) }
    }
}
