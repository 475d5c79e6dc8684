import AsyncHTTPClient
import DistillGuardCore
import Foundation
import NIOCore
import NIOHTTP1

extension Gateway {
    /// Reads analysts' decisions from `distillguard serve`'s admin API (`GET /v1/decisions`), for
    /// a gateway that does not share the service's SQLite file. Runs on the analysis thread, which
    /// may block; a failure keeps the decisions read before (see `LiveAnalysis.reloadDecisions`).
    static func decisionsOverHTTP(_ source: GatewayConfiguration.DecisionsSource, client: HTTPClient) -> LiveAnalysis.LoadDecisions {
        {
            var request = try HTTPClient.Request(url: source.url + "/v1/decisions", method: .GET)
            request.headers.add(name: "authorization", value: "Bearer \(source.adminToken)")
            request.headers.add(name: "x-distillguard-analyst", value: "gateway")
            let response = try client.execute(request: request, deadline: .now() + .seconds(5)).wait()
            guard response.status == .ok else {
                throw DecisionsUnavailable("\(source.url)/v1/decisions answered \(response.status.code)")
            }
            let value = try JSONParser.parse(Array(buffer: response.body ?? ByteBuffer()))
            guard let list = value["decisions"]?.arrayValue else {
                throw DecisionsUnavailable("\(source.url)/v1/decisions: no `decisions` array in the answer")
            }
            return try list.enumerated().map { index, entry in
                guard let decision = AnalystDecision(json: entry) else {
                    throw DecisionsUnavailable("\(source.url)/v1/decisions: decision \(index) is malformed")
                }
                return decision
            }
        }
    }
}

struct DecisionsUnavailable: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
