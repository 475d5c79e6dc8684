import DistillGuardCore
import DistillGuardStore
import Foundation
import HTTPTypes
import Hummingbird

/// The investigation console under `/console`: server-rendered HTML and inline SVG.
///
/// Every page but the sign-in form needs a session (an admin token entered once); without one a
/// page redirects to the sign-in form. Forms carry a per-session token so that another site
/// cannot post decisions with an analyst's cookie.
struct ConsoleRoutes {
    let store: any ServiceStore
    let follower: AnalysisFollower
    let access: AccessControl
    let secureCookies: Bool

    static let securityHeaders: [(HTTPField.Name, String)] = [
        (
            .contentSecurityPolicy,
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        ),
        (HTTPField.Name("X-Content-Type-Options")!, "nosniff"),
        (HTTPField.Name("Referrer-Policy")!, "no-referrer"),
        (.cacheControl, "no-store"),
    ]

    func register(on router: Router<some RequestContext>) {
        router.get("/") { _, _ in Self.redirect("/console") }
        router.get("/console/assets/console.css") { _, _ in Self.asset(ConsoleAssets.css, type: "text/css; charset=utf-8") }
        router.get("/console/assets/favicon.svg") { _, _ in Self.asset(ConsoleAssets.favicon, type: "image/svg+xml") }
        router.get("/favicon.ico") { _, _ in Self.asset(ConsoleAssets.favicon, type: "image/svg+xml") }
        router.get("/console/assets/console.js") { _, _ in Self.asset(ConsoleAssets.javascript, type: "text/javascript; charset=utf-8") }
        router.get("/console/login") { request, _ in
            access.session(request) != nil ? Self.redirect("/console") : Self.html(ConsolePages.login(error: nil))
        }
        router.post("/console/login") { request, _ -> Response in
            let fields = HTML.formFields(String(buffer: try await request.body.collect(upTo: 64 << 10)))
            let analyst = (fields["analyst"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !analyst.isEmpty else { return Self.html(ConsolePages.login(error: "Enter your name."), status: .badRequest) }
            guard let session = access.login(token: fields["token"] ?? "", analyst: String(analyst.prefix(80))) else {
                return Self.html(ConsolePages.login(error: "That admin token is not valid."), status: .unauthorized)
            }
            var response = Self.redirect("/console")
            response.setCookie(
                Cookie(
                    name: AccessControl.cookieName, value: session, maxAge: Int(access.configuration.sessionSeconds), path: "/",
                    secure: secureCookies, httpOnly: true, sameSite: .strict))
            return response
        }
        router.post("/console/logout") { request, _ -> Response in
            access.logout(request)
            var response = Self.redirect("/console/login")
            response.setCookie(Cookie(name: AccessControl.cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict))
            return response
        }
        router.get("/console") { request, _ -> Response in
            guard let session = access.session(request) else { return Self.redirect("/console/login") }
            async let traffic = store.traffic(limit: 24 * 14)
            async let retention = store.retentionSummary()
            let pages = ConsolePages(view: follower.view, analyst: session.analyst, formToken: session.formToken)
            return Self.html(
                pages.overview(traffic: try await traffic, retention: try await retention, backlog: follower.backlog))
        }
        router.get("/console/clusters/:id") { request, context -> Response in
            guard let session = access.session(request) else { return Self.redirect("/console/login") }
            let id = Self.parameter("id", context)
            let pages = ConsolePages(view: follower.view, analyst: session.analyst, formToken: session.formToken)
            guard let cluster = pages.view.result?.clusters.first(where: { $0.clusterID == id }) else {
                return Self.html(
                    ConsolePages.notFound(
                        "No cluster \(id) in the latest analysis (cluster ids are renumbered as analysis runs).", analyst: session.analyst),
                    status: .notFound)
            }
            var samples: [StoredEvent] = []
            for account in cluster.accounts.prefix(4) { samples += try await store.samples(account: account, limit: 2) }
            return Self.html(pages.cluster(cluster, samples: samples))
        }
        router.get("/console/accounts/:id") { request, context -> Response in
            guard let session = access.session(request) else { return Self.redirect("/console/login") }
            let id = Self.parameter("id", context)
            let pages = ConsolePages(view: follower.view, analyst: session.analyst, formToken: session.formToken)
            let verdict = pages.view.result?.accounts.first { $0.accountID == id }
            let recent = try await store.recentEvents(account: id, limit: 50)
            guard verdict != nil || !recent.isEmpty || pages.view.ledger.accounts[id] != nil else {
                return Self.html(ConsolePages.notFound("No account \(id) has been seen.", analyst: session.analyst), status: .notFound)
            }
            let samples = try await store.samples(account: id, limit: 5)
            return Self.html(pages.account(id, verdict: verdict, samples: samples, recent: recent))
        }
        router.get("/console/templates/:label") { request, context -> Response in
            guard let session = access.session(request) else { return Self.redirect("/console/login") }
            let label = Self.parameter("label", context)
            let pages = ConsolePages(view: follower.view, analyst: session.analyst, formToken: session.formToken)
            guard let template = pages.view.result?.templates.first(where: { $0.label == label }) else {
                return Self.html(
                    ConsolePages.notFound("Template \(label) is not flagged in the latest analysis.", analyst: session.analyst),
                    status: .notFound)
            }
            return Self.html(pages.template(template))
        }
        router.post("/console/decisions") { request, _ -> Response in
            guard let session = access.session(request) else { return Self.redirect("/console/login") }
            let fields = HTML.formFields(String(buffer: try await request.body.collect(upTo: 64 << 10)))
            guard let token = fields["form_token"], ConstantTime.equal(token, session.formToken) else {
                throw APIError(.forbidden, code: "form_expired", "the form is stale or came from another site; reload the page")
            }
            let decision = try DecisionRequest(
                subject: fields["subject"], subjectID: fields["subject_id"], ruling: fields["ruling"], note: fields["note"]
            ).decision(analyst: session.analyst, view: follower.view)
            _ = try await follower.record(decision)
            let path = decision.subject == .cluster ? "/console/clusters/" : "/console/accounts/"
            return Self.redirect(path + HTML.segment(decision.subjectID))
        }
    }

    /// A path parameter, percent-decoded (links percent-encode ids, which may hold any character).
    static func parameter(_ name: String, _ context: some RequestContext) -> String {
        let raw = context.parameters.get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var response = Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        for (name, value) in securityHeaders { response.headers[name] = value }
        return response
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "max-age=300", HTTPField.Name("X-Content-Type-Options")!: "nosniff"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}

/// A decision as posted (console form or admin API), checked against the latest analysis.
struct DecisionRequest {
    static let maximumNoteLength = 2000

    var subject: String?
    var subjectID: String?
    var ruling: String?
    var note: String?

    func decision(analyst: String, view: AnalysisFollower.View) throws -> AnalystDecision {
        guard let subject = subject.flatMap(AnalystDecision.Subject.init(rawValue:)) else {
            throw APIError(.badRequest, code: "invalid_decision", "subject must be 'account' or 'cluster'")
        }
        guard let ruling = ruling.flatMap(AnalystDecision.Ruling.init(rawValue:)) else {
            throw APIError(.badRequest, code: "invalid_decision", "ruling must be 'confirmed' or 'dismissed'")
        }
        guard let id = subjectID?.trimmingCharacters(in: .whitespaces), !id.isEmpty, id.count <= 200 else {
            throw APIError(.badRequest, code: "invalid_decision", "subject_id must name the account or cluster (1 to 200 characters)")
        }
        let note = note ?? ""
        guard note.count <= Self.maximumNoteLength else {
            throw APIError(
                .badRequest, code: "invalid_decision", "note must be at most \(Self.maximumNoteLength) characters (it has \(note.count))")
        }
        let accounts: [String]
        switch subject {
        case .account:
            accounts = [id]
        case .cluster:
            guard let cluster = view.result?.clusters.first(where: { $0.clusterID == id }) else {
                throw APIError(.notFound, code: "unknown_cluster", "no cluster \(id) in the latest analysis")
            }
            accounts = cluster.accounts
        }
        return AnalystDecision(
            subject: subject, subjectID: id, ruling: ruling, analyst: analyst, note: note,
            decidedAt: Timestamp(seconds: Date().timeIntervalSince1970), accounts: accounts)
    }
}
