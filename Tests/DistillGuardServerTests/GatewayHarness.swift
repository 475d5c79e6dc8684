import AsyncHTTPClient
import DistillGuardCore
import DistillGuardServer
import DistillGuardTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOHTTP1

/// A mock upstream and a gateway in front of it, both on real loopback sockets.
struct GatewayHarness {
    static let upstreamKey = "sk-upstream-test"
    /// Client keys of the default configuration, by account.
    static let clientKeys = ["acct_a": "sk-client-a", "acct_b": "sk-client-b", "acct_c": "sk-client-c", "acct_d": "sk-client-d"]

    let gatewayURL: String
    let upstreamURL: String
    let gateway: Gateway
    let directory: TemporaryDirectory

    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: JSONValue? { try? JSONParser.parse(body) }
    }

    /// Runs `body` against a fresh mock upstream and gateway; `configure` adjusts the gateway's configuration.
    static func run(
        configure: @Sendable (inout GatewayConfiguration) -> Void = { _ in }, _ body: @Sendable (GatewayHarness) async throws -> Void
    ) async throws {
        let directory = TemporaryDirectory()
        let logger = { () -> Logger in
            var logger = Logger(label: "test")
            logger.logLevel = .warning
            return logger
        }()
        try await MockUpstream(apiKey: upstreamKey).application(port: 0, logger: logger).test(.live) { upstream in
            let upstreamURL = "http://127.0.0.1:\(upstream.port!)"
            var config = GatewayConfiguration()
            config.port = 0
            config.upstreams = [
                .anthropic: .init(url: upstreamURL, apiKey: upstreamKey), .openai: .init(url: upstreamURL, apiKey: upstreamKey),
            ]
            config.keys = clientKeys.sorted { $0.key < $1.key }.map { account, key in
                GatewayConfiguration.ClientKey(sha256: GatewayConfiguration.sha256Hex(key), keyID: "key_" + account, accountID: account)
            }
            config.analysis.eventLog = directory.file("events.jsonl")
            config.analysis.refreshSeconds = 0.2
            configure(&config)
            let gateway = try await Gateway.start(configuration: config, logger: logger)
            do {
                try await buildGatewayApplication(gateway, logger: logger).test(.live) { client in
                    try await body(
                        GatewayHarness(
                            gatewayURL: "http://127.0.0.1:\(client.port!)", upstreamURL: upstreamURL, gateway: gateway, directory: directory
                        ))
                }
            } catch {
                try await gateway.shutdown()
                throw error
            }
            try await gateway.shutdown()
        }
    }

    /// How long a test request may take: only a guard against a hang (see `Wait.hangGuard`).
    static let requestTimeout = TimeAmount.seconds(Int64(Wait.hangGuard.components.seconds))

    /// POSTs a JSON body with the headers given.
    static func post(_ url: String, _ body: String, headers: [(String, String)] = []) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: Self.requestTimeout)
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Array(bytes.readableBytesView))
    }

    static func get(_ url: String, headers: [(String, String)] = []) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: Self.requestTimeout)
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Array(bytes.readableBytesView))
    }

    /// The authentication header of an API for a key.
    static func auth(_ path: String, key: String) -> [(String, String)] {
        path.hasPrefix("/v1/messages") ? [("x-api-key", key), ("anthropic-version", "2023-06-01")] : [("authorization", "Bearer " + key)]
    }

    /// A request through the gateway as account `account`.
    func call(_ path: String, _ body: String, account: String = "acct_a", extraHeaders: [(String, String)] = []) async throws -> Reply {
        try await Self.post(gatewayURL + path, body, headers: Self.auth(path, key: Self.clientKeys[account] ?? account) + extraHeaders)
    }

    /// The same request straight to the upstream.
    func direct(_ path: String, _ body: String) async throws -> Reply {
        try await Self.post(upstreamURL + path, body, headers: Self.auth(path, key: Self.upstreamKey))
    }

    /// What the upstream last received.
    func lastUpstreamRequest() async throws -> (headers: JSONValue, body: JSONValue?) {
        let reply = try await Self.get(upstreamURL + "/mock/last")
        let json = try require(reply.json, "mock /last answered no JSON")
        return (json["headers"] ?? .null, json["body"]?.stringValue.flatMap { try? JSONParser.parse($0) })
    }

    /// Waits until analysis has published a snapshot satisfying `condition`.
    func waitForSnapshot(_ condition: (EnforcementSnapshot) -> Bool) async throws {
        try await Wait.until("a published snapshot that satisfies the test's condition") { condition(gateway.analysis.snapshot) }
    }

    /// The event log's lines, decoded, once the gateway has handled `exchanges` exchanges (a
    /// streamed exchange is recorded when its stream ends, which can be just after the client has
    /// read the last byte) and analysis has settled.
    func loggedEvents(exchanges: Int) async throws -> [Event] {
        try await waitForDrain(exchanges: exchanges)
        return try readLog()
    }

    /// The event log's lines as they are now.
    func readLog() throws -> [Event] {
        let text = directory.read("events.jsonl") ?? ""
        return try text.split(separator: "\n").map { try EventDecoder.decode(line: String($0)) }
    }

    /// Waits until the gateway has handled `exchanges` exchanges and every one is analyzed, logged,
    /// stored (or forwarded) and in the published snapshot.
    func waitForDrain(exchanges: Int) async throws {
        let analysis = gateway.analysis
        // The gateway submits an exchange once its response has ended, which can be just after
        // the client has read it: first every exchange is submitted, then analysis drains.
        try await Wait.until("the gateway to submit \(exchanges) exchanges for analysis (at \(analysis.health.analyzed))") {
            let health = analysis.health
            return health.analyzed + health.queued + health.rejected + health.dropped >= exchanges
        }
        try await Wait.on("gateway analysis to drain after \(exchanges) exchanges") { await analysis.drain() }
    }
}

/// `#require` for a plain throwing context outside a test body.
func require<T>(_ value: T?, _ message: String = "missing value") throws -> T {
    guard let value else { throw HarnessError(message: message) }
    return value
}

struct HarnessError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
