import DistillGuardCore
import Hummingbird

/// `POST /v1/events/validate`: checks a JSON Lines batch against the event-log contract without
/// storing it, and answers with a result for every line, so that a team can test what its gateway
/// logs before pointing it at DistillGuard.
///
/// Needs the ingest key, like `POST /v1/events`: parsing a large body costs CPU, which nobody who
/// merely reaches the port may spend.
struct ValidationRoutes {
    let access: AccessControl
    let maximumBodyBytes: Int

    func register(on router: Router<some RequestContext>) {
        router.post("/v1/events/validate") { [access, maximumBodyBytes] request, _ -> Response in
            try access.requireIngestKey(request)
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: maximumBodyBytes)
            } catch {
                return .error(
                    .contentTooLarge, code: "body_too_large",
                    message: "request body exceeds \(maximumBodyBytes) bytes; split the batch")
            }
            guard body.readableBytes > 0 else { throw APIError.emptyBatch }
            return .json(Self.validate(body))
        }
    }

    static func validate(_ body: ByteBuffer) -> JSONValue {
        var results: [JSONValue] = []
        var accepted = 0
        var rejected = 0
        body.withUnsafeReadableBytes { bytes in
            EventBatch.decode(bytes) { number, _, result in
                switch result {
                case .success(let event)?:
                    accepted += 1
                    results.append(LineResult.accepted(id: event.id).json(line: number))
                case .failure(let rejection)?:
                    rejected += 1
                    results.append(LineResult.rejected(rejection).json(line: number))
                case nil:
                    break
                }
            }
        }
        return ["accepted": .int(Int64(accepted)), "rejected": .int(Int64(rejected)), "lines": .array(results)]
    }
}
