import DistillGuardCore
import DistillGuardServer
import DistillGuardTesting
import Hummingbird
import HummingbirdTesting
import Testing

struct ValidationRoutesTests {
    func makeApp() -> some ApplicationProtocol {
        buildApplication(configuration: ServerConfiguration(maximumBodyBytes: 4096))
    }

    func text(_ buffer: ByteBuffer) -> String {
        String(decoding: buffer.readableBytesView, as: UTF8.self)
    }

    @Test func healthAnswers() async throws {
        try await makeApp().test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                let json = try JSONParser.parse(text(response.body))
                #expect(json["status"] == "ok")
            }
        }
    }

    @Test func givesAResultForEveryLine() async throws {
        let body = [EventFixtures.minimal(id: "a"), "{not json", "", #"{"id":"b"}"#].joined(separator: "\n")
        try await makeApp().test(.router) { client in
            try await client.execute(uri: "/v1/events/validate", method: .post, body: ByteBuffer(string: body)) { response in
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
        }
    }

    @Test func refusesOversizedBodies() async throws {
        let body = String(repeating: EventFixtures.minimal(id: "x") + "\n", count: 40)
        try await makeApp().test(.router) { client in
            try await client.execute(uri: "/v1/events/validate", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .contentTooLarge)
                let json = try JSONParser.parse(text(response.body))
                #expect(json["error"]?["code"] == "body_too_large")
            }
        }
    }
}
