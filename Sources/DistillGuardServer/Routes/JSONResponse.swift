import DistillGuardCore
import Hummingbird

extension Response {
    /// A JSON response with the given status.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var writer = JSONWriter()
        writer.write(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: writer.bytes))
        )
    }

    /// An error in DistillGuard's own API shape: `{"error": {"code", "message"}}`.
    static func error(_ status: HTTPResponse.Status, code: String, message: String) -> Response {
        json(["error": ["code": .string(code), "message": .string(message)]], status: status)
    }

    /// An OpenAPI document (`GET /openapi.json`), as written in the source.
    static func openAPI(_ document: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: document)))
    }
}
