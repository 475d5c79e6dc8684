import DistillGuardCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A stand-in for the Anthropic and OpenAI APIs, for tests and benchmarks (no real model can be
/// reached from here). It speaks the three APIs, streaming and not, with deterministic answers:
///
/// - the reply text is `Answer to: ` and the first 60 characters of the last user message;
/// - a request with thinking or reasoning enabled gets a thinking block / reasoning item;
/// - it checks the credential (`apiKey`, or one of `otherKeys`: a provider's own API behind nginx
///   takes each customer's key) and answers 401 in the API's shape otherwise;
/// - model `mock-error` answers 500 in the API's shape; header `x-mock-delay-ms` delays the answer;
/// - `GET /mock/last` returns the last request it received (headers and body), for assertions.
public final class MockUpstream: Sendable {
    public let apiKey: String
    public let otherKeys: Set<String>
    let last = Mutex<(headers: [String: String], body: String)?>(nil)

    public init(apiKey: String = "sk-upstream-test", otherKeys: Set<String> = []) {
        self.apiKey = apiKey
        self.otherKeys = otherKeys
    }

    public func application(
        host: String = "127.0.0.1", port: Int = 0, logger: Logger = Logger(label: "mock-upstream")
    )
        -> some ApplicationProtocol
    {
        let router = Router()
        router.post("/v1/messages") { request, _ in try await self.handle(request, api: .anthropicMessages) }
        router.post("/v1/messages/count_tokens") { request, _ in try await self.countTokens(request) }
        router.post("/v1/chat/completions") { request, _ in try await self.handle(request, api: .openAIChatCompletions) }
        router.post("/v1/responses") { request, _ in try await self.handle(request, api: .openAIResponses) }
        router.get("/mock/last") { _, _ in self.lastRequest() }
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: nil), logger: logger)
    }

    func authorized(_ request: Request, api: Event.API) -> Bool {
        let bearer = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        let presented: [String?]
        switch api {
        // Anthropic takes `x-api-key` or, as its newer SDKs send, a bearer token.
        case .anthropicMessages: presented = [request.headers[HTTPField.Name("x-api-key")!], bearer]
        case .openAIChatCompletions, .openAIResponses: presented = [bearer]
        }
        return presented.contains { key in key.map { $0 == apiKey || otherKeys.contains($0) } ?? false }
    }

    func handle(_ request: Request, api: Event.API) async throws -> Response {
        let body = try await request.body.collect(upTo: 64 << 20)
        remember(request, body: body)
        guard authorized(request, api: api) else {
            return errorResponse(api, status: .unauthorized, type: "authentication_error", message: "invalid x-api-key")
        }
        guard let object = (try? JSONParser.parse(body.readableBytesView))?.objectValue else {
            return errorResponse(api, status: .badRequest, type: "invalid_request_error", message: "body is not a JSON object")
        }
        if let delay = request.headers[HTTPField.Name("x-mock-delay-ms")!].flatMap(Int.init), delay > 0 {
            try await Task.sleep(for: .milliseconds(delay))
        }
        let model = object["model"]?.stringValue ?? "mock-model"
        if model == "mock-error" {
            return errorResponse(api, status: .internalServerError, type: "api_error", message: "mock upstream failure")
        }
        let reply = MockReply(request: object, api: api, model: model)
        if object["stream"]?.boolValue == true {
            return streamResponse(reply.events())
        }
        return jsonResponse(reply.body())
    }

    func countTokens(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 64 << 20)
        remember(request, body: body)
        guard authorized(request, api: .anthropicMessages) else {
            return errorResponse(.anthropicMessages, status: .unauthorized, type: "authentication_error", message: "invalid x-api-key")
        }
        return jsonResponse(["input_tokens": .int(Int64(max(1, body.readableBytes / 4)))])
    }

    func remember(_ request: Request, body: ByteBuffer) {
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let text = String(buffer: body)
        last.withLock { $0 = (headers, text) }
    }

    func lastRequest() -> Response {
        guard let last = last.withLock({ $0 }) else { return jsonResponse(["received": false]) }
        let headers = JSONObject(last.headers.sorted { $0.key < $1.key }.map { (key: $0.key, value: JSONValue.string($0.value)) })
        return jsonResponse(["received": true, "headers": .object(headers), "body": .string(last.body)])
    }

    func errorResponse(_ api: Event.API, status: HTTPResponse.Status, type: String, message: String) -> Response {
        let body: JSONValue =
            api == .anthropicMessages
            ? ["type": "error", "error": ["type": .string(type), "message": .string(message)]]
            : ["error": ["message": .string(message), "type": .string(type), "param": nil, "code": nil]]
        return jsonResponse(body, status: status)
    }

    func jsonResponse(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var writer = JSONWriter(reservingCapacity: 1024)
        writer.write(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[HTTPField.Name("request-id")!] = "req_mock"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: writer.bytes)))
    }

    /// Server-sent events, each written as its own chunk as a real model stream would arrive.
    func streamResponse(_ events: [String]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        headers[HTTPField.Name("request-id")!] = "req_mock"
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                for event in events { try await writer.write(ByteBuffer(string: event)) }
                try await writer.finish(nil)
            })
    }
}
