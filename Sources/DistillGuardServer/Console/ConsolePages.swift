import DistillGuardCore
import DistillGuardStore
import Foundation

/// The console's pages, rendered from the analysis follower's view and the store.
struct ConsolePages {
    let view: AnalysisFollower.View
    let analyst: String
    let formToken: String

    // MARK: Overview

    func overview(traffic: [TrafficPoint], retention: RetentionSummary, backlog: Int) -> String {
        let result = view.result
        let review = result?.accounts.filter { $0.verdict == .review }.count ?? 0
        let attack = result?.accounts.filter { $0.verdict == .attack }.count ?? 0
        var body = "<h1>Overview</h1><div class=\"tiles\" id=\"tiles\">"
        let tiles: [(String, String)] = [
            ("events analyzed", HTML.count(result?.eventsAnalyzed ?? 0)), ("accounts", HTML.count(result?.accountsAnalyzed ?? 0)),
            ("accounts at attack", HTML.count(attack)), ("accounts at review", HTML.count(review)),
            ("clusters", HTML.count(result?.clusters.count ?? 0)), ("analyst decisions", HTML.count(view.decisions.count)),
            ("waiting for analysis", HTML.count(backlog)),
            ("raw text kept", "\(HTML.count(retention.withText)) of \(HTML.count(retention.events))"),
        ]
        for (name, value) in tiles {
            body += "<div class=\"tile\"><div class=\"value\">\(value)</div><div class=\"name\">\(name)</div></div>"
        }
        body += "</div>"
        if let saved = view.checkpointSavedAt {
            body += "<p class=\"empty\">Last checkpoint \(saved.rfc3339) at event sequence \(view.checkpointSequence).</p>"
        }
        body += "<section id=\"traffic\"><h2>Traffic (events per hour of event time)</h2>"
        body += SVGChart.bars(traffic.map { (Self.hourLabel($0.hour), Double($0.events)) }, title: "Events per hour")
        body += "</section><section id=\"flagged\"><h2>Flagged accounts and clusters over time (by when each was first flagged)</h2>"
        let hours = traffic.map(\.hour)
        let series = Self.flaggedOverTime(result, hours: hours)
        body += SVGChart.lines(
            [
                ("accounts at attack", "attack", series.attack), ("accounts at review", "review", series.review),
                ("clusters", "clusters", series.clusters),
            ],
            labels: hours.map(Self.hourLabel), title: "Flagged accounts and clusters")
        body += "</section>"
        body += "<section><h2>Clusters</h2>"
        body += HTML.table(
            ["Cluster", "Verdict", "Score", "Accounts", "Exchanges", "Top capability", "Decision"],
            (result?.clusters ?? []).map { c in
                [
                    "<a href=\"/console/clusters/\(HTML.segment(c.clusterID))\">\(HTML.escape(c.clusterID))</a>",
                    HTML.badge(c.verdict.rawValue),
                    HTML.number(c.score), HTML.count(c.accounts.count), HTML.count(c.exchanges),
                    HTML.escape(c.capabilities.first.map { "\($0.name) \(Int(($0.share * 100).rounded()))%" } ?? ""),
                    clusterDecision(c.clusterID).map { HTML.badge($0.ruling.rawValue) } ?? "",
                ]
            }, id: "clusters", emptyText: "No cluster of linked flagged accounts yet.")
        body += "</section><section><h2>Flagged accounts</h2>"
        body +=
            "<input class=\"filter\" type=\"search\" placeholder=\"Filter accounts\" data-filter=\"accounts\" aria-label=\"Filter accounts\">"
        let flagged = result?.accounts ?? []
        body += accountTable(Array(flagged.prefix(Self.accountRows)), id: "accounts")
        if flagged.count > Self.accountRows {
            body +=
                "<p class=\"empty\">The \(Self.accountRows) highest scores of \(HTML.count(flagged.count)) flagged accounts; all of them are in <code>GET /v1/verdicts</code>.</p>"
        }
        body += "</section><section><h2>Flagged templates</h2>"
        body += HTML.table(
            ["Template", "Verdict", "Score", "Accounts", "Exchanges", "Capability", "Skeleton"],
            (result?.templates ?? []).map { t in
                [
                    "<a href=\"/console/templates/\(HTML.segment(t.label))\">\(HTML.escape(t.label))</a>", HTML.badge(t.verdict.rawValue),
                    HTML.number(t.score), HTML.count(t.accounts), HTML.count(t.exchanges), HTML.escape(t.capability),
                    HTML.escape(String(t.skeleton.prefix(90))),
                ]
            }, id: "templates", emptyText: "No template flagged.")
        body += "</section>"
        return HTML.page(title: "Overview", analyst: analyst, body: body)
    }

    /// For each hour, how many accounts (by verdict) and clusters had been flagged by its end,
    /// from the event time at which each first crossed into its verdict.
    static func flaggedOverTime(_ result: AnalysisResult?, hours: [Timestamp]) -> (attack: [Double], review: [Double], clusters: [Double]) {
        func cumulative(_ times: [Timestamp]) -> [Double] {
            let sorted = times.sorted()
            var index = 0
            return hours.map { hour in
                let end = hour.adding(seconds: 3600)
                while index < sorted.count, sorted[index] < end { index += 1 }
                return Double(index)
            }
        }
        let accounts = result?.accounts ?? []
        return (
            cumulative(accounts.filter { $0.verdict == .attack }.compactMap(\.firstFlaggedAt)),
            cumulative(accounts.filter { $0.verdict == .review }.compactMap(\.firstFlaggedAt)),
            cumulative((result?.clusters ?? []).compactMap(\.firstFlaggedAt))
        )
    }

    /// Rows of the overview's account table (the highest scores; the rest are in the admin API).
    static let accountRows = 500

    func accountTable(_ accounts: [AccountVerdict], id: String) -> String {
        HTML.table(
            ["Account", "Verdict", "Score", "Cluster", "Exchanges", "First flagged", "Decision"],
            accounts.map { a in
                [
                    "<a href=\"/console/accounts/\(HTML.segment(a.accountID))\">\(HTML.escape(a.accountID))</a>",
                    HTML.badge(a.verdict.rawValue),
                    HTML.number(a.score),
                    a.clusterID.map { "<a href=\"/console/clusters/\(HTML.segment($0))\">\(HTML.escape($0))</a>" } ?? "",
                    HTML.count(a.exchanges), HTML.escape(a.firstFlaggedAt?.rfc3339 ?? ""),
                    view.ledger.accounts[a.accountID].map { HTML.badge($0.ruling.rawValue) } ?? "",
                ]
            }, id: id, emptyText: "No account flagged.")
    }

    // MARK: Cluster

    func cluster(_ c: ClusterVerdict, samples: [StoredEvent]) -> String {
        let result = view.result
        var body = "<h1>Cluster \(HTML.escape(c.clusterID)) \(HTML.badge(c.verdict.rawValue))</h1>"
        body +=
            "<section><p>Score \(HTML.number(c.score)) · \(HTML.count(c.accounts.count)) accounts · \(HTML.count(c.exchanges)) exchanges"
        if let first = c.firstFlaggedAt { body += " · first flagged \(HTML.escape(first.rfc3339))" }
        body += "</p><h2>Evidence</h2><ul class=\"evidence\">" + c.evidence.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>"
        body += "<h2>Links between members</h2>"
        body += HTML.table(
            ["Link", "Account pairs or accounts"],
            c.links.map { [HTML.escape($0.name.replacingOccurrences(of: "_", with: " ")), HTML.count($0.count)] })
        body += "</section>"
        body += decisionSection(subject: .cluster, id: c.clusterID, current: clusterDecision(c.clusterID))
        let members = c.accounts.compactMap { id in result?.accounts.first { $0.accountID == id } }
        body += "<section id=\"link-graph\"><h2>Link graph</h2>"
        let shown = Array(members.prefix(60))
        body += SVGChart.linkGraph(
            nodes: shown.map { ($0.accountID, $0.verdict.rawValue) }, edges: Self.edges(shown),
            title: "Accounts of \(c.clusterID) and what they share")
        if members.count > shown.count { body += "<p class=\"empty\">The first \(shown.count) of \(members.count) accounts are drawn.</p>" }
        body += "</section><section id=\"capabilities\"><h2>Capability mix</h2>"
        body += SVGChart.horizontal(c.capabilities.map { ($0.name, $0.share) }, title: "Capability mix") { "\(Int(($0 * 100).rounded()))%" }
        body += "</section><section id=\"timeline\"><h2>Timeline (exchanges per hour)</h2>"
        let start = result?.logStart
        body += SVGChart.bars(
            c.hourly.enumerated().map { hour, count in
                (start.map { Self.hourLabel($0.adding(seconds: Double(hour) * 3600)) } ?? "hour \(hour)", Double(count))
            }, title: "Exchanges per hour", cssClass: "bar-flagged")
        body += "</section><section id=\"templates\"><h2>Template skeletons</h2>"
        let templates = c.templates.map { label in (label, result?.templates.first { $0.label == label }) }
        body += HTML.table(
            ["Template", "Verdict", "Skeleton"],
            templates.map { label, t in
                [
                    "<a href=\"/console/templates/\(HTML.segment(label))\">\(HTML.escape(label))</a>",
                    t.map { HTML.badge($0.verdict.rawValue) } ?? "",
                    "<div class=\"prompt\">\(HTML.escape(t?.skeleton ?? "not flagged on its own"))</div>",
                ]
            }, emptyText: "No shared template.")
        body += "</section><section id=\"examples\"><h2>Example prompts (PII redacted)</h2>" + Self.examples(samples) + "</section>"
        body += "<section><h2>Accounts</h2>" + accountTable(members, id: "members") + "</section>"
        return HTML.page(title: "Cluster \(c.clusterID)", analyst: analyst, body: body)
    }

    /// Links between accounts that share a payment fingerprint, a non-webmail e-mail domain, an
    /// IP prefix or client software: the accounts sharing one value are chained in order, so the
    /// drawing shows groups without an edge for every pair.
    static func edges(_ accounts: [AccountVerdict]) -> [(a: Int, b: Int, kind: String)] {
        let kinds = ["shared_payment", "shared_email_domain", "shared_ip_prefix", "shared_client"]
        var groups: [[String: [Int]]] = Array(repeating: [:], count: kinds.count)
        for (index, account) in accounts.enumerated() {
            if let payment = account.paymentFingerprint { groups[0][payment, default: []].append(index) }
            if let domain = account.emailDomain, !EmailDomains.isFreeMail(domain) { groups[1][domain, default: []].append(index) }
            for prefix in account.artefacts.ipPrefixes { groups[2][prefix, default: []].append(index) }
            for client in account.artefacts.clients { groups[3][String(Artefacts.fingerprint(client)), default: []].append(index) }
        }
        var seen = Set<Int>()
        var edges: [(a: Int, b: Int, kind: String)] = []
        for (kind, byValue) in zip(kinds, groups) {
            for value in byValue.keys.sorted() {
                let members = byValue[value]!
                for (a, b) in zip(members, members.dropFirst()) where seen.insert(a * accounts.count + b).inserted {
                    edges.append((a, b, kind))
                }
            }
        }
        return edges
    }

    // MARK: Account

    func account(_ id: String, verdict: AccountVerdict?, samples: [StoredEvent], recent: [StoredEvent]) -> String {
        var body = "<h1>Account \(HTML.escape(id)) \(HTML.badge(verdict?.verdict.rawValue ?? "benign"))</h1><section>"
        if let v = verdict {
            body +=
                "<p>Score \(HTML.number(v.score)) · \(HTML.count(v.exchanges)) exchanges · seen \(HTML.escape(v.firstSeen.rfc3339)) to \(HTML.escape(v.lastSeen.rfc3339))"
            if let cluster = v.clusterID {
                body += " · cluster <a href=\"/console/clusters/\(HTML.segment(cluster))\">\(HTML.escape(cluster))</a>"
            }
            body += "</p><h2>Evidence</h2><ul class=\"evidence\">" + v.evidence.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>"
            body += "<h2>Signals (contribution to the score)</h2>"
            body += SVGChart.horizontal(v.signals.map { ($0.name, $0.contribution) }, title: "Signal contributions") { HTML.number($0) }
            body += "<h2>Infrastructure</h2>"
            var rows: [[String]] = []
            if let p = v.paymentFingerprint { rows.append(["payment fingerprint", HTML.escape(p)]) }
            if let d = v.emailDomain { rows.append(["e-mail domain", HTML.escape(d)]) }
            if !v.artefacts.ipPrefixes.isEmpty {
                rows.append(["IP prefixes", HTML.escape(v.artefacts.ipPrefixes.joined(separator: ", "))])
            }
            if !v.artefacts.asns.isEmpty { rows.append(["ASNs", HTML.escape(v.artefacts.asns.map(String.init).joined(separator: ", "))]) }
            for client in v.artefacts.clients { rows.append(["client", HTML.escape(client.userAgent ?? client.tlsFingerprint ?? "")]) }
            body += HTML.table(["", ""], rows)
        } else {
            body += "<p>The engine has not flagged this account: it is benign.</p>"
        }
        body += "</section>"
        body += decisionSection(
            subject: .account, id: id,
            current: view.ledger.accounts[id].map { entry in
                let through = entry.subject == .cluster ? " (through cluster \(entry.subjectID))" : ""
                return (entry.ruling, entry.analyst + through, entry.decidedAt)
            })
        body += "<section id=\"examples\"><h2>Example prompts (PII redacted)</h2>" + Self.examples(samples) + "</section>"
        body += "<section><h2>Recent exchanges</h2>"
        body += HTML.table(
            ["Time", "API", "Model", "Event id", "Text kept"],
            recent.map { e in
                [
                    HTML.escape(e.timestamp.rfc3339), HTML.escape(e.api), HTML.escape(e.model ?? ""), HTML.escape(e.id),
                    e.line.isEmpty ? "no" : "yes",
                ]
            }, emptyText: "No stored exchanges.")
        body += "</section>"
        return HTML.page(title: "Account \(id)", analyst: analyst, body: body)
    }

    // MARK: Template

    func template(_ t: TemplateVerdict) -> String {
        var body = "<h1>Template \(HTML.escape(t.label)) \(HTML.badge(t.verdict.rawValue))</h1><section>"
        body += HTML.table(
            ["", ""],
            [
                ["score", HTML.number(t.score)], ["accounts", HTML.count(t.accounts)], ["exchanges", HTML.count(t.exchanges)],
                ["capability", HTML.escape(t.capability)], ["reasoning elicited", "\(Int((t.cotRate * 100).rounded()))%"],
            ])
        body += "<h2>Skeleton</h2><div class=\"prompt\" id=\"skeleton\">\(HTML.escape(t.skeleton))</div>"
        body += "<h2>Example (PII redacted)</h2><div class=\"prompt\">\(HTML.escape(t.example))</div></section>"
        let clusters = (view.result?.clusters ?? []).filter { $0.templates.contains(t.label) }
        body += "<section><h2>Clusters using it</h2>"
        body += HTML.table(
            ["Cluster", "Verdict", "Accounts"],
            clusters.map {
                [
                    "<a href=\"/console/clusters/\(HTML.segment($0.clusterID))\">\(HTML.escape($0.clusterID))</a>",
                    HTML.badge($0.verdict.rawValue), HTML.count($0.accounts.count),
                ]
            }, emptyText: "No cluster.")
        body += "</section>"
        return HTML.page(title: "Template \(t.label)", analyst: analyst, body: body)
    }

    // MARK: Pieces

    func clusterDecision(_ id: String) -> AnalystDecision? {
        view.decisions.last { $0.subject == .cluster && $0.subjectID == id }
    }

    func decisionSection(subject: AnalystDecision.Subject, id: String, current: AnalystDecision?) -> String {
        decisionSection(subject: subject, id: id, current: current.map { ($0.ruling, $0.analyst, $0.decidedAt) })
    }

    /// The decision form and history; `current` is the ruling in force, who made it (and through what), and when.
    func decisionSection(subject: AnalystDecision.Subject, id: String, current: (AnalystDecision.Ruling, String, Timestamp)?) -> String {
        var html = "<section id=\"decision\"><h2>Decision</h2>"
        if let (ruling, by, at) = current {
            html += "<p id=\"current-decision\">\(HTML.badge(ruling.rawValue)) by \(HTML.escape(by)) on \(HTML.escape(at.rfc3339))</p>"
        } else {
            html += "<p id=\"current-decision\" class=\"empty\">No analyst has decided on this \(subject.rawValue) yet.</p>"
        }
        html +=
            "<form class=\"decision\" method=\"post\" action=\"/console/decisions\" data-confirm=\"Record this decision on \(subject.rawValue) \(HTML.escape(id))?\">"
        html += "<input type=\"hidden\" name=\"form_token\" value=\"\(HTML.escape(formToken))\">"
        html += "<input type=\"hidden\" name=\"subject\" value=\"\(subject.rawValue)\">"
        html += "<input type=\"hidden\" name=\"subject_id\" value=\"\(HTML.escape(id))\">"
        html += "<input type=\"text\" name=\"note\" placeholder=\"Note (what you checked)\" aria-label=\"Note\">"
        html += "<button class=\"confirm\" type=\"submit\" name=\"ruling\" value=\"confirmed\">Confirm campaign</button>"
        html += "<button class=\"dismiss\" type=\"submit\" name=\"ruling\" value=\"dismissed\">Dismiss (legitimate)</button></form>"
        let history = view.decisions.filter { $0.subject == subject && $0.subjectID == id }.reversed()
        if !history.isEmpty {
            html += HTML.table(
                ["When", "Analyst", "Ruling", "Note"],
                history.map {
                    [HTML.escape($0.decidedAt.rfc3339), HTML.escape($0.analyst), HTML.badge($0.ruling.rawValue), HTML.escape($0.note)]
                })
        }
        return html + "</section>"
    }

    /// The last user message of each sample, redacted (e-mail addresses, numbers, keys, names).
    static func examples(_ samples: [StoredEvent]) -> String {
        let texts: [(StoredEvent, String)] = samples.compactMap { sample in
            var line = sample.line
            guard case .success(let event)? = line.withUTF8({ EventBatch.decodeLine(UnsafeRawBufferPointer($0)) }) else { return nil }
            let text = event.exchange.lastUserText
            return text.isEmpty ? nil : (sample, Redaction.redact(String(text.prefix(800))))
        }
        guard !texts.isEmpty else {
            return "<p class=\"empty\">No example kept (raw text is kept for evidence samples and the retention window).</p>"
        }
        return texts.map { sample, text in
            "<p class=\"empty\">\(HTML.escape(sample.accountID)) · \(HTML.escape(sample.timestamp.rfc3339))</p><div class=\"prompt example\">\(HTML.escape(text))</div>"
        }.joined()
    }

    static func hourLabel(_ time: Timestamp) -> String {
        let text = time.rfc3339
        return String(text.prefix(13)).replacingOccurrences(of: "T", with: " ") + "h"
    }

    // MARK: Login

    static func login(error: String?) -> String {
        var body = "<section class=\"login\"><h1>Sign in</h1>"
        if let error { body += "<p class=\"error\" id=\"login-error\">\(HTML.escape(error))</p>" }
        body += "<form method=\"post\" action=\"/console/login\">"
        body +=
            "<label for=\"analyst\">Your name (recorded with your decisions)</label><input id=\"analyst\" name=\"analyst\" type=\"text\" required maxlength=\"80\">"
        body +=
            "<label for=\"token\">Admin token</label><input id=\"token\" name=\"token\" type=\"password\" required autocomplete=\"current-password\">"
        body += "<p><button type=\"submit\">Sign in</button></p></form></section>"
        return HTML.page(title: "Sign in", analyst: nil, body: body)
    }

    static func notFound(_ what: String, analyst: String) -> String {
        HTML.page(
            title: "Not found", analyst: analyst,
            body: "<h1>Not found</h1><p>\(HTML.escape(what))</p><p><a href=\"/console\">Back to the overview</a></p>")
    }
}
