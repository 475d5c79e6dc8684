import DistillGuardCore
import DistillGuardServer
import DistillGuardStore
import DistillGuardTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The always-on service over HTTP: ingest, analysis, decisions, access control, operations.
/// Every test runs against SQLite and against a real PostgreSQL server.
struct ServiceTests {
    typealias Backend = ServiceHarness.Backend
    let campaign = CraftedLog.harvestingCampaign()

    @Test(arguments: Backend.allCases)
    func ingestAnswersEveryLineAndIsIdempotentById(backend: Backend) async throws {
        try await ServiceHarness.run(backend) { harness, client in
            let valid = campaign.timeOrderedLines
            let lines = [valid[0], "", "{not json", #"{"id":"x"}"#, valid[1], valid[0]]
            try await client.execute(uri: "/v1/events", method: .post, headers: harness.ingest, body: ServiceHarness.batch(lines)) {
                response in
                #expect(response.status == .ok)
                let json = try ServiceHarness.json(response.body)
                #expect(json["accepted"] == 2 && json["duplicates"] == 1 && json["rejected"] == 2)
                let statuses = json["lines"]?.arrayValue?.map { $0["status"]?.stringValue ?? "" }
                #expect(statuses == ["accepted", "blank", "rejected", "rejected", "accepted", "duplicate"])
                let bad = json["lines"]?.arrayValue?[2]
                #expect(bad?["line"] == 3 && bad?["code"] == "invalid_json")
                #expect(json["lines"]?.arrayValue?[3]["field"]?.stringValue?.isEmpty == false, "a rejection names the field")
            }
            try await client.execute(uri: "/v1/events", method: .post, headers: harness.ingest, body: ServiceHarness.batch(valid)) {
                response in
                let json = try ServiceHarness.json(response.body)
                #expect(json["accepted"] == .int(Int64(valid.count - 2)) && json["duplicates"] == 2)
            }
            #expect(try await harness.store.eventCount() == valid.count)
            let firstAccount = try EventDecoder.decode(line: valid[0]).accountID
            let kept = try await harness.store.recentEvents(account: firstAccount, limit: 100).map(\.line)
            #expect(kept.contains(valid[0]), "the line is kept exactly as received")
            let stored = try await harness.store.events(after: 0, limit: 1)
            #expect(stored.first?.event.features != nil, "with the feature row made at ingest, which analysis reads")
            try await harness.waitForAnalysis(events: valid.count)
            let result = try #require(harness.follower.view.result)
            #expect(result.eventsAnalyzed == valid.count, "each event is analyzed once")
            #expect(result.clusters.count == 1 && result.clusters[0].accounts.count == 12)
        }
    }

    /// Analysis reads feature rows; a row of another layout (a replica of another version) by its
    /// line instead; a damaged row with no line to fall back on is counted as unreadable.
    @Test(arguments: Backend.allCases)
    func analysisReadsFeatureRowsAndFallsBackToTheLine(backend: Backend) async throws {
        try await ServiceHarness.run(backend) { harness, _ in
            let lines = Array(campaign.timeOrderedLines.prefix(3))
            var stored: [StoredEvent] = []
            for line in lines {
                let event = try EventDecoder.decode(line: line)
                stored.append(StoredEvent(event, line: line, features: ExchangeFeatures(event)))
            }
            stored[1].features![0] = FeatureRow.version &+ 1
            stored[2].features!.removeLast(4)
            _ = try await harness.store.insert(stored)
            try await harness.follower.drain()
            let result = try #require(harness.follower.view.result)
            #expect(result.eventsAnalyzed == 2, "the row, and the line of the row of another layout")
            #expect(result.eventsRejected == 1, "the damaged row")
        }
    }

    @Test(arguments: Backend.allCases)
    func drainPublishesAtOnceWhatWasStoredBeforeIt(backend: Backend) async throws {
        // A refresh interval far longer than the test: only the drain's own refresh can publish.
        let settings = AnalysisSettings(refreshSeconds: 3600, checkpointSeconds: 3600)
        try await ServiceHarness.run(backend, settings: settings) { harness, client in
            try await Wait.on("analysis to drain") { try await harness.follower.drain() }
            #expect(harness.follower.view.result == nil, "nothing stored, nothing published")
            let lines = campaign.timeOrderedLines
            for (index, half) in [lines[..<(lines.count / 2)], lines[(lines.count / 2)...]].enumerated() {
                try await client.execute(
                    uri: "/v1/events", method: .post, headers: harness.ingest, body: ServiceHarness.batch(Array(half))
                ) { #expect($0.status == .ok) }
                try await Wait.on("analysis to drain") { try await harness.follower.drain() }
                let analyzed = harness.follower.view.result?.eventsAnalyzed
                #expect(analyzed == (index == 0 ? lines.count / 2 : lines.count), "drain \(index + 1)")
                #expect(harness.follower.snapshot.eventsAnalyzed == analyzed, "the decision API enforces what the drain published")
                #expect(harness.follower.view.processedSequence == (try await harness.store.latestSequence()))
            }
        }
    }

    /// curl (and libcurl-based shippers) send `Expect: 100-continue` with large bodies and hold the
    /// body back until the server answers `100 Continue`, for one second by default. Here curl is
    /// told to wait as long as the hang guard: without the interim answer the test fails, slowly.
    @Test func largeBatchesFromCurlGetAnImmediateContinue() async throws {
        try await ServiceHarness.serve(.sqlite) { harness, url in
            let directory = TemporaryDirectory()
            let batch = directory.write("batch.jsonl", text: campaign.timeOrderedLines.joined(separator: "\n") + "\n")
            let (status, output) = try await ExternalCommand.runWithoutBlocking([
                "curl", "-sS", "-v", "--expect100-timeout", String(Wait.hangGuard.components.seconds), "-H", "Expect: 100-continue",
                "-H", "Authorization: Bearer \(ServiceHarness.ingestKey)", "--data-binary", "@\(batch)",
                url + "/v1/events",
            ])
            #expect(status == 0, "\(output)")
            #expect(output.contains("< HTTP/1.1 100 Continue"), "\(output)")
            #expect(output.contains("< HTTP/1.1 200 OK"), "\(output)")
            #expect(try await harness.store.eventCount() == campaign.lines.count)
        }
    }

    @Test(arguments: Backend.allCases)
    func refusesWithoutTheRightCredential(backend: Backend) async throws {
        try await ServiceHarness.run(backend) { harness, client in
            let body = ServiceHarness.batch([campaign.lines[0]])
            for headers: HTTPFields in [[:], [.authorization: "Bearer wrong-key-0123456789"], harness.admin] {
                try await client.execute(uri: "/v1/events", method: .post, headers: headers, body: body) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.wwwAuthenticate] == "Bearer")
                }
            }
            for uri in ["/v1/verdicts", "/v1/decisions", "/v1/labels", "/v1/status", "/v1/history"] {
                for headers: HTTPFields in [[:], harness.ingest, [.authorization: "Bearer \(ServiceHarness.adminToken)x"]] {
                    try await client.execute(uri: uri, method: .get, headers: headers) { response in
                        #expect(response.status == .unauthorized, "\(uri)")
                    }
                }
            }
            try await client.execute(uri: "/v1/decisions", method: .post, headers: harness.ingest, body: ByteBuffer(string: "{}")) {
                response in
                #expect(response.status == .unauthorized)
            }
            for uri in ["/console", "/console/clusters/cluster-0001", "/console/accounts/a", "/console/templates/T-0001"] {
                try await client.execute(uri: uri, method: .get, headers: [.cookie: "dg_session=forged"]) { response in
                    #expect(response.status == .seeOther && response.headers[.location] == "/console/login", "\(uri)")
                }
            }
            try await client.execute(
                uri: "/console/decisions", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "subject=account&subject_id=a&ruling=dismissed")
            ) { response in
                #expect(response.status == .seeOther && response.headers[.location] == "/console/login")
            }
            try await client.execute(
                uri: "/console/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "analyst=mallory&token=\(ServiceHarness.ingestKey)")
            ) { response in
                #expect(response.status == .unauthorized, "the ingest key does not open the console")
                #expect(response.headers[.setCookie] == nil)
            }
            #expect(harness.follower.view.decisions.isEmpty)
            // Operations endpoints are open (no secrets, no prompt text).
            try await client.execute(uri: "/health", method: .get) { response in #expect(response.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get) { response in #expect(response.status == .ok) }
        }
    }

    @Test(arguments: [false, true])
    func signingInSetsAStrictSessionCookieAndPagesCarryASecurityPolicy(secure: Bool) async throws {
        try await ServiceHarness.run(.sqlite, secureCookies: secure) { harness, client in
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let cookie = try await client.execute(
                uri: "/console/login", method: .post, headers: form,
                body: ByteBuffer(string: "analyst=Ann+Lee&token=\(ServiceHarness.adminToken)")
            ) { response -> String in
                #expect(response.status == .seeOther && response.headers[.location] == "/console")
                let cookie = try #require(response.headers[.setCookie])
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
                #expect(cookie.contains("Secure") == secure)
                return String(cookie.split(separator: ";")[0])
            }
            try await client.execute(uri: "/console", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
                #expect(String(buffer: response.body).contains("Ann Lee"))
            }
            // A decision form posted without the session's form token (another site's form) is refused.
            try await client.execute(
                uri: "/console/decisions", method: .post, headers: form + [.cookie: cookie],
                body: ByteBuffer(string: "subject=account&subject_id=a&ruling=dismissed&form_token=guess")
            ) { response in
                #expect(response.status == .forbidden)
            }
            #expect(harness.follower.view.decisions.isEmpty)
        }
    }

    @Test func pagesEscapeWhatTrafficControls() async throws {
        // Account ids, prompts and user agents come from traffic: a page must show them, never run them.
        try await ServiceHarness.run(.sqlite) { harness, client in
            let hostile = "<script>alert(1)</script>\"'&"
            var log = CraftedLog()
            log.add(account: hostile, at: Timestamp(rfc3339: "2026-02-01T00:00:00Z")!, prompt: "<img src=x onerror=alert(2)> hello")
            try await client.execute(uri: "/v1/events", method: .post, headers: harness.ingest, body: ServiceHarness.batch(log.lines)) {
                response in #expect(String(buffer: response.body).contains(#""accepted":1"#))
            }
            try await harness.waitForAnalysis(events: 1)
            let cookie = try await client.execute(
                uri: "/console/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "analyst=%3Cb%3Eeve%3C%2Fb%3E&token=\(ServiceHarness.adminToken)")
            ) { response in String(try #require(response.headers[.setCookie]).split(separator: ";")[0]) }
            let path = "/console/accounts/" + hostile.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            try await client.execute(uri: path, method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"))
                #expect(!page.contains("<script>alert") && !page.contains("<img src=x"))
                #expect(page.contains("&lt;b&gt;eve&lt;/b&gt;"), "the analyst's name is escaped too")
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func decisionsChangeTheViewAndBecomeLabels(backend: Backend) async throws {
        try await ServiceHarness.run(backend) { harness, client in
            let lines = campaign.timeOrderedLines
            try await client.execute(uri: "/v1/events", method: .post, headers: harness.ingest, body: ServiceHarness.batch(lines)) { _ in }
            try await harness.waitForAnalysis(events: lines.count)
            let cluster = try #require(harness.follower.view.result?.clusters.first)
            let confirm =
                #"{"subject":"cluster","subject_id":"\#(cluster.clusterID)","ruling":"confirmed","note":"one card, one template"}"#
            try await client.execute(uri: "/v1/decisions", method: .post, headers: harness.admin, body: ByteBuffer(string: confirm)) {
                response in
                #expect(response.status == .created)
                let json = try ServiceHarness.json(response.body)
                #expect(json["analyst"] == "carol" && json["accounts"]?.arrayValue?.count == 12)
            }
            let dismiss = #"{"subject":"account","subject_id":"harvester-3","ruling":"dismissed"}"#
            try await client.execute(uri: "/v1/decisions", method: .post, headers: harness.admin, body: ByteBuffer(string: dismiss)) {
                response in
                #expect(response.status == .created)
            }
            for (body, message) in [
                (#"{"subject":"cluster","subject_id":"cluster-9999","ruling":"confirmed"}"#, "no cluster cluster-9999"),
                (#"{"subject":"account","subject_id":"a","ruling":"maybe"}"#, "ruling must be 'confirmed' or 'dismissed'"),
                (#"{"subject":"org","subject_id":"a","ruling":"confirmed"}"#, "subject must be 'account' or 'cluster'"),
                ("not json", "the body is not JSON"),
            ] {
                try await client.execute(uri: "/v1/decisions", method: .post, headers: harness.admin, body: ByteBuffer(string: body)) {
                    response in
                    #expect(response.status == .badRequest || response.status == .notFound)
                    #expect(String(buffer: response.body).contains(message), "\(body)")
                }
            }
            try await client.execute(uri: "/v1/labels", method: .get, headers: harness.admin) { response in
                let labels = String(buffer: response.body).split(separator: "\n").map { try! JSONParser.parse(String($0)) }
                #expect(labels.count == 12)
                #expect(labels.filter { $0["label"] == "attack" }.count == 11)
                #expect(labels.contains { $0["account_id"] == "harvester-3" && $0["label"] == "benign" })
            }
            try await client.execute(uri: "/v1/verdicts", method: .get, headers: harness.admin) { response in
                let json = try ServiceHarness.json(response.body)
                #expect(json["events_analyzed"] == .int(Int64(lines.count)))
                #expect(json["accounts"]?.arrayValue?.contains { $0["account_id"] == "harvester-0" && $0["verdict"] == "attack" } == true)
                #expect(json["decisions"]?.arrayValue?.count == 2)
            }
            #expect(try await harness.store.decisions().count == 2, "decisions are stored for good")
        }
    }

    @Test(arguments: Backend.allCases)
    func eventsArrivingOutOfOrderAreAnalyzed(backend: Backend) async throws {
        // Several shippers send concurrently, so batches interleave: here the newest batch comes first.
        try await ServiceHarness.run(backend) { harness, client in
            let lines = campaign.timeOrderedLines
            let chunks = stride(from: 0, to: lines.count, by: 100).map { Array(lines[$0..<min($0 + 100, lines.count)]) }
            for chunk in chunks.reversed() {
                try await client.execute(uri: "/v1/events", method: .post, headers: harness.ingest, body: ServiceHarness.batch(chunk)) {
                    response in #expect(response.status == .ok)
                }
            }
            try await harness.waitForAnalysis(events: lines.count)
            let result = try #require(harness.follower.view.result)
            #expect(result.eventsAnalyzed == lines.count)
            #expect(result.outOfOrderEvents > 0)
            #expect(result.clusters.first?.accounts.count == 12, "the campaign is still found")
            #expect(result.clusters.first?.hourly.reduce(0, +) ?? 0 > 0)
        }
    }

    @Test(arguments: Backend.allCases)
    func retentionKeepsEvidenceSamplesAndTheWindowOnly(backend: Backend) async throws {
        // The campaign spans 20 hours; with a one-hour window only the last hour and the evidence
        // samples of flagged accounts keep their text after a checkpoint.
        let settings = AnalysisSettings(refreshSeconds: 0.05, checkpointSeconds: 0.05, rawRetentionHours: 1, evidencePerAccount: 3)
        try await ServiceHarness.run(backend, settings: settings) { harness, client in
            let lines = campaign.timeOrderedLines
            try await client.execute(uri: "/v1/events", method: .post, headers: harness.ingest, body: ServiceHarness.batch(lines)) { _ in }
            try await harness.waitForAnalysis(events: lines.count)
            try await Wait.until("a checkpoint to apply retention") { try await harness.store.retentionSummary().withText < lines.count }
            let summary = try await harness.store.retentionSummary()
            #expect(summary.events == lines.count, "compact rows stay")
            #expect(summary.evidence == 12 * 3, "three samples for each of the twelve flagged accounts")
            #expect(summary.withText < lines.count / 4, "\(summary)")
            let samples = try await harness.store.samples(account: "harvester-0", limit: 5)
            #expect(samples.count == 3 && samples.allSatisfy { !$0.line.isEmpty })
            #expect(
                try await harness.store.samples(account: "user-0", limit: 5).count <= 2, "an unflagged account keeps only its last hour")
        }
    }

    @Test(arguments: Backend.allCases)
    func backPressureAnswers429WithRetryAfterInsteadOfQueueing(backend: Backend) async throws {
        let settings = AnalysisSettings(maximumBacklog: 5)
        try await ServiceHarness.run(backend, settings: settings, runAnalysis: false) { harness, client in
            let lines = campaign.timeOrderedLines
            try await client.execute(
                uri: "/v1/events", method: .post, headers: harness.ingest, body: ServiceHarness.batch(Array(lines.prefix(8)))
            ) { response in
                #expect(response.status == .ok, "below the limit when it arrived")
            }
            try await client.execute(
                uri: "/v1/events", method: .post, headers: harness.ingest, body: ServiceHarness.batch(Array(lines[8..<10]))
            ) { response in
                #expect(response.status == .tooManyRequests)
                let retry = try #require(response.headers[.retryAfter].flatMap(Int.init))
                #expect(retry >= 1 && retry <= 60)
                #expect(String(buffer: response.body).contains("backlog_full"))
            }
            #expect(try await harness.store.eventCount() == 8, "the refused batch was not stored; the client sends it again")
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"dg_ingest_throttled_total{cause="backlog"} 1"#))
                #expect(text.contains("dg_ingest_backlog 8"))
            }
        }
    }

    /// Every metric docs/service.md lists is in the exposition from the start, at zero: a
    /// dashboard or alert on it never sees "no data" from a service that has simply been quiet.
    @Test func everyDocumentedMetricIsPresentFromTheStart() async throws {
        let documented = [
            #"dg_ingest_lines_total{result="accepted"} 0"#, #"dg_ingest_lines_total{result="duplicate"} 0"#,
            #"dg_ingest_lines_total{result="rejected"} 0"#, #"dg_ingest_throttled_total{cause="backlog"} 0"#,
            #"dg_ingest_throttled_total{cause="concurrency"} 0"#, "dg_ingest_backlog 0", "dg_events_analyzed_total 0",
            "dg_events_unreadable_total 0", "dg_checkpoints_total 0", "dg_raw_text_pruned_total 0",
            #"dg_flagged_accounts{verdict="review"} 0"#, #"dg_flagged_accounts{verdict="attack"} 0"#,
        ]
        try await ServiceHarness.run(.sqlite, runAnalysis: false) { _, client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                let lines = Set(String(buffer: response.body).split(separator: "\n").map(String.init))
                for series in documented { #expect(lines.contains(series), "\(series) is missing") }
                for family in documented.map({ String($0.prefix { $0 != "{" && $0 != " " }) }) {
                    #expect(lines.contains { $0.hasPrefix("# TYPE \(family) ") }, "\(family) has no TYPE line")
                }
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func aBatchTooLargeIsRefusedWithAClearError(backend: Backend) async throws {
        try await ServiceHarness.run(backend) { harness, client in
            let big = ByteBuffer(string: String(repeating: campaign.lines[0] + "\n", count: (1 << 20) / campaign.lines[0].utf8.count + 2))
            try await client.execute(uri: "/v1/events", method: .post, headers: harness.ingest, body: big) { response in
                #expect(response.status == .contentTooLarge)
                #expect(String(buffer: response.body).contains("split the batch"))
            }
            #expect(try await harness.store.eventCount() == 0)
        }
    }

    @Test(arguments: Backend.allCases)
    func restartingResumesFromTheCheckpointWithoutCountingTwice(backend: Backend) async throws {
        // The same store, with analysis stopped and started again (as after a crash, the engine
        // comes from the checkpoint and reads only what came after it).
        try await ServiceHarness.withStore(backend) { store in
            let lines = campaign.timeOrderedLines
            let half = lines.count / 2
            let settings = AnalysisSettings(refreshSeconds: 0.05, checkpointSeconds: 0.05)
            let first = AnalysisFollower(store: store, settings: settings, metrics: MetricsRegistry(), logger: ServiceHarness.logger)
            _ = try await store.insert(lines.prefix(half).map { StoredEvent(try! EventDecoder.decode(line: $0), line: $0) })
            let task = Task { try await first.run() }
            try await Wait.until("the first follower to checkpoint the first half") {
                first.view.checkpointSequence == Int64(half) && first.view.result?.eventsAnalyzed == half
            }
            task.cancel()
            _ = try? await task.value
            #expect(try await store.checkpoint()?.sequence ?? 0 > 0)

            _ = try await store.insert(lines.map { StoredEvent(try! EventDecoder.decode(line: $0), line: $0) })
            let metrics = MetricsRegistry()
            let second = AnalysisFollower(store: store, settings: settings, metrics: metrics, logger: ServiceHarness.logger)
            try await second.prepare()
            // /metrics shows the restored verdicts before any new activity, and its counters at zero.
            let restored = try #require(second.view.result)
            let attack = restored.accounts.filter { $0.verdict == .attack }.count
            #expect(attack > 0)
            let exposition = metrics.render()
            #expect(exposition.contains(#"dg_flagged_accounts{verdict="attack"} \#(attack)"#), "\(exposition)")
            #expect(exposition.contains("dg_events_analyzed_total 0") && exposition.contains("dg_checkpoints_total 0"))
            let waiting = try await store.eventCount(after: second.view.processedSequence)
            #expect(waiting > 0 && exposition.contains("dg_ingest_backlog \(waiting)"))
            let again = Task { try await second.run() }
            try await Wait.until("the second follower to analyze every event") {
                second.view.result?.eventsAnalyzed ?? 0 >= lines.count && second.backlog == 0
            }
            again.cancel()
            _ = try? await again.value
            #expect(second.view.result?.eventsAnalyzed == lines.count)
            #expect(second.view.result?.clusters.first?.accounts.count == 12)
        }
    }
}
