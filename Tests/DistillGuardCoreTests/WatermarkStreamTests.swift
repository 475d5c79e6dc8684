import DistillGuardCore
import DistillGuardTesting
import Testing

/// The gateway's live watermark on server-sent-event streams of the three APIs.
struct WatermarkStreamTests {
    static let prompt = "Usually we often verify results quickly; maybe someone improved them"

    static func request(_ api: Event.API) -> JSONObject {
        switch api {
        case .anthropicMessages:
            [
                "model": "m", "max_tokens": 100, "thinking": ["type": "enabled", "budget_tokens": 1024],
                "messages": [["role": "user", "content": .string(prompt)]],
            ]
        case .openAIChatCompletions:
            ["model": "m", "reasoning_effort": "high", "messages": [["role": "user", "content": .string(prompt)]]]
        case .openAIResponses:
            ["model": "m", "reasoning": ["summary": "auto"], "input": .string(prompt)]
        }
    }

    static func text(_ body: JSONObject, api: Event.API) -> (answer: String?, reasoning: String?) {
        ResponseText.of(body, api: api)
    }

    @Test(arguments: Event.API.allCases, [1, 7, 64, 100_000])
    func streamsCarryExactlyTheWatermarkedText(api: Event.API, chunkSize: Int) throws {
        let (body, events) = MockUpstream.reply(to: Self.request(api), api: api)
        let originalBody = try #require(body.objectValue)
        let original = Self.text(originalBody, api: api)
        let answer = try #require(original.answer)
        var changed = false
        for index in 0..<6 {
            let watermark = try Watermark(key: Array("stream-key-\(index)-xxxxxxxxxxxx".utf8))
            let bytes = Array(events.joined().utf8)
            var marker = WatermarkedEventStream(watermark, api: api)
            var output: [UInt8] = []
            var offset = 0
            while offset < bytes.count {
                output += marker.feed(bytes[offset..<min(bytes.count, offset + chunkSize)])
                offset += chunkSize
            }
            output += marker.finish()
            var reassembler = StreamReassembler(api: api)
            reassembler.feed(output)
            let finished = reassembler.finish()
            let reassembled = try #require(finished)
            let delivered = Self.text(reassembled, api: api)
            #expect(delivered.answer == watermark.apply(to: answer))
            #expect(delivered.reasoning == original.reasoning, "reasoning is not watermarked")
            if delivered.answer != answer { changed = true }
            if api == .openAIResponses { try Self.expectIncreasingSequenceNumbers(output) }
            // The non-streaming body gets the same text.
            let object = try #require(body.objectValue)
            let markedBody = try #require(watermark.apply(response: object, api: api))
            #expect(Self.text(markedBody, api: api).answer == delivered.answer)
        }
        #expect(changed, "some key changes the answer")
    }

    static func expectIncreasingSequenceNumbers(_ bytes: [UInt8]) throws {
        var last = -1
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("data: ") {
            guard let number = try JSONParser.parse(String(line.dropFirst(6)))["sequence_number"]?.intValue else { continue }
            #expect(number == last + 1)
            last = number
        }
    }

    @Test func eventsWithoutTextPassByteForByte() {
        let stream =
            "event: ping\ndata: {\"type\":\"ping\"}\n\n: comment\n\nevent: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":{}}}\n\nevent: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"q\\\": \\\"often quickly\\\"}\"}}\n\n"
        var marker = WatermarkedEventStream(WatermarkTests.key, api: .anthropicMessages)
        let output = marker.feed(Array(stream.utf8)) + marker.finish()
        #expect(String(decoding: output, as: UTF8.self) == stream)
    }
}
