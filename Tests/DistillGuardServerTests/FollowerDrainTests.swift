import DistillGuardCore
import DistillGuardServer
import DistillGuardStore
import DistillGuardTesting
import Foundation
import Testing

/// `AnalysisFollower.drain()` on two replicas of one PostgreSQL database: the leader publishes at
/// once for it, a standby returns once the leader's checkpoint covers what was stored.
struct FollowerDrainTests {
    @Test
    func aStandbysDrainReturnsOnceTheLeadersCheckpointCoversTheEvents() async throws {
        let url = try #require(
            ProcessInfo.processInfo.environment["DISTILLGUARD_TEST_POSTGRES_URL"],
            "DISTILLGUARD_TEST_POSTGRES_URL is not set: run the suite with scripts/test.sh, which starts PostgreSQL")
        let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let logger = ServiceHarness.logger
        let lines = CraftedLog.harvestingCampaign().timeOrderedLines
        // Refreshes an hour apart: only a drain's own refresh publishes. A standby shows only the
        // leader's checkpoints, saved here a fraction of a second after events arrive. A long lease:
        // however busy the machine, replica-a keeps it for the whole test.
        @Sendable func settings(_ replica: String) -> AnalysisSettings {
            AnalysisSettings(refreshSeconds: 3600, checkpointSeconds: 0.3, replicaID: replica, leaseSeconds: 60)
        }
        try await PostgresEventStore.withStore(url: url, schema: String(schema), connectTimeout: Wait.hangGuard, logger: logger) { first in
            try await PostgresEventStore.withStore(url: url, schema: String(schema), connectTimeout: Wait.hangGuard, logger: logger) {
                second in
                let leader = AnalysisFollower(store: first, settings: settings("replica-a"), metrics: MetricsRegistry(), logger: logger)
                let standby = AnalysisFollower(store: second, settings: settings("replica-b"), metrics: MetricsRegistry(), logger: logger)
                try await leader.prepare()
                try await standby.prepare()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await leader.run() }
                    try await Wait.until("replica-a to lead") { leader.view.role == .leader }
                    group.addTask { try await standby.run() }
                    try await Wait.until("replica-b to follow replica-a") {
                        standby.view.role == .standby && standby.view.leader == "replica-a"
                    }
                    _ = try await second.insert(lines.map { StoredEvent(try EventDecoder.decode(line: $0), line: $0) })
                    try await Wait.on("replica-a to drain") { try await leader.drain() }
                    #expect(leader.view.result?.eventsAnalyzed == lines.count, "the leader published every stored event at once")
                    try await Wait.on("replica-b to drain") { try await standby.drain() }
                    #expect(standby.view.role == .standby)
                    #expect(standby.view.result?.eventsAnalyzed == lines.count, "the standby restored a checkpoint of them all")
                    #expect(standby.view.checkpointSequence == (try await first.latestSequence()))
                    group.cancelAll()
                }
            }
        }
    }
}
