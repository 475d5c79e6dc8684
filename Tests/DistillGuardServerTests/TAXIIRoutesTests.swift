import DistillGuardCore
import DistillGuardServer
import DistillGuardStore
import DistillGuardTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

struct TAXIIRoutesTests {
    static let token = "partner-token-0123456789"
    static let collection = "5c3f6a4e-0d1b-4c5e-9a8f-2b7d6e1f3a90"

    func makeApp(_ store: IntelStore) -> some ApplicationProtocol {
        buildApplication(configuration: ServerConfiguration(), taxii: (store, Self.token))
    }

    func published(_ count: Int) async throws -> IntelStore {
        let store = try IntelStore()
        var objects: [JSONValue] = []
        for i in 0..<count {
            objects.append([
                "type": "indicator", "id": .string("indicator--00000000-0000-4000-8000-00000000000\(i)"), "spec_version": "2.1",
                "pattern": "[autonomous-system:number = 1]", "pattern_type": "stix", "valid_from": "2026-02-01T00:00:00Z",
            ])
        }
        let text = JSONValue.object(["type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000001", "objects": .array(objects)])
            .description
        _ = try await store.store(
            try STIXImporter().read(Array(text.utf8), source: "t"), source: .published, at: Timestamp(rfc3339: "2026-02-02T00:00:00Z")!)
        return store
    }

    func body(_ buffer: ByteBuffer) throws -> JSONValue { try JSONParser.parse(Array(buffer.readableBytesView)) }

    var auth: HTTPFields { [.authorization: "Bearer \(Self.token)"] }

    @Test func servesDiscoveryRootAndCollections() async throws {
        try await makeApp(try await published(1)).test(.router) { client in
            try await client.execute(uri: "/taxii2/", method: .get, headers: auth) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/taxii+json;version=2.1")
                let json = try body(response.body)
                #expect(json["api_roots"] == ["/taxii2/api/"])
            }
            try await client.execute(uri: "/taxii2/api/", method: .get, headers: auth) { response in
                let json = try body(response.body)
                #expect(json["versions"] == ["application/taxii+json;version=2.1"])
            }
            try await client.execute(uri: "/taxii2/api/collections/", method: .get, headers: auth) { response in
                let json = try body(response.body)
                #expect(json["collections"]?.arrayValue?.first?["id"] == .string(Self.collection))
            }
            try await client.execute(uri: "/taxii2/api/collections/no-such/", method: .get, headers: auth) { response in
                #expect(response.status == .notFound)
                let json = try body(response.body)
                #expect(json["http_status"] == "404")
            }
        }
    }

    @Test func pagesObjectsAndFiltersByDateAdded() async throws {
        try await makeApp(try await published(5)).test(.router) { client in
            let base = "/taxii2/api/collections/\(Self.collection)/objects/"
            var next: String?
            try await client.execute(uri: base + "?limit=3", method: .get, headers: auth) { response in
                let envelope = try body(response.body)
                #expect(envelope["objects"]?.arrayValue?.count == 3 && envelope["more"] == true)
                next = envelope["next"]?.stringValue
                #expect(response.headers[HTTPField.Name("X-TAXII-Date-Added-First")!] == "2026-02-02T00:00:00.000Z")
            }
            let cursor = try #require(next)
            try await client.execute(uri: base + "?limit=3&next=\(cursor)", method: .get, headers: auth) { response in
                let envelope = try body(response.body)
                #expect(envelope["objects"]?.arrayValue?.count == 2 && envelope["more"] == false)
            }
            try await client.execute(uri: base + "?added_after=2026-02-02T00:00:00Z", method: .get, headers: auth) { response in
                let json = try body(response.body)
                #expect(json["objects"]?.arrayValue?.isEmpty == true)
            }
            try await client.execute(uri: base + "?added_after=yesterday", method: .get, headers: auth) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func refusesRequestsWithoutTheToken() async throws {
        try await makeApp(try await published(1)).test(.router) { client in
            try await client.execute(uri: "/taxii2/", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Bearer")
            }
            try await client.execute(uri: "/taxii2/api/collections/", method: .get, headers: [.authorization: "Bearer wrong"]) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }
}
