import DistillGuardCore
import DistillGuardTesting
import Foundation
import Testing

struct WatermarkCommandTests {
    let directory = TemporaryDirectory()

    func samples(_ name: String, _ texts: [String]) -> String {
        directory.write(name, text: texts.map(TextSamples.line).joined(separator: "\n") + "\n")
    }

    @Test func appliesThenAttributesWithTheKeyAndNotWithoutIt() throws {
        let plain = samples("plain.jsonl", SyntheticProse.texts(150, seed: 11))
        let keyFile = directory.write("key.txt", text: "cli-test-watermark-key-000001\n")
        let applied = try CommandRunner.run([
            "watermark", "apply", "--key-file", keyFile, "--input", plain, "--output", directory.file("marked.jsonl"),
        ])
        #expect(applied.status == 0, "\(applied.standardError)")
        let marked = try TextSamples.read(directory.file("marked.jsonl"))
        #expect(marked.count == 150)

        let detected = try CommandRunner.run(["attribute", "--key-file", keyFile, "--samples", directory.file("marked.jsonl"), "--json"])
        #expect(detected.status == 0, "\(detected.standardError)")
        let result = try JSONParser.parse(detected.standardOutput)
        #expect((result["log10_p_value"]?.doubleValue ?? 0) < -10)
        #expect(result["samples"] == 150)
        #expect((result["pairs"]?.intValue ?? 0) > 100)

        let quiet = try CommandRunner.run(["attribute", "--key-file", keyFile, "--samples", plain])
        #expect(quiet.status == 0)
        #expect(quiet.standardOutput.contains("not detected at α = 1e-05"))
        #expect(quiet.standardOutput.contains("keyed choices"))

        let otherKey = try CommandRunner.run([
            "attribute", "--key", "some-other-key-0123456789", "--samples", directory.file("marked.jsonl"),
        ])
        #expect(otherKey.standardOutput.contains("not detected"))
    }

    @Test func badInputFailsWithWhatAndWhere() throws {
        let bad = directory.write("bad.jsonl", text: "{\"text\": \"fine\"}\n{\"body\": \"no text\"}\n")
        let result = try CommandRunner.run(["attribute", "--key", "cli-test-watermark-key-000001", "--samples", bad])
        #expect(result.status != 0)
        #expect(result.standardError.contains("bad.jsonl: line 2: expected an object with a string field \"text\""))

        let noKey = try CommandRunner.run(["attribute", "--samples", bad])
        #expect(noKey.standardError.contains("no watermark key"))
        let short = try CommandRunner.run(["attribute", "--key", "short", "--samples", bad])
        #expect(short.standardError.contains("at least 16"))
        let table = directory.write("table.txt", text: "[en]\nquick 0.5 | fast 0.2\n")
        let badTable = try CommandRunner.run(["attribute", "--key", "cli-test-watermark-key-000001", "--table", table, "--samples", bad])
        #expect(badTable.standardError.contains("table.txt, line 2: the frequencies add up to 0.7"))
        let share = try CommandRunner.run(["attribute", "--key", "cli-test-watermark-key-000001", "--active-share", "0", "--samples", bad])
        #expect(share.status != 0)
        #expect(share.standardError.contains("the active share is 0.0; it must be above 0 and at most 1"))
    }

    @Test func calibratePrintsATableTheOtherCommandsRead() throws {
        let texts = samples("texts.jsonl", SyntheticProse.texts(50, seed: 12))
        let calibrated = try CommandRunner.run(["watermark", "calibrate", "--samples", texts])
        #expect(calibrated.status == 0)
        #expect(calibrated.standardOutput.hasPrefix("[en]\noften "))
        let table = directory.write("calibrated.txt", text: calibrated.standardOutput)
        let used = try CommandRunner.run(["attribute", "--key", "cli-test-watermark-key-000001", "--table", table, "--samples", texts])
        #expect(used.status == 0, "\(used.standardError)")
    }
}
