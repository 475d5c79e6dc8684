import DistillGuardCore
import DistillGuardServer
import DistillGuardStore
import DistillGuardTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

struct ValidationRoutesTests {
    func text(_ buffer: ByteBuffer) -> String {
        String(decoding: buffer.readableBytesView, as: UTF8.self)
    }

    @Test func healthAnswers() async throws {
        try await buildApplication(configuration: ServerConfiguration()).test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                let json = try JSONParser.parse(text(response.body))
                #expect(json["status"] == "ok")
            }
        }
    }

    @Test func givesAResultForEveryLine() async throws {
        let body = [EventFixtures.minimal(id: "a"), "{not json", "", #"{"id":"b"}"#].joined(separator: "\n")
        try await ServiceHarness.run(.sqlite, runAnalysis: false) { harness, client in
            try await client.execute(
                uri: "/v1/events/validate", method: .post, headers: harness.ingest, body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .ok)
                let json = try JSONParser.parse(text(response.body))
                #expect(json["accepted"] == 1)
                #expect(json["rejected"] == 2)
                let lines = try #require(json["lines"]?.arrayValue)
                #expect(lines.map { $0["line"] } == [1, 2, 4])
                #expect(lines[0]["id"] == "a")
                #expect(lines[1]["code"] == "invalid_json")
                #expect(lines[2]["field"] == "timestamp")
            }
            #expect(try await harness.store.eventCount(after: 0) == 0)
        }
    }

    /// Parsing costs CPU: only holders of the ingest key may spend it, and the body is not read without it.
    @Test func needsTheIngestKey() async throws {
        let body = ByteBuffer(string: EventFixtures.minimal(id: "a"))
        try await ServiceHarness.run(.sqlite, runAnalysis: false) { harness, client in
            for headers in [HTTPFields(), [.authorization: "Bearer not-the-key"], harness.admin] {
                try await client.execute(uri: "/v1/events/validate", method: .post, headers: headers, body: body) { response in
                    #expect(response.status == .unauthorized)
                    let json = try JSONParser.parse(text(response.body))
                    #expect(json["error"]?["code"] == "unauthorized")
                }
            }
        }
    }

    @Test func refusesOversizedBodies() async throws {
        let line = EventFixtures.minimal(id: "x") + "\n"
        let body = String(repeating: line, count: (1 << 20) / line.utf8.count + 1)
        try await ServiceHarness.run(.sqlite, runAnalysis: false) { harness, client in
            try await client.execute(
                uri: "/v1/events/validate", method: .post, headers: harness.ingest, body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .contentTooLarge)
                let json = try JSONParser.parse(text(response.body))
                #expect(json["error"]?["code"] == "body_too_large")
            }
        }
    }
}
