import AsyncHTTPClient
import DistillGuardCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// The inline enforcement point: a reverse proxy in front of the Anthropic and OpenAI APIs that
/// decides each request by the policy, passes allowed traffic through byte for byte, and feeds
/// every exchange to `LiveAnalysis`.
public final class Gateway: Sendable {
    let configuration: GatewayConfiguration
    let keys: [String: GatewayConfiguration.ClientKey]
    let client: HTTPClient
    public let analysis: LiveAnalysis
    let metrics: MetricsRegistry
    let buckets = Mutex(TokenBuckets())
    let logger: Logger

    /// - Parameter client: the HTTP client for upstream calls; its lifetime is the caller's.
    public init(
        configuration: GatewayConfiguration, analysis: LiveAnalysis, client: HTTPClient, metrics: MetricsRegistry = MetricsRegistry(),
        logger: Logger
    ) {
        self.configuration = configuration
        self.keys = Dictionary(configuration.keys.map { ($0.sha256, $0) }, uniquingKeysWith: { first, _ in first })
        self.analysis = analysis
        self.client = client
        self.metrics = metrics
        self.logger = logger
        Self.describeMetrics(metrics)
    }

    /// An HTTP client suited to the upstream: no decompression (bodies pass through as sent), no
    /// redirects, and enough pooled connections for concurrent streams.
    /// - Parameters:
    ///   - connectTimeout: how long to keep trying to connect (the client retries refused connections until then).
    ///   - idleTimeout: longest silence from the server once a request is sent, before the response
    ///     starts and between pieces of its body; nil for none.
    public static func makeHTTPClient(connectTimeout: Double = 5, idleTimeout: Double? = nil) -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(
                connect: .milliseconds(Int64(connectTimeout * 1000)), read: idleTimeout.map { .milliseconds(Int64($0 * 1000)) }),
            decompression: .disabled
        )
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 512
        configuration.connectionPool.idleTimeout = .seconds(60)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// The routes: the three model APIs (and Anthropic's token counting), `/v1/decide`, `/v1/authorize` and
    /// `/v1/mirror` (for proxies such as nginx), `/health` and `/metrics`.
    public func register(on router: Router<GatewayRequestContext>) {
        router.post("/v1/messages") { request, context in
            await self.proxy(request, context: context, provider: .anthropic, api: .anthropicMessages)
        }
        router.post("/v1/messages/count_tokens") { request, context in
            await self.proxy(request, context: context, provider: .anthropic, api: nil)
        }
        router.post("/v1/chat/completions") { request, context in
            await self.proxy(request, context: context, provider: .openai, api: .openAIChatCompletions)
        }
        router.post("/v1/responses") { request, context in
            await self.proxy(request, context: context, provider: .openai, api: .openAIResponses)
        }
        router.post("/v1/decide") { request, context in
            try await self.decisionEndpoint(request)
        }
        router.get("/v1/authorize") { request, _ in self.authorizeEndpoint(request) }
        router.post("/v1/mirror") { request, context in
            try await self.mirrorEndpoint(request, context: context)
        }
        router.get("/health") { _, _ in self.healthResponse() }
        router.get("/metrics") { _, _ in self.metricsResponse() }
        router.get("/openapi.json") { _, _ in Response.openAPI(GatewayOpenAPI.document) }
    }

    func healthResponse() -> Response {
        let health = analysis.health
        let body: JSONValue = [
            "status": .string(health.available ? "ok" : "degraded"),
            "failure_mode": .string(configuration.failureMode.rawValue),
            "analysis": [
                "running": .bool(health.running), "store_available": .bool(health.storeAvailable),
                "unstored": .int(Int64(health.unstored)), "queued": .int(Int64(health.queued)),
                "dropped": .int(Int64(health.dropped)), "analyzed": .int(Int64(health.analyzed)),
                "snapshot_age_seconds": .double((health.snapshotAgeSeconds * 1000).rounded() / 1000),
            ],
        ]
        return Self.json(body, status: health.available ? .ok : .serviceUnavailable)
    }

    func metricsResponse() -> Response {
        let health = analysis.health
        metrics.set("dg_analysis_available", health.available ? 1 : 0)
        metrics.set("dg_analysis_queue_depth", Double(health.queued))
        metrics.set("dg_analysis_dropped", Double(health.dropped))
        metrics.set("dg_analysis_unstored", Double(health.unstored))
        metrics.set("dg_analysis_events", Double(health.analyzed))
        metrics.set("dg_analysis_snapshot_age_seconds", health.snapshotAgeSeconds)
        let snapshot = analysis.snapshot
        metrics.set("dg_snapshot_flagged_accounts", Double(snapshot.accounts.count))
        metrics.set("dg_snapshot_flagged_templates", Double(snapshot.templates.templates.count))
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render())))
    }

    static let latencyBuckets: [Double] = [
        0.00005, 0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
    ]

    static func describeMetrics(_ metrics: MetricsRegistry) {
        // Statuses and reason codes are only known from traffic; APIs and error kinds are known now.
        let apis: [KeyValuePairs<String, String>] = Event.API.allCases.map { ["api": $0.rawValue] }
        metrics.describe("dg_gateway_requests_total", type: "counter", help: "Requests by API and returned status.", series: [])
        metrics.describe("dg_gateway_decisions_total", type: "counter", help: "Policy decisions by action and reason code.", series: [])
        metrics.describeHistogram(
            "dg_gateway_added_latency_seconds", help: "Time the gateway adds to a request, excluding the upstream.",
            buckets: latencyBuckets, series: apis)
        metrics.describeHistogram(
            "dg_gateway_upstream_latency_seconds", help: "Upstream time to the last byte of the response.", buckets: latencyBuckets,
            series: apis)
        metrics.describe(
            "dg_gateway_upstream_errors_total", type: "counter",
            help: "Upstream failures: timeouts, refused connections, responses broken off.",
            series: Event.API.allCases.flatMap { api in
                ["timeout", "unreachable", "broken"].map { kind -> KeyValuePairs<String, String> in ["api": api.rawValue, "kind": kind] }
            })
        metrics.describe(
            "dg_gateway_stream_interruptions_total", type: "counter",
            help: "Streams that ended early: the upstream stalled or broke off, or the client went away.",
            series: Event.API.allCases.flatMap { api in
                ["upstream_timeout", "upstream_broken", "client_disconnected"].map { cause -> KeyValuePairs<String, String> in
                    ["api": api.rawValue, "cause": cause]
                }
            })
        metrics.describe(
            "dg_gateway_mirror_total", type: "counter", help: "Requests mirrored to /v1/mirror, by what became of them.",
            series: MirrorResult.allCases.map { ["result": $0.rawValue] })
        metrics.describe("dg_analysis_available", type: "gauge", help: "1 when analysis and storage keep up, else 0.")
        metrics.describe("dg_analysis_queue_depth", type: "gauge", help: "Exchanges waiting for analysis.")
        metrics.describe("dg_analysis_dropped", type: "gauge", help: "Exchanges dropped because the analysis queue was full.")
        metrics.describe(
            "dg_analysis_unstored", type: "gauge", help: "Analysed exchanges the store or forward_to service has not taken yet (retried).")
        metrics.describe("dg_analysis_events", type: "gauge", help: "Exchanges analysed since start.")
        metrics.describe("dg_analysis_snapshot_age_seconds", type: "gauge", help: "Age of the verdicts the policy reads.")
        metrics.describe("dg_snapshot_flagged_accounts", type: "gauge", help: "Accounts at review or attack in the latest snapshot.")
        metrics.describe("dg_snapshot_flagged_templates", type: "gauge", help: "Templates at review or attack in the latest snapshot.")
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status) -> Response { Response.json(value, status: status) }
}

/// Builds the gateway application; callable from tests (HummingbirdTesting) and from the CLI.
///
/// - Parameter onListening: called with the bound port once the server accepts connections.
public func buildGatewayApplication(
    _ gateway: Gateway, logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = Router(context: GatewayRequestContext.self)
    router.add(middleware: MethodNotAllowedMiddleware(openAPI: GatewayOpenAPI.document))
    gateway.register(on: router)
    return Application(
        router: router,
        server: .distillguard,
        configuration: .init(address: .hostname(gateway.configuration.host, port: gateway.configuration.port), serverName: nil),
        onServerRunning: { channel in await onListening(channel.localAddress?.port ?? gateway.configuration.port) },
        logger: logger
    )
}
