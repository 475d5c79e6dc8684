import DistillGuardCore
import DistillGuardTesting
import Testing

struct EventLogReaderTests {
    let directory = TemporaryDirectory()

    func read(_ paths: [String], maximumLineBytes: Int = 64 << 20) throws -> (ids: [String], summary: EventLogReader.Summary) {
        var reader = EventLogReader(
            configuration: .init(rejectsPath: directory.file("rejects.jsonl"), maximumLineBytes: maximumLineBytes))
        var ids: [String] = []
        let summary = try reader.read(paths) { ids.append($0.id) }
        return (ids, summary)
    }

    @Test func readsEveryFixture() throws {
        let path = directory.write("all.jsonl", text: EventFixtures.all.joined(separator: "\n") + "\n")
        let (ids, summary) = try read([path])
        #expect(ids.count == EventFixtures.all.count)
        #expect(summary.rejected == 0 && summary.duplicates == 0 && summary.blankLines == 0)
        #expect(directory.read("rejects.jsonl") == nil, "no reject file is created when nothing is rejected")
    }

    @Test func badLinesAreCountedReportedAndCopiedUnchanged() throws {
        let bad1 = "this is not json"
        let bad2 = #"{"id":"2","timestamp":"2026-02-01T00:00:00Z","account_id":"a","api":"openai.responses"}"#
        let bad3 =
            #"{"id":"3","timestamp":"2026-02-01T00:00:00Z","account_id":"a","api":"openai.responses","request":{"max_output_tokens":"big"}}"#
        let lines = [
            EventFixtures.minimal(id: "1"), bad1, bad2, EventFixtures.minimal(id: "4"), bad3, EventFixtures.minimal(id: "5"),
        ]
        let path = directory.write("mixed.jsonl", text: lines.joined(separator: "\n") + "\n")
        let (ids, summary) = try read([path])
        #expect(ids == ["1", "4", "5"], "every valid line around the bad ones is read")
        #expect(summary.rejected == 3)
        #expect(summary.rejectSamples.map(\.line) == [2, 3, 5])
        #expect(summary.rejectSamples.map(\.reason.code) == [.invalidJSON, .missingField, .wrongType])
        #expect(summary.rejectSamples[2].reason.field == "request.max_output_tokens")
        #expect(summary.rejectSamples[0].description.hasPrefix("\(path):2: invalid JSON"))
        #expect(directory.read("rejects.jsonl") == [bad1, bad2, bad3].joined(separator: "\n") + "\n")
        let reasons = try #require(directory.read("rejects.jsonl.reasons.jsonl")).split(separator: "\n")
        #expect(reasons.count == 3)
        #expect(try JSONParser.parse(String(reasons[1]))["field"] == "request")
        #expect(try JSONParser.parse(String(reasons[1]))["line"] == 3)
        #expect(summary.rejectsPath == directory.file("rejects.jsonl"))
    }

    @Test func duplicateIdsAreIgnoredAndCountedAcrossFiles() throws {
        let a = directory.write(
            "a.jsonl",
            text: [EventFixtures.minimal(id: "1"), EventFixtures.minimal(id: "2"), EventFixtures.minimal(id: "1")].joined(separator: "\n"))
        let b = directory.write("b.jsonl", text: [EventFixtures.minimal(id: "2"), EventFixtures.minimal(id: "3")].joined(separator: "\n"))
        let (ids, summary) = try read([a, b])
        #expect(ids == ["1", "2", "3"])
        #expect(summary.duplicates == 2)
        #expect(summary.rejected == 0)
    }

    @Test func decodingOnManyThreadsDeliversWhatOneThreadDoesInTheSameOrder() throws {
        // Several batches (2,048 lines each), workers claiming lines as they come free, and every
        // kind of line among them: valid, invalid, duplicate, blank.
        var lines: [String] = []
        for number in 1...7_000 {
            if number % 97 == 0 {
                lines.append("not json \(number)")
            } else if number % 131 == 0 {
                lines.append(EventFixtures.minimal(id: "e\(number - 7)"))
            } else if number % 173 == 0 {
                lines.append("")
            } else {
                lines.append(EventFixtures.minimal(id: "e\(number)"))
            }
        }
        let path = directory.write("many.jsonl", text: lines.joined(separator: "\n") + "\n")
        func read(threads: Int) throws -> (ids: [String], summary: EventLogReader.Summary) {
            var reader = EventLogReader(configuration: .init(rejectSampleLimit: 1_000, decodingThreads: threads))
            var ids: [String] = []
            let summary = try reader.read([path]) { ids.append($0.id) }
            return (ids, summary)
        }
        let one = try read(threads: 1)
        #expect(one.summary.rejected == 72 && one.summary.blankLines == 40 && one.summary.duplicates == 52)
        #expect(one.ids.count == 7_000 - 72 - 40 - 52)
        for threads in [2, 4, 7] {
            let many = try read(threads: threads)
            #expect(many.ids == one.ids, "\(threads) threads deliver every event, in order")
            #expect(many.summary.rejectSamples.map(\.line) == one.summary.rejectSamples.map(\.line))
            #expect(many.summary.blankLines == one.summary.blankLines && many.summary.duplicates == one.summary.duplicates)
        }
    }

    @Test func emptyLinesAreCountedNotRejected() throws {
        let text = "\n" + EventFixtures.minimal(id: "1") + "\n\n   \n" + EventFixtures.minimal(id: "2") + "\n\n"
        let (ids, summary) = try read([directory.write("blank.jsonl", text: text)])
        #expect(ids == ["1", "2"])
        #expect(summary.blankLines == 4)
        #expect(summary.rejected == 0)
    }

    @Test func toleratesByteOrderMarkAndCRLF() throws {
        let text = "\u{FEFF}" + EventFixtures.minimal(id: "1") + "\r\n" + EventFixtures.minimal(id: "2") + "\r\n"
        let (ids, summary) = try read([directory.write("crlf.jsonl", text: text)])
        #expect(ids == ["1", "2"])
        #expect(summary.rejected == 0)
    }

    @Test func rejectedCRLFLineIsCopiedWithItsCarriageReturn() throws {
        let text = "oops\r\n" + EventFixtures.minimal(id: "1") + "\r\n"
        let (ids, _) = try read([directory.write("crlf-bad.jsonl", text: text)])
        #expect(ids == ["1"])
        #expect(directory.read("rejects.jsonl") == "oops\r\n")
    }

    @Test func lastLineWithoutNewlineIsRead() throws {
        let text = EventFixtures.minimal(id: "1") + "\n" + EventFixtures.minimal(id: "2")
        #expect(try read([directory.write("nonl.jsonl", text: text)]).ids == ["1", "2"])
    }

    @Test func readsGzipDetectedByContent() throws {
        let text = (1...500).map { EventFixtures.minimal(id: "g\($0)") }.joined(separator: "\n") + "\n"
        let path = directory.write("log.data", bytes: Gzip.compress(Array(text.utf8)))
        let (ids, summary) = try read([path])
        #expect(ids.count == 500)
        #expect(summary.warnings.isEmpty)
    }

    @Test func readsConcatenatedGzipMembers() throws {
        let first = Gzip.compress(Array((EventFixtures.minimal(id: "1") + "\n").utf8))
        let second = Gzip.compress(Array((EventFixtures.minimal(id: "2") + "\n").utf8))
        let (ids, summary) = try read([directory.write("cat.jsonl.gz", bytes: first + second)])
        #expect(ids == ["1", "2"])
        #expect(summary.warnings.isEmpty)
    }

    @Test func truncatedGzipKeepsEveryCompleteLineAndRejectsThePartialOne() throws {
        let text =
            (1...2000).map { EventFixtures.minimal(id: "t\($0)", prompt: "prompt number \($0) with some padding text") }
            .joined(separator: "\n") + "\n"
        let compressed = Gzip.compress(Array(text.utf8), level: 1)
        let path = directory.write("truncated.jsonl.gz", bytes: Array(compressed.prefix(compressed.count * 2 / 3)))
        let (ids, summary) = try read([path])
        #expect(ids.count > 100 && ids.count < 2000)
        #expect(ids == (1...ids.count).map { "t\($0)" }, "lines before the cut are all read, in order")
        #expect(summary.warnings.count == 1)
        #expect(summary.warnings[0].contains("truncated"))
        #expect(summary.rejected <= 1, "at most the one partial line is rejected")
    }

    @Test func overlongLinesAreRejectedAndCopiedWithoutHoldingThemInMemory() throws {
        let long = EventFixtures.minimal(id: "big", prompt: String(repeating: "x", count: 300_000))
        let text = EventFixtures.minimal(id: "1") + "\n" + long + "\n" + EventFixtures.minimal(id: "2") + "\n"
        let (ids, summary) = try read([directory.write("long.jsonl", text: text)], maximumLineBytes: 100_000)
        #expect(ids == ["1", "2"])
        #expect(summary.rejected == 1)
        #expect(summary.rejectSamples.first?.line == 2)
        #expect(directory.read("rejects.jsonl") == long + "\n")
    }

    @Test func missingFileIsAClearError() {
        #expect {
            _ = try read([directory.file("absent.jsonl")])
        } throws: { error in
            "\(error)".contains("absent.jsonl") && "\(error)".contains("No such file")
        }
    }

    @Test func emptyFileHasNoEvents() throws {
        let (ids, summary) = try read([directory.write("empty.jsonl", text: "")])
        #expect(ids.isEmpty && summary.events == 0 && summary.rejected == 0)
    }
}

extension EventLogReaderTests {
    @Test func overlongLineSpanningManyReadsIsStreamedToTheRejectFile() throws {
        let long = EventFixtures.minimal(id: "huge", prompt: String(repeating: "y", count: 3_500_000))
        let text = EventFixtures.minimal(id: "1") + "\n" + long + "\n" + EventFixtures.minimal(id: "2")
        let (ids, summary) = try read([directory.write("huge.jsonl", text: text)], maximumLineBytes: 1 << 20)
        #expect(ids == ["1", "2"])
        #expect(summary.rejected == 1)
        #expect(directory.read("rejects.jsonl") == long + "\n")
    }
}

extension EventLogReaderTests {
    @Test func replaysSeveralFilesMergedInTimeOrder() throws {
        func line(_ id: String, second: Int) -> String {
            EventFixtures.minimal(id: id, timestamp: Timestamp(milliseconds: Int64(second) * 1000).rfc3339)
        }
        // Two gateway replicas, each in time order, interleaved; one duplicate across them and a bad line in each.
        let a = (0..<3000).map { line("a\($0)", second: $0 * 2) } + ["bad line in a"]
        let b = ["bad line in b"] + (0..<3000).map { line("b\($0)", second: $0 * 2 + 1) } + [line("a5", second: 99_999)]
        let first = directory.write("replica-a.jsonl", text: a.joined(separator: "\n"))
        let second = directory.write("replica-b.jsonl", text: b.joined(separator: "\n"))
        var reader = EventLogReader(configuration: .init(rejectsPath: directory.file("rejects.jsonl")))
        var times: [Int64] = []
        var ids: [String] = []
        let summary = try reader.read([first, second]) { event in
            times.append(event.timestamp.milliseconds)
            ids.append(event.id)
        }
        #expect(times == times.sorted(), "events come out in time order across files")
        #expect(ids.prefix(4) == ["a0", "b0", "a1", "b1"])
        #expect(summary.events == 6000 && summary.duplicates == 1 && summary.rejected == 2)
        let rejected = try #require(directory.read("rejects.jsonl")).split(separator: "\n").sorted()
        #expect(rejected == ["bad line in a", "bad line in b"])
        #expect(Set(summary.rejectSamples.map(\.file)) == [first, second])
    }
}
