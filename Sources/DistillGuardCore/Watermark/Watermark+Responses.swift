extension Watermark {
    /// A non-streaming response with its answer text watermarked, or nil when it has no text.
    ///
    /// Only answer text changes: Anthropic `text` blocks, Chat Completions `message.content`, and
    /// Responses `output_text` parts. Thinking, reasoning, tool calls and their arguments, refusals
    /// and every other field are left as they are.
    public func apply(response: JSONObject, api: Event.API) -> JSONObject? {
        var response = response
        switch api {
        case .anthropicMessages:
            guard let content = response["content"]?.arrayValue else { return nil }
            response["content"] = .array(content.map { watermarkPart($0, type: "text") })
        case .openAIChatCompletions:
            guard let choices = response["choices"]?.arrayValue else { return nil }
            response["choices"] = .array(
                choices.map { choice in
                    guard var object = choice.objectValue, var message = object["message"]?.objectValue,
                        let text = message["content"]?.stringValue
                    else { return choice }
                    message["content"] = .string(apply(to: text))
                    object["message"] = .object(message)
                    return .object(object)
                })
        case .openAIResponses:
            guard let output = response["output"]?.arrayValue else { return nil }
            response["output"] = .array(output.map(watermarkOutputItem))
        }
        return response
    }

    /// A content part whose `text` is watermarked when its type is `type`.
    func watermarkPart(_ part: JSONValue, type: String) -> JSONValue {
        guard var object = part.objectValue, object["type"]?.stringValue == type, let text = object["text"]?.stringValue else {
            return part
        }
        object["text"] = .string(apply(to: text))
        return .object(object)
    }

    /// A Responses output item with its `output_text` parts watermarked (messages only).
    func watermarkOutputItem(_ item: JSONValue) -> JSONValue {
        guard var object = item.objectValue, object["type"]?.stringValue == "message", let content = object["content"]?.arrayValue else {
            return item
        }
        object["content"] = .array(content.map { watermarkPart($0, type: "output_text") })
        return .object(object)
    }
}

/// Watermarks the answer text of a server-sent-event stream (Anthropic Messages, OpenAI Chat
/// Completions or OpenAI Responses) as it passes, event by event.
///
/// Events without answer text pass through byte for byte. A text delta carries the watermarked
/// text decided so far; the few characters held back at the end of a text block go out in the
/// block's last event (Chat Completions: the chunk with `finish_reason`) or in one extra text delta
/// just before the block ends (Anthropic: before `content_block_stop`; Responses: before
/// `response.output_text.done`, with later `sequence_number`s shifted by one). The client reads
/// exactly the text that `Watermark.apply` gives for the whole answer, and the final Responses
/// events carry that text too.
public struct WatermarkedEventStream: Sendable {
    private let watermark: Watermark
    private let api: Event.API
    private var pending: [UInt8] = []
    private var streams: [String: WatermarkStream] = [:]
    private var sequenceShift = 0
    private var lastChunk: JSONObject?

    public init(_ watermark: Watermark, api: Event.API) {
        self.watermark = watermark
        self.api = api
    }

    /// Feeds stream bytes, split anywhere; returns the bytes of the events completed so far.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        pending.append(contentsOf: bytes)
        var output: [UInt8] = []
        var eventStart = 0
        var lineStart = 0
        var index = 0
        while index < pending.count {
            if pending[index] == UInt8(ascii: "\n") {
                let lineEnd = index > lineStart && pending[index - 1] == UInt8(ascii: "\r") ? index - 1 : index
                if lineEnd == lineStart {
                    event(pending[eventStart...index], into: &output)
                    eventStart = index + 1
                }
                lineStart = index + 1
            }
            index += 1
        }
        pending.removeFirst(eventStart)
        return output
    }

    /// The rest of the stream: an unterminated last event, and any text still held back.
    public mutating func finish() -> [UInt8] {
        var output: [UInt8] = []
        if !pending.isEmpty {
            let rest = pending
            pending = []
            event(rest[...], into: &output)
        }
        if api == .openAIChatCompletions { flushChat(into: &output) }
        return output
    }

    // MARK: - Events

    private mutating func event(_ raw: ArraySlice<UInt8>, into output: inout [UInt8]) {
        var name: String?
        var data: [UInt8] = []
        for line in raw.split(separator: UInt8(ascii: "\n")) {
            var line = line
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.starts(with: "event:".utf8) {
                name = String(decoding: line.dropFirst(6), as: UTF8.self).trimmingSpaces()
            } else if line.starts(with: "data:".utf8) {
                var value = line.dropFirst(5)
                if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
                if !data.isEmpty { data.append(UInt8(ascii: "\n")) }
                data.append(contentsOf: value)
            }
        }
        if data == Array("[DONE]".utf8) {
            if api == .openAIChatCompletions { flushChat(into: &output) }
            output.append(contentsOf: raw)
            return
        }
        guard !data.isEmpty, let object = (try? JSONParser.parse(data))?.objectValue else {
            output.append(contentsOf: raw)
            return
        }
        let rewritten: [JSONObject]?
        switch api {
        case .anthropicMessages: rewritten = anthropic(object)
        case .openAIChatCompletions: rewritten = chat(object)
        case .openAIResponses: rewritten = responses(object)
        }
        guard let rewritten else {
            output.append(contentsOf: raw)
            return
        }
        for object in rewritten { Self.write(name: name.map { object["type"]?.stringValue ?? $0 }, object, into: &output) }
    }

    static func write(name: String?, _ object: JSONObject, into output: inout [UInt8]) {
        if let name {
            output.append(contentsOf: "event: \(name)\n".utf8)
        }
        output.append(contentsOf: "data: ".utf8)
        var writer = JSONWriter(reservingCapacity: 256)
        writer.write(.object(object))
        output.append(contentsOf: writer.bytes)
        output.append(contentsOf: "\n\n".utf8)
    }

    // MARK: - Anthropic Messages

    /// The events to send instead of this one, or nil to pass it unchanged.
    private mutating func anthropic(_ event: JSONObject) -> [JSONObject]? {
        let key = String(event["index"]?.intValue ?? 0)
        switch event["type"]?.stringValue {
        case "content_block_start":
            guard var block = event["content_block"]?.objectValue, block["type"]?.stringValue == "text" else { return nil }
            var stream = WatermarkStream(watermark)
            let text = block["text"]?.stringValue ?? ""
            defer { streams[key] = stream }
            guard !text.isEmpty else { return nil }
            block["text"] = .string(stream.feed(text))
            var event = event
            event["content_block"] = .object(block)
            return [event]
        case "content_block_delta":
            guard var delta = event["delta"]?.objectValue, delta["type"]?.stringValue == "text_delta",
                let text = delta["text"]?.stringValue, streams[key] != nil
            else { return nil }
            delta["text"] = .string(streams[key]!.feed(text))
            var event = event
            event["delta"] = .object(delta)
            return [event]
        case "content_block_stop":
            guard var stream = streams.removeValue(forKey: key) else { return nil }
            let rest = stream.finish()
            guard !rest.isEmpty else { return nil }
            let flush: JSONObject = [
                "type": "content_block_delta", "index": event["index"] ?? 0, "delta": ["type": "text_delta", "text": .string(rest)],
            ]
            return [flush, event]
        default:
            return nil
        }
    }

    // MARK: - OpenAI Chat Completions

    private mutating func chat(_ chunk: JSONObject) -> [JSONObject]? {
        guard let choices = chunk["choices"]?.arrayValue, !choices.isEmpty else { return nil }
        lastChunk = chunk
        var changed = false
        let rewritten = choices.map { choice -> JSONValue in
            guard var object = choice.objectValue else { return choice }
            let key = String(object["index"]?.intValue ?? 0)
            var delta = object["delta"]?.objectValue ?? JSONObject()
            var text: String?
            if let content = delta["content"]?.stringValue {
                text = streams[key, default: WatermarkStream(watermark)].feed(content)
            }
            if let reason = object["finish_reason"], !reason.isNull, var stream = streams.removeValue(forKey: key) {
                let rest = stream.finish()
                if !rest.isEmpty { text = (text ?? "") + rest }
            }
            guard let text else { return choice }
            delta["content"] = .string(text)
            object["delta"] = .object(delta)
            changed = true
            return .object(object)
        }
        guard changed else { return nil }
        var chunk = chunk
        chunk["choices"] = .array(rewritten)
        return [chunk]
    }

    /// Text still held back when a chat stream ends without a `finish_reason`: one more chunk.
    private mutating func flushChat(into output: inout [UInt8]) {
        guard !streams.isEmpty else { return }
        var choices: [JSONValue] = []
        for key in streams.keys.sorted() {
            var stream = streams.removeValue(forKey: key)!
            let rest = stream.finish()
            guard !rest.isEmpty else { continue }
            choices.append(["index": .int(Int64(key) ?? 0), "delta": ["content": .string(rest)], "finish_reason": nil])
        }
        guard !choices.isEmpty else { return }
        var chunk = JSONObject()
        for field in ["id", "object", "created", "model", "system_fingerprint"] { chunk[field] = lastChunk?[field] }
        chunk["choices"] = .array(choices)
        Self.write(name: nil, chunk, into: &output)
    }

    // MARK: - OpenAI Responses

    private mutating func responses(_ event: JSONObject) -> [JSONObject]? {
        var event = event
        var changed = false
        if sequenceShift > 0, let number = event["sequence_number"]?.intValue {
            event["sequence_number"] = .int(Int64(number + sequenceShift))
            changed = true
        }
        let key = (event["item_id"]?.stringValue ?? "") + "/" + String(event["content_index"]?.intValue ?? 0)
        switch event["type"]?.stringValue {
        case "response.output_text.delta":
            guard let text = event["delta"]?.stringValue else { break }
            event["delta"] = .string(streams[key, default: WatermarkStream(watermark)].feed(text))
            return [event]
        case "response.output_text.done":
            if let text = event["text"]?.stringValue {
                event["text"] = .string(watermark.apply(to: text))
                changed = true
            }
            guard var stream = streams.removeValue(forKey: key) else { break }
            let rest = stream.finish()
            guard !rest.isEmpty else { break }
            var flush: JSONObject = ["type": "response.output_text.delta"]
            for field in ["item_id", "output_index", "content_index"] { flush[field] = event[field] }
            flush["delta"] = .string(rest)
            if let number = event["sequence_number"]?.intValue {
                flush["sequence_number"] = .int(Int64(number))
                event["sequence_number"] = .int(Int64(number + 1))
                sequenceShift += 1
            }
            return [flush, event]
        case "response.content_part.done":
            if let part = event["part"] {
                event["part"] = watermark.watermarkPart(part, type: "output_text")
                changed = true
            }
        case "response.output_item.done":
            if let item = event["item"] {
                event["item"] = watermark.watermarkOutputItem(item)
                changed = true
            }
        case "response.completed", "response.incomplete", "response.failed":
            if let response = event["response"]?.objectValue, let marked = watermark.apply(response: response, api: .openAIResponses) {
                event["response"] = .object(marked)
                changed = true
            }
        default:
            break
        }
        return changed ? [event] : nil
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
