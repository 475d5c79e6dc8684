import DistillGuardCore

/// The SSE stream reassembler, on arbitrary streams and on streams made from a known answer.
///
/// - Whatever the split of the bytes (whole, or in pieces of 1 to 17 bytes chosen by the input's
///   first byte; one byte at a time for a quarter of the inputs), the reassembled body is the same.
/// - An answer streamed as the API would (Anthropic text deltas, Chat Completions content chunks)
///   comes back whole: the reassembled body holds exactly the text that was streamed.
enum StreamTarget {
    static func run(_ bytes: [UInt8]) {
        guard let selector = bytes.first else { return }
        let api = Event.API.allCases[Int(selector) % Event.API.allCases.count]
        let stream = Array(bytes.dropFirst())
        let whole = reassemble(api, [stream[...]])
        let split = reassemble(api, pieces(stream, seed: selector))
        require(whole == split, "the reassembled \(api.rawValue) body depends on how the stream was split")
        // 128 bytes of text give up to 128 deltas, each written and parsed as JSON: enough for every
        // escape and split, and at 512 this half of the target took most of its time.
        knownAnswer(
            api == .openAIChatCompletions ? .openAIChatCompletions : .anthropicMessages, text: Array(stream.prefix(128)), seed: selector)
    }

    static func reassemble(_ api: Event.API, _ chunks: [ArraySlice<UInt8>]) -> JSONObject? {
        var reassembler = StreamReassembler(api: api)
        for chunk in chunks { reassembler.feed(chunk) }
        return reassembler.finish()
    }

    /// Streams `text` (as UTF-8, invalid bytes replaced) in deltas and checks that it comes back.
    static func knownAnswer(_ api: Event.API, text bytes: [UInt8], seed: UInt8) {
        let text = String(decoding: bytes, as: UTF8.self)
        let deltas = pieces(Array(text), seed: seed).map { String($0) }
        var events: [JSONValue] = []
        switch api {
        case .anthropicMessages:
            events.append([
                "type": "message_start",
                "message": [
                    "id": "msg_1", "type": "message", "role": "assistant", "model": "m", "content": [], "usage": ["input_tokens": 3],
                ],
            ])
            events.append(["type": "content_block_start", "index": 0, "content_block": ["type": "text", "text": ""]])
            for delta in deltas {
                events.append(["type": "content_block_delta", "index": 0, "delta": ["type": "text_delta", "text": .string(delta)]])
            }
            events.append(["type": "content_block_stop", "index": 0])
            events.append(["type": "message_delta", "delta": ["stop_reason": "end_turn"], "usage": ["output_tokens": 7]])
            events.append(["type": "message_stop"])
        default:
            let head: JSONValue = ["id": "c1", "object": "chat.completion.chunk", "model": "m"]
            events.append(head.merging(["choices": [["index": 0, "delta": ["role": "assistant", "content": ""]]]]))
            for delta in deltas { events.append(head.merging(["choices": [["index": 0, "delta": ["content": .string(delta)]]]])) }
            events.append(head.merging(["choices": [["index": 0, "delta": [:], "finish_reason": "stop"]]]))
        }
        var stream: [UInt8] = []
        for event in events {
            if api == .anthropicMessages { stream += Array("event: \(event["type"]?.stringValue ?? "")\n".utf8) }
            stream += Array("data: \(JSONWriter.string(event))\n\n".utf8)
        }
        if api == .openAIChatCompletions { stream += Array("data: [DONE]\n\n".utf8) }
        var reassembler = StreamReassembler(api: api)
        for chunk in pieces(stream, seed: seed &+ 1) { reassembler.feed(chunk) }
        let body = reassembler.finish().map(JSONValue.object)
        let received: String?
        switch api {
        case .anthropicMessages:
            received = body?["content"]?.arrayValue?.first?["text"]?.stringValue
            require(body?["stop_reason"]?.stringValue == "end_turn", "the stop reason was lost")
        default:
            received = body?["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue
            require(body?["choices"]?.arrayValue?.first?["finish_reason"]?.stringValue == "stop", "the finish reason was lost")
        }
        require(received == text, "streamed \(text.utf8.count) bytes of text, got back \(received?.utf8.count ?? -1)")
    }
}

extension JSONValue {
    /// This object with the members of `other` added.
    func merging(_ other: JSONValue) -> JSONValue {
        guard case .object(var object) = self, case .object(let extra) = other else { return self }
        for (key, value) in extra { object[key] = value }
        return .object(object)
    }
}
