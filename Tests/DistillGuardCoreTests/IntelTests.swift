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
        #expect(patterns.contains("[ipv4-addr:value ISSUBSET '3.80.0.0/24']"))
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
