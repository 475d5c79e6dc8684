import DistillGuardCore
import Foundation
import Testing

/// `answer_continuation`: requests that re-send an answer the same account received earlier.
struct AnswerContinuityTests {
    /// An Anthropic exchange: `history` re-sent (user and assistant turns alternating), the new
    /// prompt, and the answer the model gave.
    static func exchange(
        _ id: String, account: String, minute: Int, history: [String] = [], prompt: String, answer: String, toolCall: Bool = false
    ) throws -> (Event, ExchangeFeatures) {
        var messages: [JSONValue] = history.enumerated().map { index, text in
            ["role": .string(index % 2 == 0 ? "user" : "assistant"), "content": .string(text)]
        }
        messages.append(["role": "user", "content": .string(prompt)])
        var content: [JSONValue] = [["type": "text", "text": .string(answer)]]
        if toolCall { content = [["type": "tool_use", "id": "toolu_1", "name": "read_file", "input": ["path": .string(answer)]]] }
        let body: JSONValue = [
            "id": .string(id), "timestamp": .string(String(format: "2026-02-02T10:%02d:00Z", minute)), "account_id": .string(account),
            "api": "anthropic.messages",
            "request": [
                "model": "claude-sonnet-4-5", "max_tokens": 64000, "thinking": ["type": "enabled", "budget_tokens": 31999],
                "messages": .array(messages),
            ],
            "response": [
                "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5", "content": .array(content),
                "usage": ["input_tokens": 100, "output_tokens": 200],
            ],
        ]
        let event = try EventDecoder.decode(line: body.description)
        return (event, ExchangeFeatures(event))
    }

    static func continuation(_ exchanges: [(Event, ExchangeFeatures)]) throws -> Double {
        var engine = DetectionEngine()
        for (event, features) in exchanges { engine.ingest(event, features) }
        let account = try #require(engine.signalsByAccount().first)
        return account.signals["answer_continuation"]
    }

    @Test func aCodingAgentSessionBuildsOnEveryAnswerItReceived() throws {
        // A tool loop: every request re-sends the task and all the answers so far, as agents do.
        var history: [String] = []
        var exchanges: [(Event, ExchangeFeatures)] = []
        for step in 0..<8 {
            let answer = "Step \(step): I read src/app/module\(step).py and will now change the parser to handle empty input."
            let prompt = step == 0 ? "Fix the failing test in src/app/parser_test.py" : "Tool result for step \(step - 1): ok"
            exchanges.append(
                try Self.exchange("a\(step)", account: "agent", minute: step, history: history, prompt: prompt, answer: answer))
            history += [prompt, answer]
        }
        #expect(try Self.continuation(exchanges) == 7.0 / 8.0, "every request after the first re-sends a received answer")
    }

    @Test func aToolCallWithoutTextCountsByItsArguments() throws {
        let first = try Self.exchange("t0", account: "agent", minute: 0, prompt: "List the files", answer: "src/main.py", toolCall: true)
        // The client re-sends the call as an assistant turn of tool_use blocks, with no text.
        let resent: JSONValue = [
            "id": "t1", "timestamp": "2026-02-02T10:01:00Z", "account_id": "agent", "api": "anthropic.messages",
            "request": [
                "model": "claude-sonnet-4-5", "max_tokens": 1000,
                "messages": [
                    ["role": "user", "content": "List the files"],
                    [
                        "role": "assistant",
                        "content": [["type": "tool_use", "id": "toolu_1", "name": "read_file", "input": ["path": "src/main.py"]]],
                    ],
                    ["role": "user", "content": [["type": "tool_result", "tool_use_id": "toolu_1", "content": "print('hi')"]]],
                ],
            ],
        ]
        let event = try EventDecoder.decode(line: resent.description)
        #expect(try Self.continuation([first, (event, ExchangeFeatures(event))]) == 0.5)
    }

    @Test func independentPromptsAndForgedHistoriesDoNotCount() throws {
        // A harvest: one-shot prompts, and "conversations" whose assistant turns the account was
        // never given (made up, or another account's answers).
        var exchanges: [(Event, ExchangeFeatures)] = []
        for index in 0..<6 {
            exchanges.append(
                try Self.exchange(
                    "h\(index)", account: "harvester", minute: index, prompt: "Solve problem \(index) and show every step.",
                    answer: "Answer \(index) with a long derivation."))
        }
        for index in 0..<4 {
            exchanges.append(
                try Self.exchange(
                    "f\(index)", account: "harvester", minute: 10 + index,
                    history: ["Solve problem \(index).", "Here is a made-up earlier answer \(index) the model never gave."],
                    prompt: "Now explain it in more detail.", answer: "Detailed answer \(index)."))
        }
        #expect(try Self.continuation(exchanges) == 0)
    }

    @Test func reSentAnswersMatchDespiteWhiteSpaceTheClientChanged() {
        let received = AnswerFingerprint.of(text: "Here is the plan:\n\n1. Read the file.\n2. Fix it.  ", toolCalls: [])
        let resent = AnswerFingerprint.of(text: "Here is the plan:\n1. Read the file.\n2. Fix it.", toolCalls: [])
        #expect(received != nil && received == resent)
        #expect(AnswerFingerprint.of(text: "  \n ", toolCalls: []) == nil, "nothing said, nothing to match")
    }

    /// Fingerprints are kept in checkpoints, so the way they are computed must not change: the
    /// first 400 bytes, white space runs folded to one space, none at either end, hashed by
    /// `StableHash` (written out here as the reference), a space before the 400th byte included.
    @Test func fingerprintsAreTheStableHashOfTheFoldedPrefix() {
        func reference(_ text: String) -> UInt64? {
            var folded: [UInt8] = []
            var pendingSpace = false
            for byte in text.utf8 {
                if folded.count >= 400 { break }
                if [0x20, 0x0A, 0x09, 0x0D].contains(byte) {
                    pendingSpace = !folded.isEmpty
                    continue
                }
                if pendingSpace { folded.append(0x20) }
                pendingSpace = false
                folded.append(byte)
            }
            return folded.isEmpty ? nil : folded.withUnsafeBytes { StableHash.hash($0) }
        }
        let words = String(repeating: "word ", count: 200)
        for shift in 0..<8 {
            let text = String(repeating: "x", count: shift) + words + "\n\n tail é"
            #expect(AnswerFingerprint.of(text: text, toolCalls: []) == reference(text), "\(shift)")
            let edge = String(repeating: "y", count: 398 + shift % 3) + "  z" + words
            #expect(AnswerFingerprint.of(text: edge, toolCalls: []) == reference(edge), "\(shift)")
        }
        let call = ToolCall(id: "c1", name: "read_file", arguments: #"{"path":"a.swift"}"#)
        #expect(AnswerFingerprint.of(text: " ", toolCalls: [call]) == reference(#"tool read_file {"path":"a.swift"}"#))
    }
}
