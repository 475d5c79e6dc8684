import AsyncHTTPClient
import DistillGuardCore
import Foundation
import NIOCore
import NIOHTTP1

/// The gateway working with `distillguard serve` over HTTP, for a deployment where they do not
/// share an SQLite file (PostgreSQL, other hosts). All are called from the analysis loop.
extension Gateway {
    /// Reads analysts' decisions from the service's admin API (`GET /v1/decisions`). A failure
    /// keeps the decisions read before (see `LiveAnalysis.reloadDecisions`).
    static func decisionsOverHTTP(_ link: GatewayConfiguration.ServiceLink, client: HTTPClient) -> LiveAnalysis.LoadDecisions {
        {
            let response = try await call(link, "/v1/decisions", method: .GET, client: client)
            guard response.status == .ok else { throw ServiceUnavailable("\(link.url)/v1/decisions answered \(response.status.code)") }
            let value = try JSONParser.parse(Array(buffer: response.body))
            guard let list = value["decisions"]?.arrayValue else {
                throw ServiceUnavailable("\(link.url)/v1/decisions: no `decisions` array in the answer")
            }
            return try list.enumerated().map { index, entry in
                guard let decision = AnalystDecision(json: entry) else {
                    throw ServiceUnavailable("\(link.url)/v1/decisions: decision \(index) is malformed")
                }
                return decision
            }
        }
    }

    /// Reads the verdicts to enforce from the service's admin API (`GET /v1/enforcement`), asking
    /// for every account `selection` (from the gateway's policy) can act on, and naming this
    /// gateway so that the service counts it among those sharing throttle limits. A failure keeps
    /// the snapshot read before (see `LiveAnalysis.reloadSnapshot`).
    static func snapshotOverHTTP(
        _ link: GatewayConfiguration.ServiceLink, selection: EnforcementSnapshot.Selection, gatewayID: String, refreshSeconds: Double,
        client: HTTPClient
    ) -> LiveAnalysis.LoadSnapshot {
        var components = URLComponents()
        components.queryItems =
            selection.queryItems.map { URLQueryItem(name: $0.name, value: $0.value) } + [
                URLQueryItem(name: "gateway_id", value: gatewayID),
                URLQueryItem(name: "refresh_seconds", value: String(min(max(refreshSeconds, 1), 3600))),
            ]
        // URLComponents leaves "+" as is, which a server may read as a space.
        let query = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        let path = "/v1/enforcement?" + query
        return {
            let response = try await call(link, path, method: .GET, client: client)
            guard response.status == .ok else { throw ServiceUnavailable("\(link.url)/v1/enforcement answered \(response.status.code)") }
            do {
                return try EnforcementSnapshot(json: JSONParser.parse(Array(buffer: response.body)))
            } catch {
                throw ServiceUnavailable("\(link.url)/v1/enforcement: \(error)")
            }
        }
    }

    /// Sends each batch of exchanges to the service's ingest API (`POST /v1/events`) in requests of
    /// at most `linesPerRequest` lines, waiting out its back-pressure (429, Retry-After) a few
    /// times before reporting it unavailable. Resending is safe: ingest is idempotent by id.
    static func forwarding(
        _ link: GatewayConfiguration.ServiceLink, client: HTTPClient, linesPerRequest: Int = 1000
    )
        -> LiveAnalysis.Persist
    {
        { events in
            for start in stride(from: 0, to: events.count, by: linesPerRequest) {
                var body = ByteBuffer()
                for item in events[start..<min(start + linesPerRequest, events.count)] {
                    body.writeString(item.line)
                    body.writeString("\n")
                }
                var attempt = 0
                while true {
                    let response = try await call(link, "/v1/events", method: .POST, body: body, client: client)
                    if response.status == .ok { break }
                    attempt += 1
                    guard response.status == .tooManyRequests, attempt < 5 else {
                        throw ServiceUnavailable("\(link.url)/v1/events answered \(response.status.code) (attempt \(attempt))")
                    }
                    let wait = response.headers.first(name: "retry-after").flatMap(Double.init) ?? 1
                    try await Task.sleep(for: .milliseconds(Int64(min(wait, 30) * 1000)))
                }
            }
        }
    }

    /// An answer of the service: its status, headers and whole body.
    struct ServiceResponse {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var body: ByteBuffer
    }

    /// Calls the service; `link.timeoutSeconds` bounds the whole call, body included.
    static func call(
        _ link: GatewayConfiguration.ServiceLink, _ path: String, method: HTTPMethod, body: ByteBuffer? = nil, client: HTTPClient
    ) async throws -> ServiceResponse {
        var request = HTTPClientRequest(url: link.url + path)
        request.method = method
        request.headers.add(name: "authorization", value: "Bearer \(link.token)")
        request.headers.add(name: "x-distillguard-analyst", value: "gateway")
        if let body {
            request.headers.add(name: "content-type", value: "application/x-ndjson")
            request.body = .bytes(body)
        }
        let deadline = NIODeadline.now() + .milliseconds(Int64(link.timeoutSeconds * 1000))
        let response = try await client.execute(request, deadline: deadline)
        let received = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await response.body.collect(upTo: Self.largestServiceAnswer) }
            group.addTask {
                try await Task.sleep(for: .nanoseconds(max(0, (deadline - NIODeadline.now()).nanoseconds)))
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        guard let received else { throw ServiceUnavailable("\(link.url)\(path): no whole answer within \(link.timeoutSeconds) s") }
        return ServiceResponse(status: response.status, headers: response.headers, body: received)
    }

    /// The largest answer read from the service (an enforcement snapshot of many accounts).
    static let largestServiceAnswer = 512 << 20
}

struct ServiceUnavailable: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
