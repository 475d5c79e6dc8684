import AsyncHTTPClient
import DistillGuardCore
import DistillGuardServer
import DistillGuardTesting
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Faults at the edge, over real sockets: an upstream that is slow, stalls, resets or sends what
/// it should not, and a client that goes away. For each, what the client receives, what is
/// recorded, and that the request ends (no hang past the configured timeouts).
///
/// Timeouts here only ever make a request end: no expectation depends on how fast the machine is.
/// The idle timeout is ten minutes unless a test is about it (a stall), so that a busy machine
/// that takes seconds to deliver an upstream's close cannot turn a broken response into a timeout.
@Suite struct GatewayFaultTests {
    static let anthropicRequest = #"{"model":"m","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"Tell me a story"}]}"#
    static let chatRequest = #"{"model":"m","stream":true,"messages":[{"role":"user","content":"Tell me a story"}]}"#
    static let responsesRequest = #"{"model":"m","stream":true,"input":"Tell me a story"}"#
    static let plainRequest = #"{"model":"m","max_tokens":64,"messages":[{"role":"user","content":"Tell me a story"}]}"#

    static let streamHead = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
    /// A stream whose end is the connection's end (no length, no chunks), as HTTP/1.1 allows.
    static let closeDelimitedStreamHead = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n"

    static func chunk(_ text: String) -> String { String(text.utf8.count, radix: 16) + "\r\n" + text + "\r\n" }

    static let anthropicOpening = [
        #"event: message_start"# + "\n"
            + #"data: {"type":"message_start","message":{"id":"msg_f","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"usage":{"input_tokens":5,"output_tokens":1}}}"#
            + "\n\n",
        #"event: content_block_start"# + "\n" + #"data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#
            + "\n\n",
        #"event: content_block_delta"# + "\n"
            + #"data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Once upon a time"}}"# + "\n\n",
    ]

    static func chatChunk(_ text: String) -> String {
        #"data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"\#(text)"},"finish_reason":null}]}"#
            + "\n\n"
    }

    /// A gateway whose upstreams are a `FaultyUpstream` playing `script`.
    static func run(
        _ script: [FaultyUpstream.Step], timeout: Double = 600, idleTimeout: Double = 600,
        _ body: @Sendable (GatewayHarness, FaultyUpstream) async throws -> Void
    ) async throws {
        let upstream = try await FaultyUpstream.start(script)
        do {
            try await GatewayHarness.run(configure: { config in
                config.upstreams = [
                    .anthropic: .init(url: upstream.url, apiKey: "sk-upstream"), .openai: .init(url: upstream.url, apiKey: "sk-upstream"),
                ]
                config.upstreamTimeoutSeconds = timeout
                config.upstreamIdleTimeoutSeconds = idleTimeout
            }) { harness in try await body(harness, upstream) }
        } catch {
            try await upstream.stop()
            throw error
        }
        try await upstream.stop()
    }

    /// The value of one series in the gateway's `/metrics`.
    static func metric(_ harness: GatewayHarness, _ series: String) async throws -> Double? {
        let text = try await GatewayHarness.get(harness.gatewayURL + "/metrics").text
        let line = text.split(separator: "\n").first { $0.hasPrefix(series + " ") }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    /// The data of each server-sent event in `text`, with its event name.
    static func events(_ text: String) -> [(name: String?, data: String)] {
        text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n").compactMap { block in
            var name: String?
            var data: [String] = []
            for line in block.split(separator: "\n") {
                if line.hasPrefix("event:") { name = line.dropFirst(6).trimmingCharacters(in: .whitespaces) }
                if line.hasPrefix("data:") { data.append(line.dropFirst(5).trimmingCharacters(in: .whitespaces)) }
            }
            return data.isEmpty ? nil : (name, data.joined(separator: "\n"))
        }
    }

    @Test func anUpstreamSlowToAnswerGets504InTheAPIsShapeAndIsRecorded() async throws {
        // The upstream reads the request and never answers.
        try await Self.run([], timeout: 0.5) { harness, upstream in
            let reply = try await harness.call("/v1/messages", Self.plainRequest)
            #expect(reply.status == 504)
            #expect(reply.json?["type"]?.stringValue == "error" && reply.json?["error"]?["code"]?.stringValue == "upstream_timeout")
            let events = try await harness.loggedEvents(exchanges: 1)
            #expect(events.map(\.status) == [504])
            #expect(events.first?.exchange.error != nil, "the recorded response is the error body the client got")
            try await Wait.until("the gateway to give up its upstream connection") { upstream.observations.closedByPeer == 1 }
            #expect(try await Self.metric(harness, #"dg_gateway_upstream_errors_total{api="anthropic.messages",kind="timeout"}"#) == 1)
        }
    }

    @Test func aStreamThatStallsEndsWithAnErrorEventAfterTheIdleTimeout() async throws {
        let script: [FaultyUpstream.Step] = [.send(Self.streamHead + Self.anthropicOpening.map(Self.chunk).joined())]
        try await Self.run(script, idleTimeout: 3) { harness, upstream in
            let reply = try await harness.call("/v1/messages", Self.anthropicRequest)
            #expect(reply.status == 200)
            let events = Self.events(reply.text)
            #expect(events.count == 4, "the three events sent, then the gateway's error event")
            #expect(reply.text.hasPrefix(Self.anthropicOpening.joined()), "what the upstream sent passes unchanged")
            #expect(events.last?.name == "error")
            let error = try JSONParser.parse(events.last?.data ?? "")
            #expect(error["type"]?.stringValue == "error" && error["error"]?["type"]?.stringValue == "api_error")
            #expect(error["error"]?["code"]?.stringValue == "upstream_timeout")
            let logged = try await harness.loggedEvents(exchanges: 1)
            #expect(logged.first?.status == 200)
            #expect(logged.first?.exchange.outputText == "Once upon a time", "the part of the answer that was delivered is recorded")
            try await Wait.until("the gateway to close the stalled upstream connection") { upstream.observations.closedByPeer == 1 }
            #expect(
                try await Self.metric(harness, #"dg_gateway_stream_interruptions_total{api="anthropic.messages",cause="upstream_timeout"}"#)
                    == 1)
        }
    }

    @Test func aStreamTheUpstreamResetsEndsWithAnErrorChunk() async throws {
        let script: [FaultyUpstream.Step] = [
            .send(Self.streamHead + Self.chunk(Self.chatChunk("Once ")) + Self.chunk(Self.chatChunk("upon"))), .pause(milliseconds: 50),
            .reset,
        ]
        try await Self.run(script) { harness, _ in
            let reply = try await harness.call("/v1/chat/completions", Self.chatRequest)
            #expect(reply.status == 200)
            let events = Self.events(reply.text)
            #expect(events.count == 3)
            #expect(events.last?.name == nil, "Chat Completions errors mid-stream are a data line holding an `error` object")
            let error = try JSONParser.parse(events.last?.data ?? "")
            #expect(error["error"]?["code"]?.stringValue == "upstream_broken" && error["error"]?["type"]?.stringValue == "server_error")
            let logged = try await harness.loggedEvents(exchanges: 1)
            #expect(logged.first?.exchange.outputText == "Once upon")
            #expect(
                try await Self.metric(
                    harness, #"dg_gateway_stream_interruptions_total{api="openai.chat_completions",cause="upstream_broken"}"#) == 1)
        }
    }

    @Test func malformedEventsPassThroughUnchangedAndTheExchangeIsStillRecorded() async throws {
        let body =
            "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\",\"status\":\"in_progress\"\n\n"
            + "data: not json at all\n\n" + ": a comment line\n"
            + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"Hi\"}\n\n"
            + "garbage without a field name\r\n\r\n" + "event: response.output_text.delta\ndata: {\"delta\": 42}\n\n"
            + "\u{FEFF}data: \u{1F600}\n\n"
        try await Self.run([.send(Self.closeDelimitedStreamHead + body), .close]) { harness, _ in
            let reply = try await harness.call("/v1/responses", Self.responsesRequest)
            #expect(reply.status == 200)
            #expect(reply.text == body, "the gateway passes the stream on byte for byte, malformed or not")
            let logged = try await harness.loggedEvents(exchanges: 1)
            #expect(logged.count == 1 && logged.first?.status == 200)
        }
    }

    @Test func aBodyShorterThanItsContentLengthGets502AndIsRecorded() async throws {
        let json = #"{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"cut"#
        let script: [FaultyUpstream.Step] = [
            .send("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n" + json), .pause(milliseconds: 50),
            .close,
        ]
        try await Self.run(script) { harness, _ in
            let reply = try await harness.call("/v1/messages", Self.plainRequest)
            #expect(reply.status == 502)
            #expect(reply.json?["error"]?["code"]?.stringValue == "upstream_broken")
            let logged = try await harness.loggedEvents(exchanges: 1)
            #expect(logged.map(\.status) == [502])
        }
    }

    @Test func aBodyThatStopsShortOfItsContentLengthAndStallsGets504() async throws {
        let script: [FaultyUpstream.Step] = [
            .send("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"id\":")
        ]
        try await Self.run(script, idleTimeout: 3) { harness, upstream in
            let reply = try await harness.call("/v1/chat/completions", Self.plainRequest)
            #expect(reply.status == 504)
            #expect(reply.json?["error"]?["code"]?.stringValue == "upstream_timeout")
            try await Wait.until("the gateway to close the stalled upstream connection") { upstream.observations.closedByPeer == 1 }
        }
    }

    @Test func aBodyLongerThanItsContentLengthIsCutWhereTheUpstreamSaidItEnds() async throws {
        let declared = #"{"error":"short"}"#
        let script: [FaultyUpstream.Step] = [
            .send(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: \(declared.utf8.count)\r\n\r\n" + declared
                    + "TRAILING BYTES THE UPSTREAM DID NOT DECLARE")
        ]
        try await Self.run(script) { harness, _ in
            let reply = try await harness.call("/v1/chat/completions", Self.plainRequest)
            #expect(reply.status == 200 && reply.text == declared)
            let logged = try await harness.loggedEvents(exchanges: 1)
            #expect(logged.map(\.status) == [200])
        }
    }

    @Test func aClientThatGoesAwayCancelsTheUpstreamRequestAndTheExchangeIsRecorded() async throws {
        // The upstream keeps sending (as real APIs do, with pings) until the gateway hangs up.
        let script: [FaultyUpstream.Step] =
            [.send(Self.streamHead + Self.chunk(Self.anthropicOpening.joined()))]
            + (0..<600).flatMap { _ in
                [FaultyUpstream.Step.pause(milliseconds: 100), .send(Self.chunk("event: ping\ndata: {\"type\": \"ping\"}\n\n"))]
            }
        try await Self.run(script, idleTimeout: 600) { harness, upstream in
            var request = HTTPClientRequest(url: harness.gatewayURL + "/v1/messages")
            request.method = .POST
            for (name, value) in GatewayHarness.auth("/v1/messages", key: GatewayHarness.clientKeys["acct_a"]!) {
                request.headers.add(name: name, value: value)
            }
            request.body = .bytes(ByteBuffer(string: Self.anthropicRequest))
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
            do {
                let response = try await client.execute(request, timeout: GatewayHarness.requestTimeout)
                #expect(response.status.code == 200)
                var received = ""
                for try await piece in response.body {
                    received += String(buffer: piece)
                    if received.contains("Once upon a time") { break }
                }
                // Leaving the body early makes the client close its connection to the gateway.
            } catch {
                try await client.shutdown()
                throw error
            }
            try await client.shutdown()
            try await Wait.until("the gateway to cancel the upstream request") { upstream.observations.closedByPeer == 1 }
            let logged = try await harness.loggedEvents(exchanges: 1)
            #expect(logged.first?.exchange.outputText == "Once upon a time")
            #expect(
                try await Self.metric(
                    harness, #"dg_gateway_stream_interruptions_total{api="anthropic.messages",cause="client_disconnected"}"#) == 1)
        }
    }
}
