import DistillGuardCore
import DistillGuardStore
import Hummingbird

/// The admin API (`Authorization: Bearer ADMIN_TOKEN`, or a console session):
///
/// - `GET /v1/verdicts`: the latest verdicts in the output contract's form, plus `decisions`.
/// - `GET /v1/decisions`, `POST /v1/decisions` (`{"subject", "subject_id", "ruling", "note"}`; the
///   analyst is named by `X-DistillGuard-Analyst`).
/// - `GET /v1/labels`: analysts' decisions as a labels file (contract format), for `train`.
/// - `GET /v1/status`: analysis progress, checkpoint and retention.
/// - `GET /v1/history?hours=N`: verdict counts as they stood at each hour of event time.
/// - `GET /v1/enforcement?min_score=X&signal=NAME:X&gateway_id=ID&refresh_seconds=S`: what gateways
///   enforce (`analysis.verdicts_from`): the published verdicts with analysts' decisions applied,
///   flagged templates with their keys, and how many enforcement points share throttle limits
///   (the reading gateway, named by `gateway_id`, counted live for three of its refreshes).
struct AdminRoutes {
    let store: any ServiceStore
    let follower: AnalysisFollower
    let access: AccessControl
    let enforcementPoints: EnforcementPoints

    /// Counts the reading gateway (`gateway_id`, `refresh_seconds`) among the enforcement points
    /// and returns how many are live; a reader that names no gateway is not counted (and its
    /// `refresh_seconds` has no effect).
    func enforcementPoints(reading request: Request) async throws(APIError) -> Int {
        let parameters = request.uri.queryParameters
        let text = parameters.get("refresh_seconds") ?? "5"
        guard let refresh = Double(text), EnforcementPoints.refreshRange.contains(refresh) else {
            throw APIError(.badRequest, code: "invalid_gateway", "refresh_seconds must be a number from 1 to 3600 (got '\(text)')")
        }
        guard let id = parameters.get("gateway_id") else { return enforcementPoints.count }
        guard (1...200).contains(id.utf8.count), id.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw APIError(
                .badRequest, code: "invalid_gateway", "gateway_id must be 1 to 200 bytes of printable ASCII without spaces (got '\(id)')")
        }
        return await enforcementPoints.gatewayRead(id, refreshSeconds: refresh)
    }

    func register(on router: Router<some RequestContext>) {
        router.get("/v1/verdicts") { request, _ -> Response in
            _ = try access.requireAdmin(request)
            let view = follower.view
            var object =
                view.result?.json.objectValue ?? [
                    "events_analyzed": 0, "events_rejected": 0, "accounts_analyzed": 0, "accounts": [], "clusters": [],
                ]
            object["decisions"] = .array(view.decisions.map(\.json))
            return .json(.object(object))
        }
        router.get("/v1/enforcement") { request, _ -> Response in
            _ = try access.requireAdmin(request)
            let selection: EnforcementSnapshot.Selection
            do throws(EnforcementSnapshot.Selection.InvalidSelection) {
                selection = try EnforcementSnapshot.Selection(
                    minimumScore: request.uri.queryParameters.get("min_score"),
                    signals: request.uri.queryParameters.getAll("signal"))
            } catch {
                throw APIError(.badRequest, code: "invalid_selection", error.description)
            }
            var snapshot = follower.snapshot
            snapshot.enforcementPoints = try await enforcementPoints(reading: request)
            return .json(snapshot.json(selecting: selection))
        }
        router.get("/v1/decisions") { request, _ -> Response in
            _ = try access.requireAdmin(request)
            return .json(["decisions": .array(follower.view.decisions.map(\.json))])
        }
        router.post("/v1/decisions") { request, _ -> Response in
            let analyst = try access.requireAdmin(request)
            let body = try await request.body.collect(upTo: 64 << 10)
            let value: JSONValue
            do {
                value = try body.withUnsafeReadableBytes { try JSONParser.parse($0) }
            } catch {
                throw APIError(.badRequest, code: "invalid_json", "the body is not JSON: \(error)")
            }
            guard value.objectValue != nil else {
                throw APIError(.badRequest, code: "invalid_decision", "the body must be a JSON object: {subject, subject_id, ruling, note}")
            }
            for field in ["subject", "subject_id", "ruling", "note"] {
                if let member = value[field], member.stringValue == nil {
                    throw APIError(.badRequest, code: "invalid_decision", "\(field) must be a string")
                }
            }
            let decision = try DecisionRequest(
                subject: value["subject"]?.stringValue, subjectID: value["subject_id"]?.stringValue, ruling: value["ruling"]?.stringValue,
                note: value["note"]?.stringValue
            ).decision(analyst: analyst, view: follower.view)
            return .json(try await follower.record(decision).json, status: .created)
        }
        router.get("/v1/labels") { request, _ -> Response in
            _ = try access.requireAdmin(request)
            return Response(
                status: .ok, headers: [.contentType: "application/x-ndjson"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: follower.view.ledger.labelsJSONLines)))
        }
        router.get("/v1/history") { request, _ -> Response in
            _ = try access.requireAdmin(request)
            let text = request.uri.queryParameters.get("hours") ?? "336"
            guard let hours = Int(text), hours > 0, hours <= 100_000 else {
                throw APIError(.badRequest, code: "invalid_hours", "hours must be an integer from 1 to 100000 (got '\(text)')")
            }
            let points = try await store.history(limit: hours)
            return .json([
                "history": .array(
                    points.map {
                        [
                            "hour": .string($0.hour.rfc3339), "events_analyzed": .int(Int64($0.events)),
                            "accounts": .int(Int64($0.accounts)),
                            "review": .int(Int64($0.review)), "attack": .int(Int64($0.attack)), "clusters": .int(Int64($0.clusters)),
                        ]
                    })
            ])
        }
        router.get("/v1/status") { request, _ -> Response in
            _ = try access.requireAdmin(request)
            let view = follower.view
            let retention = try await store.retentionSummary()
            return .json([
                "analysis_running": .bool(view.running), "processed_sequence": .int(view.processedSequence),
                "checkpoint_sequence": .int(view.checkpointSequence),
                "checkpoint_saved_at": view.checkpointSavedAt.map { .string($0.rfc3339) } ?? .null,
                "backlog": .int(Int64(follower.backlog)), "events_stored": .int(Int64(retention.events)),
                "events_with_text": .int(Int64(retention.withText)), "evidence_samples": .int(Int64(retention.evidence)),
                "store_error": view.storeError.map { .string($0) } ?? .null,
                "analysis_role": .string(view.role.rawValue), "analysis_leader": view.leader.map { .string($0) } ?? .null,
            ])
        }
    }
}
