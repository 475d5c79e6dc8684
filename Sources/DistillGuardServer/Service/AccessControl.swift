import DistillGuardCore
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Who may call what: ingest keys for `/v1/events`, admin tokens (as a bearer header, or through a
/// console login that sets a session cookie) for the console and the admin API.
///
/// Secrets are compared in constant time. Console sessions live in memory: a restart logs analysts out.
final class AccessControl: Sendable {
    struct Session: Sendable {
        var analyst: String
        /// Sent back with every form, so another site cannot post decisions with the cookie.
        var formToken: String
        var expires: Double
    }

    let configuration: AccessConfiguration
    private let sessions = Mutex([String: Session]())

    static let cookieName = "dg_session"

    init(_ configuration: AccessConfiguration) {
        self.configuration = configuration
    }

    static func bearer(_ request: Request) -> String? {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return nil }
        return String(header.dropFirst(7))
    }

    /// Whether `secret` is one of `secrets`; every candidate is compared, whatever matches.
    static func matches(_ secret: String, _ secrets: [String]) -> Bool {
        secrets.reduce(false) { found, candidate in ConstantTime.equal(secret, candidate) || found }
    }

    func requireIngestKey(_ request: Request) throws {
        guard let key = Self.bearer(request), Self.matches(key, configuration.ingestKeys) else {
            throw APIError(.unauthorized, code: "unauthorized", "the ingest API needs 'Authorization: Bearer INGEST_KEY'")
        }
    }

    /// The analyst calling the admin API: a bearer admin token (with the analyst named in
    /// `X-DistillGuard-Analyst`, default "api"), or a console session.
    func requireAdmin(_ request: Request) throws -> String {
        if let token = Self.bearer(request) {
            guard Self.matches(token, configuration.adminTokens) else {
                throw APIError(.unauthorized, code: "unauthorized", "the admin token is not valid")
            }
            let named = request.headers[HTTPField.Name("X-DistillGuard-Analyst")!] ?? ""
            return named.isEmpty ? "api" : String(named.prefix(80))
        }
        if let session = session(request) { return session.analyst }
        throw APIError(.unauthorized, code: "unauthorized", "the admin API needs 'Authorization: Bearer ADMIN_TOKEN' or a console login")
    }

    /// The console session of a request, if its cookie names a live one.
    func session(_ request: Request) -> Session? {
        guard let id = request.cookies[Self.cookieName]?.value else { return nil }
        let now = Date().timeIntervalSince1970
        return sessions.withLock { sessions in
            guard let session = sessions[id] else { return nil }
            guard session.expires > now else {
                sessions[id] = nil
                return nil
            }
            return session
        }
    }

    /// Starts a session when `token` is an admin token; returns the cookie value.
    func login(token: String, analyst: String) -> String? {
        guard Self.matches(token, configuration.adminTokens) else { return nil }
        let id = Self.randomToken()
        let now = Date().timeIntervalSince1970
        sessions.withLock { sessions in
            sessions = sessions.filter { $0.value.expires > now }
            sessions[id] = Session(analyst: analyst, formToken: Self.randomToken(), expires: now + configuration.sessionSeconds)
        }
        return id
    }

    func logout(_ request: Request) {
        guard let id = request.cookies[Self.cookieName]?.value else { return }
        sessions.withLock { $0[id] = nil }
    }

    /// 32 random bytes, hex.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}

/// An API error in DistillGuard's shape (`{"error": {"code", "message"}}`), with Retry-After when set.
struct APIError: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    var retryAfterSeconds: Int?

    init(_ status: HTTPResponse.Status, code: String, _ message: String, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// An ingest or validation request without a body: a client that meant to send events and did not.
    static let emptyBatch = APIError(.badRequest, code: "empty_body", "the request has no body: send contract events as JSON Lines")

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = Response.error(status, code: code, message: message)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        if let retryAfterSeconds { response.headers[.retryAfter] = String(retryAfterSeconds) }
        return response
    }
}
