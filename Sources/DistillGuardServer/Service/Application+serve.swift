import DistillGuardCore
import DistillGuardStore
import Hummingbird
import Logging

/// Builds the always-on service's HTTP application (`distillguard serve`): ingest, the decision
/// API, admin API, console, `/health`, `/metrics`, contract validation, and TAXII when an intel
/// store is given.
///
/// The caller runs `follower` beside it (both are services; see `ServeCommand`).
public func buildServiceApplication(
    configuration: ServiceConfiguration, store: any ServiceStore, follower: AnalysisFollower, metrics: MetricsRegistry,
    taxii: (store: IntelStore, token: String)? = nil, logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = Router()
    router.add(middleware: MethodNotAllowedMiddleware(openAPI: ServiceOpenAPI.document))
    let access = AccessControl(configuration.access)
    router.get("/health") { _, _ -> Response in
        let view = follower.view
        let storeError = view.storeError ?? view.ingestError
        let healthy = view.running && storeError == nil
        var body: JSONObject = [
            "status": healthy ? "ok" : "degraded", "analysis_running": .bool(view.running),
            "store_available": .bool(storeError == nil), "backlog": .int(Int64(follower.backlog)),
            "processed_sequence": .int(view.processedSequence), "analysis_role": .string(view.role.rawValue),
        ]
        if let leader = view.leader { body["analysis_leader"] = .string(leader) }
        if let storeError { body["store_error"] = .string(storeError) }
        return .json(.object(body), status: healthy ? .ok : .serviceUnavailable)
    }
    router.get("/metrics") { _, _ -> Response in
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render())))
    }
    router.get("/openapi.json") { _, _ in Response.openAPI(ServiceOpenAPI.document) }
    ValidationRoutes(access: access, maximumBodyBytes: configuration.server.maximumBodyBytes).register(on: router)
    let ingest = IngestRoutes(
        store: store, follower: follower, access: access, metrics: metrics, maximumBodyBytes: configuration.server.maximumBodyBytes,
        maximumConcurrentBatches: 8)
    ingest.register(on: router)
    let enforcementPoints = EnforcementPoints(store: store, replicaID: configuration.analysis.replicaID, logger: logger)
    DecisionRoutes(
        policy: configuration.policy, keys: configuration.access.decisionKeys, follower: follower, ingest: ingest, metrics: metrics,
        maximumBodyBytes: configuration.server.maximumBodyBytes, enforcementPoints: enforcementPoints
    ).register(on: router)
    AdminRoutes(store: store, follower: follower, access: access, enforcementPoints: enforcementPoints).register(on: router)
    ConsoleRoutes(store: store, follower: follower, access: access, secureCookies: configuration.secureCookies).register(on: router)
    if let taxii { TAXIIRoutes(store: taxii.store, token: taxii.token).register(on: router) }
    return Application(
        router: router,
        server: .distillguard,
        configuration: .init(
            address: .hostname(configuration.server.host, port: configuration.server.port), serverName: "distillguard"),
        onServerRunning: { channel in await onListening(channel.localAddress?.port ?? configuration.server.port) },
        logger: logger
    )
}
