import DistillGuardCore
import DistillGuardTesting
import Foundation
import Testing

struct InspectCommandTests {
    let directory = TemporaryDirectory()

    @Test func summarizesALog() throws {
        let lines = EventFixtures.all + [EventFixtures.minimal(id: "ex_000002"), "garbage"]
        let path = directory.write("log.jsonl", text: lines.joined(separator: "\n") + "\n")
        let result = try CommandRunner.run(["inspect", path, "--rejects", directory.file("rej.jsonl")])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("events      9   (rejected 1, duplicates 1, blank lines 0)"))
        #expect(result.standardOutput.contains("accounts    5"))
        #expect(result.standardOutput.contains("2026-02-01T04:00:00.250Z → 2026-02-01T12:00:07Z"))
        #expect(result.standardOutput.contains("anthropic.messages"))
        #expect(result.standardOutput.contains("claude-sonnet-4-5"))
        #expect(result.standardOutput.contains("top accounts by volume"))
        #expect(result.standardError.contains("log.jsonl:\(lines.count): invalid JSON"))
        #expect(directory.read("rej.jsonl") == "garbage\n")
    }

    @Test func readsStandardInputAsJSON() throws {
        let input = [EventFixtures.openAIChat, EventFixtures.openAIResponsesString, EventFixtures.openAIResponsesItems]
            .joined(separator: "\n")
        let result = try CommandRunner.run(["inspect", "-", "--json", "--top", "1"], input: Array(input.utf8), directory: directory.path)
        #expect(result.status == 0)
        let json = try JSONParser.parse(result.standardOutput)
        #expect(json["events"] == 3)
        #expect(json["accounts"] == 2)
        #expect(json["apis"]?["openai.responses"] == 2)
        #expect(json["top_accounts"]?.arrayValue?.count == 1)
        #expect(json["top_accounts"]?.arrayValue?.first?["account_id"] == "acct_r")
        #expect(json["first_event_at"] == "2026-02-01T12:00:01Z")
        #expect(result.standardError.isEmpty, "no progress bar when standard error is not a terminal")
    }

    /// `script` (util-linux) runs the command on a pseudo-terminal, as a person at a shell would.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "util-linux `script` is not installed"))
    func drawsAProgressBarOnATerminal() throws {
        let lines = (1...6000).map { EventFixtures.minimal(id: "p\($0)", prompt: String(repeating: "word ", count: 40)) }
        let log = directory.write("big.jsonl", text: lines.joined(separator: "\n") + "\n")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        let command = "\(CommandRunner.executable.path) inspect \(log) --json --rejects \(directory.file("r.jsonl")) > /dev/null"
        process.arguments = ["-q", "-c", command, directory.file("typescript")]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let screen = try #require(directory.read("typescript"))
        #expect(screen.contains("events") && screen.contains("ev/s") && screen.contains("MB") && screen.contains("ETA"))
    }

    @Test func readsGzipFromStandardInput() throws {
        let input = Gzip.compress(Array((EventFixtures.minimal(id: "1") + "\n").utf8))
        let result = try CommandRunner.run(["inspect", "-", "--json"], input: input, directory: directory.path)
        #expect(try JSONParser.parse(result.standardOutput)["events"] == 1)
    }

    @Test func missingFileFailsWithTheReason() throws {
        let result = try CommandRunner.run(["inspect", directory.file("nope.jsonl")])
        #expect(result.status != 0)
        #expect(result.standardError.contains("nope.jsonl: open failed: No such file or directory"))
    }

    @Test(arguments: [["--help"], ["inspect", "--help"]])
    func helpIsAvailable(arguments: [String]) throws {
        let result = try CommandRunner.run(arguments)
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("USAGE"))
    }

    @Test func printsItsVersion() throws {
        let result = try CommandRunner.run(["--version"])
        #expect(result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
    }
}
