import DistillGuardCore
import DistillGuardTesting
import Testing

struct EventDecoderTests {
    @Test func decodesTheEnvelope() throws {
        let event = try EventDecoder.decode(line: EventFixtures.anthropicThinking)
        #expect(event.id == "ex_000001")
        #expect(event.timestamp.rfc3339 == "2026-02-01T12:00:00Z")
        #expect(event.accountID == "acct_7f3a")
        #expect(event.api == .anthropicMessages)
        #expect(event.client.ip == "203.0.113.7")
        #expect(event.client.userAgent == "anthropic-python/0.49.0")
        #expect(event.client.asn == 64500)
        #expect(event.client.asnOrg == "Example Cloud")
        #expect(event.client.country == "SG")
        #expect(event.client.tlsFingerprint == "t13d1516h2_8daaf6152771_02713d6af862")
        #expect(event.client.httpFingerprint == "h2:1:65536")
        #expect(event.account.createdAt?.rfc3339 == "2026-01-28T09:12:00Z")
        #expect(event.account.tier == "education")
        #expect(event.account.paymentFingerprint == "pm_91c2")
        #expect(event.account.emailDomain == "mail.example.edu")
        #expect(event.account.verified == false)
        #expect(event.account.declaredCountry == "US")
        #expect(event.status == 200)
        #expect(event.latencyMs == 5120.5)
        #expect(event.endUserID == "u-42")
        #expect(event.usage == Usage(inputTokens: 412, outputTokens: 3310))
    }

    @Test func anthropicThinkingWithBudget() throws {
        let x = try EventDecoder.decode(line: EventFixtures.anthropicThinking).exchange
        #expect(x.model == "claude-sonnet-4-5")
        #expect(x.system == "You are an expert data analyst.")
        #expect(x.maxOutputTokens == 8192)
        #expect(x.reasoning.enabled && x.reasoning.mode == "enabled" && x.reasoning.budgetTokens == 6000)
        #expect(x.sampling.temperature == 1)
        #expect(x.lastUserText.hasPrefix("Think step by step"))
        #expect(x.outputText == "The answer is 391.")
        #expect(x.reasoningText == "17*23 = 391")
        #expect(x.stopReason == "end_turn")
    }

    @Test func anthropicBlocksToolsAndAdaptiveThinking() throws {
        let event = try EventDecoder.decode(line: EventFixtures.anthropicBlocks)
        let x = event.exchange
        #expect(event.timestamp.rfc3339 == "2026-02-01T04:00:00.250Z")
        #expect(x.system == "You are a coding agent.\n\nUse the tools.")
        #expect(x.reasoning.enabled && x.reasoning.mode == "adaptive" && x.reasoning.effort == "high")
        #expect(x.stream)
        #expect(
            x.tools == [
                ToolDefinition(name: "run_tests", description: "Run the test suite"),
                ToolDefinition(name: "computer", kind: "computer_20250124"),
            ])
        #expect(x.turns.count == 3)
        #expect(x.turns[0].attachments == [.image, .document])
        #expect(x.turns[1].thinking == "I should run the tests.")
        #expect(x.turns[1].toolCalls == [ToolCall(id: "toolu_1", name: "run_tests", arguments: #"{"path":"tests/"}"#)])
        #expect(x.turns[2].toolResults == [ToolResult(callID: "toolu_1", content: "2 failed", isError: true)])
        #expect(x.lastUserText == "Fix them.")
        #expect(x.reasoningRedacted)
        #expect(x.outputToolCalls.map(\.name) == ["run_tests"])
        #expect(x.outputText == "Fixed.")
    }

    @Test func anthropicErrorBody() throws {
        let event = try EventDecoder.decode(line: EventFixtures.anthropicError)
        #expect(event.exchange.error == ResponseError(type: "rate_limit_error", message: "Number of requests has exceeded your rate limit"))
        #expect(event.status == 429)
    }

    @Test func openAIChatContractExample() throws {
        let event = try EventDecoder.decode(line: EventFixtures.openAIChat)
        let x = event.exchange
        #expect(x.system == "You are a coding agent.")
        #expect(x.sampling.n == 4)
        #expect(x.reasoning.enabled && x.reasoning.effort == "high")
        #expect(x.tools == [ToolDefinition(name: "run_tests", description: "Run the test suite")])
        #expect(event.usage == Usage(inputTokens: 900, outputTokens: 2100, reasoningTokens: 1500))
        #expect(event.response == nil)
    }

    @Test func openAIChatPartsToolsAndChoices() throws {
        let event = try EventDecoder.decode(line: EventFixtures.openAIChatParts)
        let x = event.exchange
        #expect(x.system == "Answer briefly.")
        #expect(x.maxOutputTokens == 32768, "max_completion_tokens wins over the deprecated max_tokens")
        #expect(x.sampling.temperature == 0.7 && x.sampling.topP == 0.9 && x.sampling.n == 2)
        #expect(x.requestEndUserID == "end-user-9")
        #expect(event.endUserID == "env-user", "the envelope's end_user_id wins over the request's")
        #expect(x.turns[0].attachments == [.image, .audio])
        #expect(x.turns[1].toolCalls == [ToolCall(id: "call_1", name: "lookup", arguments: #"{"q":"cat"}"#)])
        #expect(x.turns[2].role == .tool && x.turns[2].toolResults == [ToolResult(callID: "call_1", content: "a cat")])
        #expect(x.outputs == ["A cat.", "A small cat."])
        #expect(event.usage == Usage(inputTokens: 50, outputTokens: 400, reasoningTokens: 320))
    }

    @Test func openAIChatErrorBody() throws {
        let x = try EventDecoder.decode(line: EventFixtures.openAIChatError).exchange
        #expect(x.error == ResponseError(type: "insufficient_quota", message: "You exceeded your current quota"))
    }

    @Test func openAIResponsesStringInput() throws {
        let event = try EventDecoder.decode(line: EventFixtures.openAIResponsesString)
        let x = event.exchange
        #expect(x.system == "You are a careful mathematician.")
        #expect(x.lastUserText == "Prove that there are infinitely many primes.")
        #expect(x.reasoning.enabled && x.reasoning.effort == "high")
        #expect(x.maxOutputTokens == 100000)
        #expect(event.endUserID == "sid-1")
        #expect(x.reasoningText == "Euclid's argument.")
        #expect(x.outputText == "Assume finitely many primes...")
        #expect(x.error == nil, "a Responses object's \"error\": null is not an error")
        #expect(event.usage == Usage(inputTokens: 30, outputTokens: 900, reasoningTokens: 600))
    }

    @Test func openAIResponsesItemsAndTools() throws {
        let x = try EventDecoder.decode(line: EventFixtures.openAIResponsesItems).exchange
        #expect(x.system == "Be terse.")
        #expect(x.turns.map(\.role) == [.user, .assistant, .tool])
        #expect(x.turns[0].attachments == [.image])
        #expect(x.turns[1].toolCalls == [ToolCall(id: "fc_1", name: "get_weather", arguments: #"{"city":"Paris"}"#)])
        #expect(x.turns[2].toolResults == [ToolResult(callID: "fc_1", content: "18C")])
        #expect(x.tools.map(\.kind) == ["function", "computer_use_preview"])
        #expect(x.outputToolCalls.map(\.name) == ["get_weather"])
        #expect(x.outputText == "18C in Paris.")
    }

    @Test func openAIResponsesErrorBody() throws {
        let x = try EventDecoder.decode(line: EventFixtures.openAIResponsesError).exchange
        #expect(x.error?.type == "invalid_request_error")
    }

    @Test(arguments: [
        (
            #"{"timestamp":"2026-02-01T00:00:00Z","account_id":"a","api":"openai.responses","request":{}}"#,
            EventRejection.Code.missingField, "id"
        ),
        (#"{"id":"1","account_id":"a","api":"openai.responses","request":{}}"#, .missingField, "timestamp"),
        (#"{"id":"1","timestamp":"2026-02-01T00:00:00Z","api":"openai.responses","request":{}}"#, .missingField, "account_id"),
        (#"{"id":"1","timestamp":"2026-02-01T00:00:00Z","account_id":"a","request":{}}"#, .missingField, "api"),
        (#"{"id":"1","timestamp":"2026-02-01T00:00:00Z","account_id":"a","api":"openai.responses"}"#, .missingField, "request"),
        (#"{"id":7,"timestamp":"2026-02-01T00:00:00Z","account_id":"a","api":"openai.responses","request":{}}"#, .wrongType, "id"),
        (#"{"id":"1","timestamp":"2026-02-01","account_id":"a","api":"openai.responses","request":{}}"#, .invalidValue, "timestamp"),
        (#"{"id":"1","timestamp":"2026-02-01T00:00:00Z","account_id":"a","api":"google.gemini","request":{}}"#, .invalidValue, "api"),
        (#"{"id":"1","timestamp":"2026-02-01T00:00:00Z","account_id":"a","api":"openai.responses","request":"hi"}"#, .wrongType, "request"),
        (
            #"{"id":"1","timestamp":"2026-02-01T00:00:00Z","account_id":"a","api":"openai.responses","request":{},"client":{"asn":"AS64500"}}"#,
            .wrongType, "client.asn"
        ),
        (
            #"{"id":"1","timestamp":"2026-02-01T00:00:00Z","account_id":"a","api":"openai.responses","request":{},"account":{"verified":"yes"}}"#,
            .wrongType, "account.verified"
        ),
        (
            #"{"id":"1","timestamp":"2026-02-01T00:00:00Z","account_id":"a","api":"openai.responses","request":{},"usage":{"input_tokens":1.5}}"#,
            .wrongType, "usage.input_tokens"
        ),
        (
            #"{"id":"1","timestamp":"2026-02-01T00:00:00Z","account_id":"a","api":"anthropic.messages","request":{"messages":[{"role":"user","content":42}]}}"#,
            .wrongType, "request.messages[0].content"
        ),
        (
            #"{"id":"1","timestamp":"2026-02-01T00:00:00Z","account_id":"a","api":"anthropic.messages","request":{"messages":[{"role":"user","content":[{"type":"text"}]}]}}"#,
            .missingField, "request.messages[0].content[0].text"
        ),
        (
            #"{"id":"1","timestamp":"2026-02-01T00:00:00Z","account_id":"a","api":"anthropic.messages","request":{"thinking":{"type":"enabled","budget_tokens":"lots"}}}"#,
            .wrongType, "request.thinking.budget_tokens"
        ),
        (
            #"{"id":"1","timestamp":"2026-02-01T00:00:00Z","account_id":"a","api":"openai.chat_completions","request":{"n":"4"}}"#,
            .wrongType, "request.n"
        ),
        (
            #"{"id":"1","timestamp":"2026-02-01T00:00:00Z","account_id":"a","api":"openai.chat_completions","request":{"messages":[{"role":"robot","content":"x"}]}}"#,
            .invalidValue, "request.messages[0].role"
        ),
        (
            #"{"id":"1","timestamp":"2026-02-01T00:00:00Z","account_id":"a","api":"openai.responses","request":{"input":5}}"#, .wrongType,
            "request.input"
        ),
        (
            #"{"id":"1","timestamp":"2026-02-01T00:00:00Z","account_id":"a","api":"openai.responses","request":{"reasoning":{"effort":3}}}"#,
            .wrongType, "request.reasoning.effort"
        ),
        (
            #"{"id":"1","timestamp":"2026-02-01T00:00:00Z","account_id":"a","api":"openai.responses","request":{},"response":{"output":[{"type":"message","content":[{"type":"output_text","text":false}]}]}}"#,
            .wrongType, "response.output[0].content[0].text"
        ),
        (#"[1,2]"#, .notAnObject, ""),
    ])
    func rejectsWithThePreciseField(line: String, code: EventRejection.Code, field: String) {
        #expect {
            _ = try EventDecoder.decode(line: line)
        } throws: { error in
            guard let rejection = error as? EventRejection else { return false }
            return rejection.code == code && rejection.field == field
        }
    }

    @Test func unknownFieldsAreIgnoredAndAbsentOptionalsAreFine() throws {
        let line =
            #"{"id":"1","timestamp":"2026-02-01T00:00:00Z","account_id":"a","api":"openai.responses","request":{"input":"hi","new_param":{"deep":[1]}},"mystery":true,"client":{"future":1}}"#
        let event = try EventDecoder.decode(line: line)
        #expect(event.exchange.lastUserText == "hi")
        #expect(event.client == ClientInfo())
        #expect(event.usage == Usage())
    }

    @Test func keepsTheNativeRequestAndResponse() throws {
        let event = try EventDecoder.decode(line: EventFixtures.anthropicBlocks)
        #expect(event.request["an_unknown_field"] == ["x": 1])
        #expect(event.response?["stop_reason"] == "tool_use")
    }

    @Test func everyFixtureDecodes() throws {
        for line in EventFixtures.all {
            _ = try EventDecoder.decode(line: line)
        }
    }
}
