import DistillGuardCore
import DistillGuardStore
import HTTPTypes
import Hummingbird

/// TAXII 2.1, read-only: partners poll the indicators we publish (`intel export --publish`).
///
/// `GET /taxii2/` (discovery), `/taxii2/api/` (API root), `/taxii2/api/collections/`,
/// `/taxii2/api/collections/{id}/`, `/taxii2/api/collections/{id}/objects/` with `added_after`,
/// `limit` and `next`. Every request needs `Authorization: Bearer TOKEN`.
struct TAXIIRoutes {
    let store: IntelStore
    let token: String

    static let mediaType = "application/taxii+json;version=2.1"
    static let collectionID = "5c3f6a4e-0d1b-4c5e-9a8f-2b7d6e1f3a90"
    static let defaultLimit = 100
    static let maximumLimit = 1000

    func register(on router: Router<some RequestContext>) {
        let group = router.group("taxii2")
        group.get("/") { request, _ in
            try authorize(request)
            return Self.json([
                "title": "DistillGuard TAXII server", "description": "Indicators of LLM distillation campaigns.",
                "default": "/taxii2/api/", "api_roots": ["/taxii2/api/"],
            ])
        }
        group.get("api/") { request, _ in
            try authorize(request)
            return Self.json([
                "title": "DistillGuard indicators", "versions": [.string(Self.mediaType)], "max_content_length": 0,
            ])
        }
        group.get("api/collections/") { request, _ in
            try authorize(request)
            return Self.json(["collections": [Self.collection]])
        }
        group.get("api/collections/:id/") { request, context in
            try authorize(request)
            try Self.requireCollection(context)
            return Self.json(Self.collection)
        }
        group.get("api/collections/:id/objects/") { request, context in
            try authorize(request)
            try Self.requireCollection(context)
            return try await objects(request)
        }
    }

    static var collection: JSONValue {
        [
            "id": .string(collectionID), "title": "DistillGuard distillation indicators", "can_read": true, "can_write": false,
            "media_types": ["application/stix+json;version=2.1"],
        ]
    }

    func objects(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        var addedAfter: Timestamp?
        if let text = query.get("added_after") {
            guard let parsed = Timestamp(rfc3339: text) else { throw TAXIIError(.badRequest, "added_after must be an RFC 3339 timestamp") }
            addedAfter = parsed
        }
        var limit = Self.defaultLimit
        if let text = query.get("limit") {
            guard let parsed = Int(text), parsed > 0 else { throw TAXIIError(.badRequest, "limit must be a positive integer") }
            limit = min(parsed, Self.maximumLimit)
        }
        var after: Int?
        if let text = query.get("next") {
            guard let parsed = Int(text), parsed >= 0 else { throw TAXIIError(.badRequest, "next must be a value returned by this server") }
            after = parsed
        }
        let page = try await store.published(addedAfter: addedAfter, afterSequence: after, limit: limit)
        var envelope: JSONObject = ["more": .bool(page.more)]
        if page.more, let last = page.last { envelope["next"] = .string(String(last)) }
        let objects = page.objects.compactMap { try? JSONParser.parse($0.json) }
        envelope["objects"] = .array(objects)
        var response = Self.json(.object(envelope))
        if let first = page.objects.first, let last = page.objects.last {
            response.headers[HTTPField.Name("X-TAXII-Date-Added-First")!] = Self.stamp(first.addedAt)
            response.headers[HTTPField.Name("X-TAXII-Date-Added-Last")!] = Self.stamp(last.addedAt)
        }
        return response
    }

    static func stamp(_ t: Timestamp) -> String {
        let text = t.rfc3339
        return text.contains(".") ? text : String(text.dropLast()) + ".000Z"
    }

    static func requireCollection(_ context: some RequestContext) throws {
        guard context.parameters.get("id") == collectionID else { throw TAXIIError(.notFound, "no such collection") }
    }

    func authorize(_ request: Request) throws {
        let header = request.headers[.authorization] ?? ""
        guard header.hasPrefix("Bearer "), ConstantTime.equal(String(header.dropFirst(7)), token) else {
            throw TAXIIError(.unauthorized, "a valid bearer token is required")
        }
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var response = Response.json(value, status: status)
        response.headers[.contentType] = mediaType
        return response
    }
}

/// A TAXII error, answered in the TAXII error shape (`title`, `http_status`).
struct TAXIIError: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let title: String

    init(_ status: HTTPResponse.Status, _ title: String) {
        self.status = status
        self.title = title
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = TAXIIRoutes.json(["title": .string(title), "http_status": .string(String(status.code))], status: status)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        return response
    }
}

/// Comparison whose time does not depend on where two secrets differ.
enum ConstantTime {
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) {
            difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
        }
        return difference == 0
    }
}
