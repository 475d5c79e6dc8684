import DistillGuardCore
import Foundation
import Testing

/// Streamed responses become the contract's non-streaming shape, however the bytes are split.
struct StreamReassemblerTests {
    static let anthropicStream = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"output_tokens":1}}}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"First, "}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"factor it."}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"sig"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: ping
        data: {"type": "ping"}

        event: content_block_start
        data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"x = 2 "}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"or x = 3"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":1}

        event: content_block_start
        data: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_1","name":"check","input":{}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\\"roots\\": [2, "}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"3]}"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":2}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":57}}

        event: message_stop
        data: {"type":"message_stop"}


        """

    static let chatStream = """
        data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

        data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}

        data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":null}]}

        data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"run_tests","arguments":"{\\"pa"}}]},"finish_reason":null}]}

        data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"th\\": 1}"}}]},"finish_reason":"tool_calls"}]}

        data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13,"completion_tokens_details":{"reasoning_tokens":2}}}

        data: [DONE]


        """

    static let responsesStream = """
        event: response.created
        data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","status":"in_progress","model":"gpt-x","output":[]}}

        event: response.output_text.delta
        data: {"type":"response.output_text.delta","sequence_number":1,"item_id":"m1","output_index":0,"content_index":0,"delta":"Hi"}

        event: response.completed
        data: {"type":"response.completed","sequence_number":2,"response":{"id":"resp_1","object":"response","status":"completed","model":"gpt-x","output":[{"id":"m1","type":"message","role":"assistant","content":[{"type":"output_text","text":"Hi there","annotations":[]}]}],"usage":{"input_tokens":5,"output_tokens":2,"total_tokens":7}}}


        """

    /// Feeds the stream in pieces of `size` bytes (CRLF line ends when asked) and decodes the result as a contract event.
    func reassemble(_ text: String, api: Event.API, size: Int, crlf: Bool = false) throws -> Event {
        let bytes = Array((crlf ? text.replacingOccurrences(of: "\n", with: "\r\n") : text).utf8)
        var reassembler = StreamReassembler(api: api)
        var offset = 0
        while offset < bytes.count {
            reassembler.feed(bytes[offset..<min(offset + size, bytes.count)])
            offset += size
        }
        let finished = reassembler.finish()
        let response = try #require(finished)
        let request: JSONValue =
            api == .openAIResponses ? ["model": "gpt-x", "input": "Hi"] : ["model": "m", "messages": [["role": "user", "content": "Hi"]]]
        return try EventDecoder.decode(
            [
                "id": "e", "timestamp": "2026-02-01T00:00:00Z", "account_id": "a", "api": .string(api.rawValue), "request": request,
                "response": .object(response),
            ])
    }

    @Test(arguments: [1, 7, 64, 100_000])
    func anthropicMessages(size: Int) throws {
        let event = try reassemble(Self.anthropicStream, api: .anthropicMessages, size: size, crlf: size == 7)
        #expect(event.exchange.outputText == "x = 2 or x = 3")
        #expect(event.exchange.reasoningText == "First, factor it.")
        #expect(event.usage == Usage(inputTokens: 12, outputTokens: 57, reasoningTokens: nil) || event.usage.outputTokens == 57)
        let content = try #require(event.response?["content"]?.arrayValue)
        #expect(content.count == 3)
        #expect(content[0]["signature"]?.stringValue == "sig")
        #expect(content[2]["input"]?["roots"]?.arrayValue?.count == 2)
        #expect(event.response?["stop_reason"]?.stringValue == "tool_use")
    }

    @Test(arguments: [1, 13, 100_000])
    func openAIChatCompletions(size: Int) throws {
        let event = try reassemble(Self.chatStream, api: .openAIChatCompletions, size: size)
        #expect(event.exchange.outputText.hasPrefix("Hello"))
        #expect(event.usage.inputTokens == 9 && event.usage.outputTokens == 4)
        let message = try #require(event.response?["choices"]?.arrayValue?.first?["message"])
        #expect(message["tool_calls"]?.arrayValue?.first?["function"]?["arguments"]?.stringValue == #"{"path": 1}"#)
        #expect(event.response?["choices"]?.arrayValue?.first?["finish_reason"]?.stringValue == "tool_calls")
        #expect(event.response?["object"]?.stringValue == "chat.completion")
    }

    @Test(arguments: [3, 100_000])
    func openAIResponses(size: Int) throws {
        let event = try reassemble(Self.responsesStream, api: .openAIResponses, size: size)
        #expect(event.exchange.outputText == "Hi there")
        #expect(event.usage.inputTokens == 5 && event.usage.outputTokens == 2)
    }

    @Test func aStreamedErrorBecomesTheErrorBody() throws {
        var reassembler = StreamReassembler(api: .anthropicMessages)
        reassembler.feed(
            Array(
                (Self.anthropicStream.components(separatedBy: "event: content_block_start")[0]
                    + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n")
                    .utf8))
        let finished = reassembler.finish()
        let response = try #require(finished)
        #expect(response["error"]?["type"]?.stringValue == "overloaded_error")
    }
}

/// Degradation: reasoning turned down and output capped in requests, reasoning removed from responses.
struct DegradationTests {
    let degrade = Policy.Degradation(stripReasoning: true, maximumOutputTokens: 512)

    @Test func rewritesRequestsOfEachAPI() throws {
        let anthropic = try #require(
            degrade.rewrite(
                request: ["model": "m", "max_tokens": 64000, "thinking": ["type": "enabled", "budget_tokens": 32000], "messages": []],
                api: .anthropicMessages))
        #expect(anthropic["thinking"] == nil && anthropic["max_tokens"]?.intValue == 512)
        let chat = try #require(
            degrade.rewrite(request: ["model": "m", "reasoning_effort": "high", "messages": []], api: .openAIChatCompletions))
        #expect(chat["reasoning_effort"]?.stringValue == "low" && chat["max_completion_tokens"]?.intValue == 512)
        let responses = try #require(
            degrade.rewrite(
                request: ["model": "m", "input": "x", "max_output_tokens": 100, "reasoning": ["effort": "high", "summary": "detailed"]],
                api: .openAIResponses))
        #expect(responses["reasoning"]?["summary"] == nil && responses["reasoning"]?["effort"]?.stringValue == "low")
        #expect(responses["max_output_tokens"]?.intValue == 100, "a budget under the cap is left alone")
        #expect(
            Policy.Degradation(stripReasoning: true).rewrite(
                request: ["model": "m", "max_tokens": 10, "messages": []], api: .anthropicMessages) == nil)
    }

    @Test func stripsReasoningFromResponses() throws {
        let anthropic = try #require(
            degrade.strip(
                response: [
                    "content": [
                        ["type": "thinking", "thinking": "secret"], ["type": "redacted_thinking"], ["type": "text", "text": "42"],
                    ]
                ],
                api: .anthropicMessages))
        #expect(anthropic["content"]?.arrayValue?.count == 1)
        let chat = try #require(
            degrade.strip(
                response: ["choices": [["message": ["role": "assistant", "content": "42", "reasoning_content": "secret"]]]],
                api: .openAIChatCompletions))
        #expect(chat["choices"]?.arrayValue?.first?["message"]?["reasoning_content"] == nil)
        let responses = try #require(
            degrade.strip(
                response: ["output": [["type": "reasoning", "summary": []], ["type": "message", "content": []]]], api: .openAIResponses))
        #expect(responses["output"]?.arrayValue?.count == 1)
        #expect(degrade.strip(response: ["content": [["type": "text", "text": "42"]]], api: .anthropicMessages) == nil)
    }
}
