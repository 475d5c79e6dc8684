import DistillGuardCore
import DistillGuardTesting
import Foundation
import Testing

struct WatermarkTests {
    static let key = try! Watermark(key: Array("unit-test-watermark-key-0001".utf8))

    static func attribute(_ texts: [String], _ watermark: Watermark = key) -> AttributionResult {
        var test = AttributionTest(table: watermark.table)
        for text in texts { test.add(text) }
        return test.result(for: watermark)
    }

    @Test func watermarkedTextIsAttributedAndPlainTextIsNot() throws {
        let plain = SyntheticProse.texts(150, seed: 1)
        let marked = plain.map(Self.key.apply(to:))
        #expect(marked != plain)
        let detected = Self.attribute(marked)
        #expect(detected.pValue < 1e-10)
        #expect(detected.matches == detected.markedSites, "every site in a marked context follows the key")
        #expect(detected.markedSites > detected.sites / 4 && detected.markedSites < detected.sites * 3 / 4, "about half are marked")
        #expect(Self.attribute(plain).pValue > 1e-3)
        let otherKey = try Watermark(key: Array("a-different-key-entirely-0002".utf8))
        #expect(Self.attribute(marked, otherKey).pValue > 1e-3)
    }

    /// The words of a text, with a table's two-word alternatives ("do not") as one unit.
    static func units(_ text: String, table: SynonymTable) -> [String] {
        var units: [String] = []
        for word in text.split(separator: " ").map(String.init) {
            if let last = units.last, !last.contains(" "),
                table.lookup((last + " " + word).lowercased().trimmingCharacters(in: .punctuationCharacters)) != nil
            {
                units[units.count - 1] = last + " " + word
            } else {
                units.append(word)
            }
        }
        return units
    }

    @Test func onlyTableWordsChangeAndTheTextStaysTheSameLength() throws {
        let everyContext = try Watermark(key: Array("unit-test-watermark-key-0001".utf8), activeShare: 1)
        var contracted = false
        for text in SyntheticProse.texts(40, seed: 2) {
            let marked = everyContext.apply(to: text)
            let before = Self.units(text, table: everyContext.table)
            let after = Self.units(marked, table: everyContext.table)
            #expect(before.count == after.count)
            for (a, b) in zip(before, after) where a != b {
                let word = a.lowercased().trimmingCharacters(in: .punctuationCharacters)
                #expect(everyContext.table.lookup(word) != nil, "changed a word outside the table: \(a) → \(b)")
                if a.contains(" ") != b.contains(" ") { contracted = true }
            }
            #expect(everyContext.apply(to: marked) == marked, "watermarking is idempotent")
        }
        #expect(contracted, "some contraction is written out or contracted")
    }

    @Test func contractionsAreMarkedButQuestionsAndClauseEndsAreNot() throws {
        let text = "I do not know why. Don't you see it? That is who I am. It works, isn't it? We can't stop, they're fine."
        var seen = Set<String>()
        for index in 0..<24 {
            let watermark = try Watermark(key: Array("contraction-key-\(index)-xxxxxxxx".utf8), activeShare: 1)
            let marked = watermark.apply(to: text)
            #expect(marked.contains("Don't you see it?"), "a question stays: \(marked)")
            #expect(marked.contains("who I am."), "a clause end stays: \(marked)")
            #expect(marked.contains("isn't it?"), "a tag question stays: \(marked)")
            #expect(watermark.apply(to: marked) == marked)
            for phrase in ["I do not know", "I don't know", "can't stop", "cannot stop", "they're fine", "they are fine"]
            where marked.contains(phrase) {
                seen.insert(phrase)
            }
        }
        #expect(seen.count == 6, "both forms of each site appear across keys: \(seen)")
    }

    @Test func aNewContractionUsesTheTextsApostrophe() throws {
        let text = "We don\u{2019}t mind. You do not know it yet."
        var contracted = false
        for index in 0..<24 {
            let watermark = try Watermark(key: Array("apostrophe-key-\(index)-xxxxxxxxx".utf8), activeShare: 1)
            let marked = watermark.apply(to: text)
            #expect(!marked.contains("'"), "a typographic text keeps typographic apostrophes: \(marked)")
            if marked.contains("You don\u{2019}t know") { contracted = true }
        }
        #expect(contracted)
    }

    @Test func theKeyMarksAboutHalfTheContextsAndLeavesTheRestAsWritten() throws {
        let texts = SyntheticProse.texts(200, seed: 5)
        var marked = 0
        var sites = 0
        for text in texts {
            let after = Self.key.apply(to: text)
            for site in SynonymTable.sites(in: text, table: Self.key.table) {
                sites += 1
                if Self.key.isActive(group: site.group.id, context: site.context) { marked += 1 }
            }
            // A site in a context the key does not mark keeps the author's word; the context is the
            // word before it as written out (`after`), which is what the watermark saw.
            let before = SynonymTable.sites(in: text, table: Self.key.table)
            let written = SynonymTable.sites(in: after, table: Self.key.table)
            #expect(before.count == written.count)
            for (original, out) in zip(before, written) where !Self.key.isActive(group: out.group.id, context: out.context) {
                #expect(original.word == out.word, "an unmarked \(out.group.id) after '\(out.context)' changed")
            }
        }
        let share = Double(marked) / Double(sites)
        #expect(share > 0.4 && share < 0.6, "\(share) of sites are in marked contexts")
        #expect(throws: WatermarkError.self) { try Watermark(key: Array("unit-test-watermark-key-0001".utf8), activeShare: 0) }
        #expect(throws: WatermarkError.self) { try Watermark(key: Array("unit-test-watermark-key-0001".utf8), activeShare: 1.5) }
    }

    /// The attack of issue 19: re-draw every word of the public table with a key of one's own.
    @Test func redrawingWithAnotherKeyLeavesTheMarkDetectable() throws {
        let plain = SyntheticProse.texts(300, seed: 6)
        let marked = plain.map(Self.key.apply(to:))
        let attacker = try Watermark(key: Array("the-attackers-own-key-000001".utf8))
        let redrawn = marked.map(attacker.apply(to:))
        #expect(redrawn != marked)
        #expect(Self.attribute(redrawn).pValue < 1e-5, "half of the marked contexts are not the attacker's")
        #expect(Self.attribute(plain.map(attacker.apply(to:))).pValue > 1e-3, "the attacker's own mark is not ours")
        // Re-drawing every context of the table removes the lexical mark: the limit, documented.
        let everything = try Watermark(key: Array("the-attackers-own-key-000001".utf8), activeShare: 1)
        #expect(Self.attribute(marked.map(everything.apply(to:))).pValue > 1e-3)
    }

    @Test func piecesGiveTheSameTextAsTheWhole() {
        let text = """
            Often the results are usually fine. "Often quoted" text, `often` code, and $often$ math stay.
            ```swift
            let often = quickly()
            ```
            Maybe we    should  quickly verify it; perhaps not!\n\nAdditionally, someone improved it.
            I do not know, and they're fine; we can't stop. Don't you see? It is who I am.
            """
        let whole = Self.key.apply(to: text)
        var generator = SyntheticProse.Generator(state: 9)
        for size in [1, 2, 3, 5, 7, 11, 0] {
            var stream = WatermarkStream(Self.key)
            var output = ""
            var rest = Substring(text)
            while !rest.isEmpty {
                let take = size == 0 ? Int.random(in: 1...20, using: &generator) : size
                output += stream.feed(String(rest.prefix(take)))
                rest = rest.dropFirst(take)
            }
            output += stream.finish()
            #expect(output == whole, "split every \(size) characters")
        }
    }

    @Test func codeJSONMathQuotesAndMarkupAreNeverTouched() throws {
        let protected = [
            "```\nthe results often occur quickly\n```", "`often quickly`", "{\"note\": \"often quickly usually\"}", "[often, quickly]",
            "$often + quickly$", "$$\nusually maybe\n$$", "\\(perhaps often\\)", "\"often quickly usually\"",
            "\u{201C}often quickly\u{201D}",
            "<span>often quickly</span>", "https://example.com/often/quickly", "often_quickly", "often-quickly", "OFTEN",
        ]
        for piece in protected {
            let text = "We often see it. \(piece) Then we usually stop.\n\n> often quoted line\n\n    indented often code\n"
            var changedProse = false
            for index in 0..<12 {
                let watermark = try Watermark(key: Array("protection-key-\(index)-xxxxxxxxxx".utf8), activeShare: 1)
                let marked = watermark.apply(to: text)
                #expect(marked.contains(piece), "\(piece) changed: \(marked)")
                #expect(marked.contains("> often quoted line\n"))
                #expect(marked.contains("    indented often code\n"))
                if !marked.hasPrefix("We often see") { changedProse = true }
            }
            #expect(changedProse, "the prose around \(piece) is watermarked for some key")
        }
    }

    /// Found by fuzzing: a line such as ```python inside an open block does not close it
    /// (CommonMark: a closing fence has no info string and is at least as long as the opening).
    @Test func fenceLinesThatCannotCloseABlockStayInsideIt() throws {
        let blocks = [
            "```\nlet x = 1\n```python\nthe results often occur quickly\n```",
            "````\noften quickly\n```\nusually maybe\n````",
            "~~~\noften\n~~~ not a close\nquickly usually\n  ~~~",
            // Backticks mid-line open no block; the fence line after them opens one.
            "Look: ```x\n```\nthe results often occur quickly\n```",
        ]
        for block in blocks {
            let text = "We often see it.\n\n\(block)\n\nThen we usually stop, often quickly.\n"
            var changedProse = false
            for index in 0..<12 {
                let watermark = try Watermark(key: Array("fence-key-\(index)-xxxxxxxxxxxxxx".utf8), activeShare: 1)
                let marked = watermark.apply(to: text)
                #expect(marked.contains(block), "\(block) changed: \(marked)")
                if !marked.hasSuffix("Then we usually stop, often quickly.\n") { changedProse = true }
            }
            #expect(changedProse, "the prose after the block is watermarked for some key: the block did close")
        }
    }

    @Test func keepsCapitalsAndArticles() throws {
        var capitalized = false
        for index in 0..<16 {
            let watermark = try Watermark(key: Array("case-key-\(index)-xxxxxxxxxxxxxx".utf8), activeShare: 1)
            let marked = watermark.apply(to: "Often it works. It is an entire book, a whole day.")
            #expect(marked.hasPrefix("Often") || marked.hasPrefix("Frequently"))
            if marked.hasPrefix("Frequently") { capitalized = true }
            #expect(marked.contains("an entire book") && marked.contains("a whole day"), "article-sensitive words after a/an stay")
        }
        #expect(capitalized)
    }

    @Test func nullTextStaysQuietAcrossManyKeys() throws {
        var test = AttributionTest()
        for text in SyntheticProse.texts(300, seed: 3) { test.add(text) }
        var alarms = 0
        for index in 0..<200 {
            let watermark = try Watermark(key: Array("null-key-\(index)-xxxxxxxxxxxxxxx".utf8))
            if test.result(for: watermark).pValue <= 0.01 { alarms += 1 }
        }
        // A calibrated test alarms for about 1% of keys at α = 0.01; 8 of 200 has probability < 0.001.
        #expect(alarms <= 8, "\(alarms) of 200 random keys alarmed at p ≤ 0.01")
    }

    @Test(.enabled(if: SharedData.isAvailable, Comment(rawValue: SharedData.absentReason)))
    func realHumanTextStaysQuiet() async throws {
        let path = try #require(SharedData.file("ifbench.jsonl.gz"))
        let data = try await offCooperativePool { () throws -> Data in
            let pipe = Pipe()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "gunzip -c '\(path)'"]
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return data
        }
        let texts = data.split(separator: UInt8(ascii: "\n")).compactMap { (try? JSONParser.parse($0))?["text"]?.stringValue }
        #expect(texts.count > 100)
        #expect(Self.attribute(texts).pValue > 1e-3)
        #expect(Self.attribute(texts.map(Self.key.apply(to:))).pValue < 1e-6)
    }

    @Test func responsesKeepToolCallsThinkingAndJSON() throws {
        let anthropic = try #require(
            try JSONParser.parse(
                """
                {"content": [{"type": "thinking", "thinking": "often quickly usually"},
                {"type": "text", "text": "We often test it quickly."},
                {"type": "tool_use", "id": "t1", "name": "search", "input": {"query": "often quickly"}}]}
                """
            ).objectValue)
        var changed = false
        for index in 0..<10 {
            let watermark = try Watermark(key: Array("response-key-\(index)-xxxxxxxxxx".utf8), activeShare: 1)
            let marked = try #require(watermark.apply(response: anthropic, api: .anthropicMessages))
            let content = try #require(marked["content"]?.arrayValue)
            #expect(content[0] == anthropic["content"]!.arrayValue![0])
            #expect(content[2] == anthropic["content"]!.arrayValue![2])
            #expect(content[1]["text"]?.stringValue == watermark.apply(to: "We often test it quickly."))
            if content[1] != anthropic["content"]!.arrayValue![1] { changed = true }
        }
        #expect(changed)
        let chat = try #require(
            try JSONParser.parse(
                """
                {"choices": [{"index": 0, "message": {"role": "assistant", "content": null,
                "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{\\"a\\": \\"often quickly\\"}"}}]}}]}
                """
            ).objectValue)
        #expect(Self.key.apply(response: chat, api: .openAIChatCompletions) == chat)
    }

    @Test func tableErrorsNameTheLine() {
        func error(_ text: String) -> String {
            do {
                _ = try SynonymTable.parse(text, file: "t.txt")
                return ""
            } catch {
                return error.description
            }
        }
        #expect(error("often 0.5 | frequently 0.5") == "t.txt, line 1: a group comes before any language header such as [en]")
        #expect(error("[en]\nquick 0.5 | fast 0.2").contains("line 2: the frequencies add up to 0.7"))
        #expect(error("[en]\nquick 0.5 | fast 0.5\nfast 0.5 | rapid 0.5").contains("line 3: 'fast' is already in group en:quick"))
        #expect(error("[en]\nquick 0.5").contains("at least two words"))
        #expect(error("[en]\nQuick 0.5 | fast 0.5").contains("'Quick' must be a lower-case word"))
        #expect(
            error("[en]\ndo not 0.5 | don''t 0.5").contains("'don''t' must be a lower-case word of letters, with at most one apostrophe"))
        #expect(error("[en]\noften 0.5 | frequently 0.5\noften not 0.5 | oftn't 0.5").contains("'often' is a table word"))
        #expect(throws: WatermarkError.self) { try Watermark(key: Array("short".utf8)) }
    }

    @Test func theBuiltInTableIsValidAndCalibrationRoundTrips() throws {
        let table = SynonymTable.standard
        #expect(table.languages == ["en", "es"])
        #expect(table.groups.count > 100)
        let reparsed = try SynonymTable.parse(table.text)
        #expect(reparsed.groups.map(\.words) == table.groups.map(\.words))
        let calibrated = table.calibrated(on: ["Often often often frequently."])
        let often = try #require(calibrated.lookup("often")?.group)
        #expect(abs(often.frequencies[0] - 4.0 / 6.0) < 1e-9, "add-one smoothed share")
    }
}
