import DistillGuardCore
import DistillGuardSimulator
import DistillGuardTesting
import Foundation
import Testing

/// `FeatureRow` (what `serve` stores at ingest for the analysing replica): an engine fed the rows
/// writes the same verdicts, byte for byte, as one fed the events.
struct FeatureRowTests {
    let directory = TemporaryDirectory()

    func events(_ name: String, size: Int, seed: UInt64) throws -> [Event] {
        var scenario = try #require(try BuiltInScenarios.scenario(named: name))
        scenario.events.small = size
        let path = directory.file("\(name)-\(seed)-events.jsonl")
        _ = try Simulation(scenario: scenario, seed: seed, scale: .small).run(
            eventsPath: path, labelsPath: directory.file("\(name)-\(seed)-labels.jsonl"))
        var events: [Event] = []
        var reader = EventLogReader()
        _ = try reader.read([path]) { events.append($0) }
        return events
    }

    func verdicts(_ events: [Event], compliance: ComplianceSettings?, throughRows: Bool) throws -> String {
        var engine = DetectionEngine()
        engine.compliance = compliance
        for event in events {
            let features = ExchangeFeatures(event)
            if throughRows {
                let row = FeatureRow.encode(event, features)
                let decoded = try row.withUnsafeBytes { try FeatureRow.decode($0) }
                engine.ingest(decoded.event, decoded.features)
            } else {
                engine.ingest(event, features)
            }
        }
        var writer = JSONWriter()
        writer.write(engine.finish().json)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test(arguments: [("adaptive-2026", false), ("restricted-2026", true)])
    func anEngineFedRowsWritesTheSameVerdicts(scenario: String, compliance: Bool) throws {
        let events = try events(scenario, size: 8_000, seed: 5)
        let settings = compliance ? ComplianceSettings(restrictedRegions: ["CN", "RU", "IR"]) : nil
        let direct = try verdicts(events, compliance: settings, throughRows: false)
        let rows = try verdicts(events, compliance: settings, throughRows: true)
        #expect(direct.contains("\"verdict\":\"attack\""), "the campaigns are found")
        #expect(rows == direct)
    }

    @Test func rowsAreAFractionOfTheLinesTheyComeFrom() throws {
        let events = try events("feb-2026", size: 3_000, seed: 6)
        var lineBytes = 0
        var rowBytes = 0
        for event in events {
            var writer = JSONWriter()
            writer.write(JSONValue.object(event.request))
            lineBytes += writer.bytes.count
            rowBytes += FeatureRow.encode(event, ExchangeFeatures(event)).count
        }
        #expect(rowBytes * 3 < lineBytes, "rows \(rowBytes) bytes against requests alone \(lineBytes)")
    }

    @Test func keepsThePromptAsFarAsTheEngineReadsIt() throws {
        // Long prompts are cut after 2,000 scalars, or 600 characters where those are longer
        // (characters of several scalars each): never inside what the engine reads.
        let long = String(repeating: "word ", count: 1_000)
        #expect(FeatureRow.promptOpening(long).unicodeScalars.count == 2_000)
        let flags = String(repeating: "🇫🇷", count: 1_200)  // two scalars a character
        let opening = FeatureRow.promptOpening(flags)
        #expect(opening.count >= 600 && opening.unicodeScalars.count >= 2_000)
        #expect(flags.hasPrefix(opening))
        #expect(FeatureRow.promptOpening("short") == "short")
    }

    @Test func aDamagedRowIsRefusedWithTheReason() throws {
        let event = try #require(try events("feb-2026", size: 500, seed: 7).first)
        let row = FeatureRow.encode(event, ExchangeFeatures(event))
        let cut = Array(row.dropLast(3))
        #expect(throws: FeatureRowError.self) { try cut.withUnsafeBytes { try FeatureRow.decode($0) } }
        do {
            _ = try cut.withUnsafeBytes { try FeatureRow.decode($0) }
        } catch {
            #expect("\(error)".contains("ends early"))
        }
        var newer = row
        newer[0] = 9
        do {
            _ = try newer.withUnsafeBytes { try FeatureRow.decode($0) }
            Issue.record("a row of another layout was read")
        } catch {
            #expect("\(error)" == "the feature row has layout version 9; this build reads version 1")
        }
        let longer = row + [0]
        #expect(throws: FeatureRowError.self) { try longer.withUnsafeBytes { try FeatureRow.decode($0) } }
    }
}
