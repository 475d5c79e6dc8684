import DistillGuardCore
import HTTPTypes
import Hummingbird

/// Answers 405 with an `Allow` header, instead of the router's 404, when a path of the API exists
/// but not with the request's method. The paths and methods are read from the server's OpenAPI
/// document, so that the two cannot drift apart. Add it before the routes.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Methods by path, as the document lists them (upper case, sorted).
    let allowed: [String: [String]]

    init(openAPI document: String) {
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        let paths = (try? JSONParser.parse(Array(document.utf8)))?["paths"]?.objectValue ?? [:]
        var allowed: [String: [String]] = [:]
        for (path, item) in paths {
            allowed[path] = (item.objectValue?.members.map(\.key) ?? []).filter(methods.contains).map { $0.uppercased() }.sorted()
        }
        self.allowed = allowed
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let path = request.uri.path
            guard let methods = allowed[path], !methods.isEmpty, !methods.contains(request.method.rawValue) else { throw error }
            var response = Response.error(
                .methodNotAllowed, code: "method_not_allowed",
                message: "\(path) does not take \(request.method.rawValue); it takes \(methods.joined(separator: ", "))")
            response.headers[.allow] = methods.joined(separator: ", ")
            return response
        }
    }
}
