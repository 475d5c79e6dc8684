import DistillGuardCore
import DistillGuardServer
import DistillGuardTesting
import Foundation
import NIOHTTP1
import Testing

/// The policy's `watermark` action on live sockets: responses and streams of the three APIs.
struct GatewayWatermarkTests {
    static let prompt = "Usually we often verify results quickly; maybe someone improved them"

    static let requests: [(path: String, api: Event.API, body: String)] = [
        ("/v1/messages", .anthropicMessages, #"{"model":"claude-x","max_tokens":100,"messages":[{"role":"user","content":"\#(prompt)"}]}"#),
        ("/v1/chat/completions", .openAIChatCompletions, #"{"model":"gpt-x","messages":[{"role":"user","content":"\#(prompt)"}]}"#),
        ("/v1/responses", .openAIResponses, #"{"model":"gpt-x","input":"\#(prompt)"}"#),
    ]

    static func answer(_ body: JSONObject, api: Event.API) -> String? {
        ResponseText.of(body, api: api).answer
    }

    @Test func watermarksOnlyTheAccountsThePolicyNamesInBodiesAndStreams() async throws {
        let environment = ["DG_TEST_WATERMARK_KEY": "gateway-test-watermark-key-0001"]
        let policy = try Policy.parse(
            #"{"watermark": {"key_env": "DG_TEST_WATERMARK_KEY", "active_share": 1}, "rules": [{"name": "mark-a", "when": {"accounts": ["acct_a"]}, "action": "watermark"}]}"#,
            file: "policy.json", environment: environment)
        let watermark = try #require(policy.watermark)
        try await GatewayHarness.run(configure: { $0.policy = policy }) { harness in
            for (path, api, body) in Self.requests {
                let direct = try await harness.direct(path, body)
                let directBody = try #require(direct.json?.objectValue)
                let original = try #require(Self.answer(directBody, api: api))
                let expected = watermark.apply(to: original)
                #expect(expected != original, "the key changes this answer")

                let marked = try await harness.call(path, body, account: "acct_a")
                #expect(marked.status == 200)
                let markedBody = try #require(marked.json?.objectValue)
                #expect(Self.answer(markedBody, api: api) == expected)
                #expect(marked.headers.first(name: "x-distillguard-action") == nil, "the watermark is not announced")

                let plain = try await harness.call(path, body, account: "acct_b")
                #expect(plain.body == direct.body, "other accounts get the upstream's bytes")

                let streamBody = String(body.dropLast()) + #","stream":true}"#
                let stream = try await harness.call(path, streamBody, account: "acct_a")
                var reassembler = StreamReassembler(api: api)
                reassembler.feed(stream.body)
                let reassembled = reassembler.finish()
                let finished = try #require(reassembled)
                #expect(Self.answer(finished, api: api) == expected, "\(api.rawValue) stream")
            }
            let events = try await harness.loggedEvents(exchanges: 9)
            #expect(events.count == 9)
        }
    }
}
