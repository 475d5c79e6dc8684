import DistillGuardCore
import DistillGuardTesting
import Foundation
import Testing

/// The engine's state survives a snapshot: a restored engine goes on exactly as one that never stopped.
struct EngineSnapshotTests {
    let log = CraftedLog.harvestingCampaign()

    func sortedEvents() -> [Event] { log.events.sorted { $0.timestamp < $1.timestamp } }

    /// The analysis of the whole log in one go.
    func uninterrupted() -> AnalysisResult {
        var engine = DetectionEngine()
        for event in sortedEvents() { engine.ingest(event, ExchangeFeatures(event)) }
        return engine.finish()
    }

    /// The analysis of the log by an engine that stops halfway, is snapshotted (the bytes passed
    /// through `edit`) and restored, and goes on.
    func restoredHalfway(edit: ([UInt8]) throws -> [UInt8] = { $0 }) throws -> AnalysisResult {
        let events = sortedEvents()
        var first = DetectionEngine()
        let half = events.count / 2
        for event in events[..<half] { first.ingest(event, ExchangeFeatures(event)) }
        _ = first.finish()  // a refresh before the checkpoint, as the service does
        var restored = try DetectionEngine(snapshot: try edit(try first.snapshot()))
        for event in events[half...] { restored.ingest(event, ExchangeFeatures(event)) }
        return restored.finish()
    }

    @Test func aRestoredEngineContinuesAsIfItNeverStopped() throws {
        let expected = uninterrupted()
        let result = try restoredHalfway()

        #expect(result.eventsAnalyzed == expected.eventsAnalyzed)
        #expect(result.accountsAnalyzed == expected.accountsAnalyzed)
        #expect(result.accounts.map(\.accountID) == expected.accounts.map(\.accountID))
        #expect(result.accounts.map(\.verdict) == expected.accounts.map(\.verdict))
        #expect(result.accounts.map(\.score) == expected.accounts.map(\.score))
        #expect(result.accounts.map(\.firstFlaggedAt) == expected.accounts.map(\.firstFlaggedAt))
        #expect(result.accounts.map(\.evidence) == expected.accounts.map(\.evidence))
        #expect(result.clusters.map(\.accounts) == expected.clusters.map(\.accounts))
        #expect(result.templates.map(\.label) == expected.templates.map(\.label))
        #expect(result.accounts.count >= 12, "the campaign is still found")
    }

    /// Checkpoints written before profiles counted requests with thinking at any budget have no
    /// `thinking` member: they are read, and the accounts restored from them go on without it.
    @Test func readsASnapshotWrittenBeforeThinkingWasCounted() throws {
        var hadThinking = false
        let result = try restoredHalfway { bytes in
            var object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
            var profiles = try #require(object["profiles"] as? [[String: Any]])
            hadThinking = profiles.contains { $0["thinking"] != nil }
            for index in profiles.indices { profiles[index].removeValue(forKey: "thinking") }
            object["profiles"] = profiles
            return Array(try JSONSerialization.data(withJSONObject: object))
        }
        #expect(hadThinking)
        let expected = uninterrupted()
        #expect(result.accounts.map(\.accountID) == expected.accounts.map(\.accountID))
        #expect(result.accounts.map(\.verdict) == expected.accounts.map(\.verdict))
    }

    @Test func refusesASnapshotItCannotRead() throws {
        #expect(throws: EngineSnapshotError.self) { try DetectionEngine(snapshot: Array("not a snapshot".utf8)) }
        var engine = DetectionEngine()
        for event in sortedEvents().prefix(10) { engine.ingest(event, ExchangeFeatures(event)) }
        let text = String(decoding: try engine.snapshot(), as: UTF8.self)
        let future = text.replacingOccurrences(of: #""version":\#(DetectionEngine.snapshotVersion)"#, with: #""version":999"#)
        #expect(future != text)
        let error = #expect(throws: EngineSnapshotError.self) { try DetectionEngine(snapshot: Array(future.utf8)) }
        #expect(error?.description.contains("layout version 999") == true)
    }
}

/// Analysts' decisions: resolution per account, effect on enforcement, labels for training.
struct DecisionLedgerTests {
    let t0 = Timestamp(rfc3339: "2026-03-01T10:00:00Z")!

    func decision(
        _ subject: AnalystDecision.Subject, _ id: String, _ ruling: AnalystDecision.Ruling, at minutes: Double, accounts: [String]
    )
        -> AnalystDecision
    {
        AnalystDecision(
            subject: subject, subjectID: id, ruling: ruling, analyst: "alice", decidedAt: t0.adding(seconds: minutes * 60),
            accounts: accounts)
    }

    @Test func theLatestRulingWinsAndAnAccountRulingOutranksItsCluster() {
        let ledger = DecisionLedger([
            decision(.account, "a2", .dismissed, at: 1, accounts: ["a2"]),
            decision(.cluster, "cluster-0001", .confirmed, at: 2, accounts: ["a1", "a2", "a3"]),
            decision(.account, "a3", .dismissed, at: 3, accounts: ["a3"]),
            decision(.account, "a4", .dismissed, at: 4, accounts: ["a4"]),
            decision(.account, "a4", .confirmed, at: 5, accounts: ["a4"]),
        ])
        #expect(ledger.accounts["a1"]?.ruling == .confirmed)
        #expect(ledger.accounts["a2"]?.ruling == .dismissed, "the analyst cleared a2 on its own; the cluster ruling does not override it")
        #expect(ledger.accounts["a3"]?.ruling == .dismissed)
        #expect(ledger.accounts["a4"]?.ruling == .confirmed)
        #expect(ledger.count == 5)
    }

    @Test func enforcementFollowsTheRulings() {
        let snapshot = CraftedLog.harvestingCampaign().snapshot()
        #expect(snapshot.accounts["harvester-0"]?.verdict == .attack)
        let ledger = DecisionLedger([
            decision(.account, "harvester-0", .dismissed, at: 0, accounts: ["harvester-0"]),
            decision(.account, "user-1", .confirmed, at: 1, accounts: ["user-1"]),
        ])
        let applied = snapshot.applying(ledger)
        let cleared = applied.accounts["harvester-0"]
        #expect(cleared?.verdict == .benign && cleared?.clusterID == nil && cleared?.score == 0)
        #expect(cleared?.evidence.first?.contains("dismissed as legitimate by analyst alice") == true)
        #expect(applied.accounts["user-1"]?.verdict == .attack)
        #expect(applied.accounts["user-1"]?.evidence.first?.contains("confirmed as a campaign by analyst alice") == true)
        #expect(applied.accounts["harvester-1"]?.verdict == .attack, "accounts nobody decided on keep the engine's verdict")
    }

    @Test func labelsFollowTheContractAndLoadAsGroundTruth() throws {
        let ledger = DecisionLedger([
            decision(.cluster, "cluster-0002", .confirmed, at: 0, accounts: ["b1", "b2"]),
            decision(.account, "c1", .dismissed, at: 1, accounts: ["c1"]),
        ])
        let directory = TemporaryDirectory()
        let path = directory.write("labels.jsonl", text: ledger.labelsJSONLines)
        let truth = try GroundTruth.load(path)
        #expect(truth["b1"]?.isAttack == true && truth["b1"]?.campaign == "cluster-0002")
        #expect(truth["c1"]?.isAttack == false && truth["c1"]?.campaign == nil)
        #expect(ledger.labelsJSONLines.split(separator: "\n").first == #"{"account_id":"b1","label":"attack","campaign":"cluster-0002"}"#)
    }
}
