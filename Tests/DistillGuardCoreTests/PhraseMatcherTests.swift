import DistillGuardCore
import Testing

struct PhraseMatcherTests {
    static let matcher = PhraseMatcher([("step by step", 0), ("by step", 1), ("he", 2), ("she", 3), ("hers", 4), ("Schritt", 5)])

    /// The tags of every phrase found, as `scan` reports them one by one.
    static func scannedTags(_ text: String, limit: Int = 8192) -> UInt64 {
        var bits: UInt64 = 0
        matcher.scan(text, limit: limit) { bits |= 1 << UInt64(matcher.phrases[$0].tag) }
        return bits
    }

    @Test(arguments: [
        ("think STEP by Step", 0b11), ("ushers", 0b11100), ("she", 0b1100), ("h e", 0), ("Schritt für Schritt", 0b100000),
        ("", 0), ("by ste", 0),
    ])
    func tagsArePhrasesFoundAnywhereIgnoringASCIICase(text: String, expected: UInt64) {
        #expect(Self.matcher.tags(in: text) == expected)
        #expect(Self.scannedTags(text) == expected)
    }

    @Test func looksOnlyAtTheFirstLimitBytes() {
        let text = String(repeating: "x", count: 100) + "step by step"
        #expect(Self.matcher.tags(in: text, limit: 100) == 0 && Self.scannedTags(text, limit: 100) == 0)
        #expect(Self.matcher.tags(in: text, limit: 111) == 0, "both phrases are cut short")
        #expect(Self.matcher.tags(in: text, limit: 112) == 0b11 && Self.scannedTags(text, limit: 112) == 0b11)
    }
}
