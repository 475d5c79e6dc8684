import DistillGuardCore
import Testing

@testable import DistillGuardServer

/// What both analysis hosts publish for the policy: the engine's verdicts with analysts' decisions applied.
struct EnforcementPublisherTests {
    static func confirming(_ account: String) -> DecisionLedger {
        DecisionLedger([
            AnalystDecision(
                subject: .account, subjectID: account, ruling: .confirmed, analyst: "ana", decidedAt: Timestamp(seconds: 1_000),
                accounts: [account])
        ])
    }

    @Test func keepsDecisionsAppliedAcrossRefreshesAndPublishesOnlyChanges() {
        let publisher = EnforcementPublisher()
        publisher.publish(computed: EnforcementSnapshot(builtAt: 1))
        #expect(publisher.snapshot.builtAt == 1 && publisher.snapshot.accounts.isEmpty)

        #expect(publisher.publish(ledger: Self.confirming("acct_a")))
        #expect(publisher.snapshot.accounts["acct_a"]?.verdict == .attack)
        #expect(publisher.snapshot.builtAt == 1)
        #expect(!publisher.publish(ledger: Self.confirming("acct_a")), "the same rulings publish nothing")

        // A refresh brings new verdicts; the decision stays applied to them.
        publisher.publish(computed: EnforcementSnapshot(builtAt: 2))
        #expect(publisher.snapshot.builtAt == 2)
        #expect(publisher.snapshot.accounts["acct_a"]?.verdict == .attack)
        #expect(publisher.snapshot.accounts["acct_a"]?.evidence.first?.contains("confirmed as a campaign by analyst ana") == true)

        #expect(publisher.publish(ledger: DecisionLedger()))
        #expect(publisher.snapshot.builtAt == 2 && publisher.snapshot.accounts.isEmpty)
    }

    @Test func racingPublicationsLeaveOneConsistentResult() async {
        let publisher = EnforcementPublisher()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                group.addTask {
                    if index.isMultiple(of: 2) {
                        publisher.publish(computed: EnforcementSnapshot(builtAt: Int64(index)))
                    } else {
                        publisher.publish(ledger: Self.confirming("acct_\(index)"))
                    }
                    // Readers never wait on a publication, and always see a whole snapshot.
                    #expect(publisher.snapshot.accounts.count <= 1)
                }
            }
        }
        publisher.publish(computed: EnforcementSnapshot(builtAt: 1_000))
        let snapshot = publisher.snapshot
        #expect(snapshot.builtAt == 1_000)
        // The decisions in force are one ledger's, the newest to arrive, applied to the newest verdicts.
        #expect(snapshot.accounts.count == 1)
        #expect(snapshot.accounts.values.allSatisfy { $0.verdict == .attack })
    }
}
