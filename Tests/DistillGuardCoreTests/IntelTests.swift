import DistillGuardCore
import DistillGuardTesting
import Testing

struct IntelTests {
    let key = [UInt8](repeating: 7, count: 32)

    @Test func pseudonymsNeedTheKeyAndSeparateKinds() throws {
        let ours = try Pseudonymizer(key: key)
        let partner = try Pseudonymizer(key: key)
        let outsider = try Pseudonymizer(key: [UInt8](repeating: 8, count: 32))
        let value = ours.pseudonym("pm_91c2", kind: "payment_fingerprint")
        #expect(value.count == 64 && value.allSatisfy(\.isHexDigit))
        #expect(partner.pseudonym("pm_91c2", kind: "payment_fingerprint") == value, "a partner with the key matches")
        #expect(outsider.pseudonym("pm_91c2", kind: "payment_fingerprint") != value, "without the key nothing matches")
        #expect(ours.pseudonym("pm_91c2", kind: "account_id") != value, "kinds never match each other")
        #expect(throws: IntelError.self) { _ = try Pseudonymizer(key: [1, 2, 3]) }
    }

    @Test func bundleCarriesTheCampaignWithoutRawAccountData() throws {
        let result = EngineTests().campaignLog().analyze()
        let exporter = STIXExporter(
            producer: "Example AI", pseudonymizer: try Pseudonymizer(key: key), validDays: 30,
            now: Timestamp(rfc3339: "2026-02-10T00:00:00Z")!)
        let bundle = try exporter.bundle(verdicts: result.json)
        let objects = try #require(bundle["objects"]?.arrayValue)
        let types = objects.compactMap { $0["type"]?.stringValue }
        #expect(types.filter { $0 == "identity" }.count == 1)
        #expect(types.filter { $0 == "campaign" }.count == 1)
        #expect(types.contains("attack-pattern") && types.contains("relationship"))
        let attackPattern = try #require(objects.first { $0["type"] == "attack-pattern" })
        #expect(attackPattern["external_references"]?.arrayValue?.first?["external_id"] == "AML.T0024.002")
        let patterns = objects.compactMap { $0["pattern"]?.stringValue }
        #expect(
            !patterns.contains { $0.hasPrefix("[ipv4-addr:") },
            "the campaign ran from a cloud provider's /24 (3.80.0.0/24), which countless unrelated customers share: not an indicator")
        #expect(patterns.contains("[autonomous-system:number = 16509]"))
        #expect(patterns.contains { $0.hasPrefix("[x-distillguard-account:payment_fingerprint_hmac = '") })
        #expect(patterns.contains { $0.hasPrefix("[user-account:user_id = '") })
        #expect(objects.contains { $0["pattern_type"] == .string(STIXExporter.templatePatternType) })
        let text = bundle.description
        #expect(!text.contains("pm_card") && !text.contains("harvester-"), "raw payment fingerprints and account ids never leave the house")
        let indicator = try #require(objects.first { $0["type"] == "indicator" })
        #expect(indicator["valid_from"]?.stringValue?.hasSuffix("Z") == true && indicator["valid_until"] != nil)
        #expect((indicator["confidence"]?.intValue ?? 0) >= 90)
        #expect(Set(objects.compactMap { $0["id"]?.stringValue }).count == objects.count, "no duplicate objects")
    }

    @Test func rejectsWhatIsNotAVerdictsFile() throws {
        let exporter = STIXExporter(producer: "x", pseudonymizer: try Pseudonymizer(key: key), now: Timestamp(milliseconds: 0))
        #expect(throws: IntelError.self) { _ = try exporter.bundle(verdicts: ["hello": 1]) }
    }
}

struct IntelImportTests {
    let key = [UInt8](repeating: 7, count: 32)

    func exportedBundle(now: Timestamp = Timestamp(rfc3339: "2026-02-10T00:00:00Z")!, validDays: Double = 30) throws -> [UInt8] {
        let result = EngineTests().campaignLog().analyze()
        let exporter = STIXExporter(producer: "Partner Lab", pseudonymizer: try Pseudonymizer(key: key), validDays: validDays, now: now)
        return Array(try exporter.bundle(verdicts: result.json).description.utf8)
    }

    @Test func readsOurOwnExportAndMatchesTheCampaignOnReplay() throws {
        let imported = try STIXImporter().read(try exportedBundle(), source: "b.json")
        #expect(imported.indicators.contains { $0.kind == .paymentFingerprint && $0.producer == "Partner Lab" })
        #expect(imported.indicators.contains { $0.kind == .templateAnchor })
        let log = EngineTests().campaignLog()
        let matcher = IntelMatcher(indicators: imported.indicators, pseudonymizer: try Pseudonymizer(key: key))
        let result = log.analyze(intel: matcher)
        let harvester = try #require(result.accounts.first { $0.accountID == "harvester-2" })
        #expect(
            harvester.evidence.contains {
                $0.hasPrefix("payment fingerprint matches indicator indicator--") && $0.contains("from Partner Lab")
            })
        #expect(!result.accounts.contains { $0.accountID.hasPrefix("user-") }, "ordinary users match nothing")
    }

    /// A partner's indicator on an account that otherwise looks ordinary puts it at review, not
    /// attack, and the match is the first thing its evidence says.
    @Test func anIndicatorOnAnOrdinaryAccountHoldsItForReviewAndLeadsItsEvidence() throws {
        let imported = try STIXImporter().read(try exportedBundle(), source: "b.json")
        let payment = try #require(imported.indicators.first { $0.kind == .paymentFingerprint })
        var log = CraftedLog()
        for i in 0..<12 {
            log.add(
                account: "newcomer", at: payment.validFrom.adding(seconds: Double(3_600 + i * 900)),
                prompt: CraftedLog.organicPrompts[i % CraftedLog.organicPrompts.count] + " #\(i)", payment: "pm_card0")
        }
        let matcher = IntelMatcher(indicators: imported.indicators, pseudonymizer: try Pseudonymizer(key: key))
        #expect(!log.analyze().accounts.contains { $0.accountID == "newcomer" }, "without the indicator it is benign")
        let newcomer = try #require(log.analyze(intel: matcher).accounts.first { $0.accountID == "newcomer" })
        #expect(newcomer.verdict == .review)
        #expect(
            newcomer.evidence.first?.hasPrefix("payment fingerprint matches indicator indicator--") == true, "\(newcomer.evidence)")
    }

    @Test func pseudonymsDoNotMatchWithoutTheKey() throws {
        let imported = try STIXImporter().read(try exportedBundle(), source: "b.json")
        let outsider = IntelMatcher(
            indicators: imported.indicators, pseudonymizer: try Pseudonymizer(key: [UInt8](repeating: 9, count: 32)))
        let result = EngineTests().campaignLog().analyze(intel: outsider)
        let evidence = result.accounts.flatMap(\.evidence)
        #expect(!evidence.contains { $0.hasPrefix("payment fingerprint matches") || $0.hasPrefix("account id matches") })
        let keyless = IntelMatcher(indicators: imported.indicators, pseudonymizer: nil)
        #expect(
            !EngineTests().campaignLog().analyze(intel: keyless).accounts.flatMap(\.evidence).contains {
                $0.hasPrefix("payment fingerprint matches")
            })
    }

    @Test func expiredIndicatorsStopMatching() throws {
        // Valid from the campaign's first flag to one day after its last activity: the replayed
        // traffic falls inside; traffic a year later does not.
        let imported = try STIXImporter().read(try exportedBundle(validDays: 1), source: "b.json")
        let payment = try #require(imported.indicators.first { $0.kind == .paymentFingerprint })
        let until = try #require(payment.validUntil)
        #expect(
            payment.isValid(at: payment.validFrom) && !payment.isValid(at: until)
                && !payment.isValid(at: until.adding(seconds: 86_400 * 365)))
        var late = CraftedLog()
        for i in 0..<10 {
            late.add(
                account: "harvester-1", at: until.adding(seconds: Double(86_400 * 30 + i * 60)), prompt: "hello \(i)", payment: "pm_card0",
                createdAt: Timestamp(rfc3339: "2026-01-30T00:00:00Z")!)
        }
        let matcher = IntelMatcher(indicators: imported.indicators, pseudonymizer: try Pseudonymizer(key: key))
        #expect(!late.analyze(intel: matcher).accounts.flatMap(\.evidence).contains { $0.contains("matches indicator") })
    }

    @Test(arguments: [
        ("not json", "invalid JSON"),
        (#"{"type":"report","objects":[]}"#, "not a STIX bundle"),
        (#"{"type":"bundle"}"#, "`objects` must be an array"),
        (#"{"type":"bundle","objects":[{"type":"indicator","id":"indicator--bad"}]}"#, "must be \"indicator--<uuid>\""),
        (
            #"{"type":"bundle","objects":[{"type":"indicator","id":"indicator--00000000-0000-4000-8000-000000000000","pattern":"[autonomous-system:number = 1]","pattern_type":"stix"}]}"#,
            "needs `pattern`, `pattern_type` and `valid_from`"
        ),
        (
            #"{"type":"bundle","objects":[{"type":"indicator","id":"indicator--00000000-0000-4000-8000-000000000000","pattern":"[autonomous-system:number = 1]","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z","confidence":900}]}"#,
            "`confidence` must be 0 to 100"
        ),
        (
            #"{"type":"bundle","objects":[{"type":"indicator","id":"indicator--00000000-0000-4000-8000-000000000000","pattern":"[autonomous-system:number = 1]","pattern_type":"stix","valid_from":"2026-02-01T00:00:00Z","valid_until":"2026-01-01T00:00:00Z"}]}"#,
            "`valid_until` must be a timestamp after `valid_from`"
        ),
    ])
    func refusesMalformedBundlesWithTheObjectAtFault(text: String, fragment: String) {
        #expect {
            _ = try STIXImporter().read(Array(text.utf8), source: "p.json")
        } throws: { error in
            "\(error)".hasPrefix("p.json: ") && "\(error)".contains(fragment) && "\(error)".hasSuffix("nothing was imported")
        }
    }

    @Test func refusesOversizedAndHostileBundles() {
        var limits = STIXImporter.Limits()
        limits.maximumBytes = 1000
        #expect(throws: IntelError.self) {
            try STIXImporter(limits: limits).read([UInt8](repeating: 0x20, count: 2000), source: "big.json")
        }
        let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        #expect(throws: IntelError.self) {
            try STIXImporter().read(Array(#"{"type":"bundle","objects":\#(deep)}"#.utf8), source: "deep.json")
        }
        let long = String(repeating: "a", count: 20_000)
        let hostile =
            #"{"type":"bundle","objects":[{"type":"note","id":"note--00000000-0000-4000-8000-000000000000","content":"\#(long)"}]}"#
        #expect(throws: IntelError.self) { try STIXImporter().read(Array(hostile.utf8), source: "long.json") }
    }

    @Test func keepsButDoesNotMatchPatternsItCannotEvaluate() throws {
        let text =
            #"{"type":"bundle","objects":[{"type":"indicator","id":"indicator--00000000-0000-4000-8000-000000000000","pattern":"[file:hashes.'SHA-256' = 'ab']","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z"},{"type":"indicator","id":"indicator--00000000-0000-4000-8000-000000000001","pattern":"[ipv4-addr:value ISSUBSET '10.1.2.77/24']","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z"}]}"#
        let imported = try STIXImporter().read(Array(text.utf8), source: "p.json")
        #expect(imported.unmatchable == 1)
        #expect(imported.indicators.map(\.value) == ["10.1.2.0/24"])
    }
}
