import DistillGuardCore
import DistillGuardTesting
import Testing

struct JSONParserTests {
    @Test func parsesEveryValueType() throws {
        let value = try JSONParser.parse(#" {"a": [1, -2.5, 1e3, true, false, null, "x"], "b": {}, "c": []} "#)
        #expect(value["a"] == [1, -2.5, 1000, true, false, nil, "x"])
        #expect(value["b"] == .object(JSONObject()))
        #expect(value["c"] == [])
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(#""tab\t quote\" slash\/ \u00e9 \ud83d\ude00 \\""#)
        #expect(value == .string("tab\t quote\" slash/ é 😀 \\"))
    }

    @Test func keepsNonASCIIText() throws {
        #expect(try JSONParser.parse(#"["日本語で考えて", "Подумай шаг за шагом"]"#) == ["日本語で考えて", "Подумай шаг за шагом"])
    }

    @Test(arguments: [
        ("{\"a\":1,}", 7, "expected an object key"),
        ("[1 2]", 3, "expected ',' or ']'"),
        ("{\"a\" 1}", 5, "expected ':'"),
        ("\"abc", 0, "unterminated string"),
        ("01", 1, "leading zeros"),
        ("{\"a\":1} x", 8, "after the end of the document"),
        ("\"\\ud800\"", 7, "unpaired surrogate"),
        ("\"a\tb\"", 2, "control character"),
        ("", 0, "expected a value"),
        ("nul", 0, "end of input in literal"),
        // Found by fuzzing (Fuzz/, target `json`): these became infinity, written back as null.
        ("[1, 4444e44444]", 4, "number out of range"), ("-1.5e309", 0, "number out of range"),
    ])
    func reportsWhereAndWhy(text: String, offset: Int, fragment: String) {
        #expect {
            _ = try JSONParser.parse(text)
        } throws: { error in
            guard let error = error as? JSONSyntaxError else { return false }
            return error.offset == offset && error.message.contains(fragment)
        }
    }

    @Test func rejectsInvalidUTF8() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(bytes) }
    }

    @Test func capsNestingDepth() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect {
            _ = try JSONParser.parse(deep)
        } throws: { error in
            (error as? JSONSyntaxError)?.message.contains("nesting deeper") == true
        }
    }

    @Test func writerRoundTripsAndKeepsKeyOrder() throws {
        let text = #"{"z":1,"a":[true,null,"line\nbreak \"q\" \u0001"],"m":{"k":-3.25}}"#
        let value = try JSONParser.parse(text)
        #expect(value.description == text)
        #expect(try JSONParser.parse(value.description) == value)
    }

    /// Containers nested in containers, of every size up to 40, each holding strings, numbers and
    /// more containers: every member and element comes back in its place, in order.
    @Test func keepsEveryMemberOfNestedContainersOfEverySize() throws {
        func value(_ seed: Int, depth: Int) -> JSONValue {
            let size = seed % 41
            switch (seed / 41 + depth) % 4 {
            case _ where depth > 2: return .string("leaf \(seed)")
            case 0: return .array((0..<size).map { value(seed &* 31 &+ $0 &+ 7, depth: depth + 1) })
            case 1: return .object(JSONObject((0..<size).map { (key: "k\($0)", value: value(seed &* 17 &+ $0 &+ 3, depth: depth + 1)) }))
            case 2: return .int(Int64(seed))
            default: return .array([.string("s\(seed)"), .object(["n": .int(Int64(size))]), .array([])])
            }
        }
        for seed in 0..<60 {
            let original = JSONValue.object(["root": value(seed, depth: 0), "next": value(seed + 1, depth: 1)])
            let text = original.description
            let parsed = try JSONParser.parse(text)
            #expect(parsed == original, "seed \(seed)")
            #expect(parsed.description == text, "seed \(seed)")
        }
    }

    @Test func lastDuplicateKeyWins() throws {
        #expect(try JSONParser.parse(#"{"a":1,"a":2}"#)["a"] == 2)
    }
}

extension JSONParserTests {
    @Test func elidesLongStringsOfOneMemberToTheirStartButStillChecksThem() throws {
        let long = String(repeating: "x", count: 2000)
        let accented = String(repeating: "é", count: 1000)
        let text =
            #"{"request":{"p":"\#(long)"},"response":{"t":"\#(long)","e":"a\n\#(long)","u":"\#(accented)","short":"ok","usage":{"n":3}}}"#
        let value = try Array(text.utf8).withUnsafeBytes { try JSONParser.parse($0, elidingStringsIn: "response") }
        #expect(value["request"]?["p"]?.stringValue == long, "other members are untouched")
        #expect(value["response"]?["t"]?.stringValue == String(long.prefix(1024)))
        #expect(value["response"]?["e"]?.stringValue == "a\n" + String(long.prefix(1022)), "escaped strings are cut alike")
        #expect(value["response"]?["u"]?.stringValue == String(accented.prefix(512)), "cut at a character boundary")
        #expect(value["response"]?["short"] == "ok" && value["response"]?["usage"]?["n"] == 3)
        var bad = Array(#"{"response":{"t":""#.utf8) + [UInt8](repeating: 0x61, count: 1100) + [0xC3, 0x28] + Array(#""}}"#.utf8)
        #expect(throws: JSONSyntaxError.self) {
            try bad.withUnsafeMutableBytes { try JSONParser.parse(UnsafeRawBufferPointer($0), elidingStringsIn: "response") }
        }
        bad = Array(#"{"response":{"t":"\q"#.utf8) + [UInt8](repeating: 0x61, count: 1100) + Array(#""}}"#.utf8)
        #expect(throws: JSONSyntaxError.self) {
            try bad.withUnsafeMutableBytes { try JSONParser.parse(UnsafeRawBufferPointer($0), elidingStringsIn: "response") }
        }
    }
}

extension JSONParserTests {
    /// Strings are scanned eight bytes at a time: a quote, backslash or control byte must be found
    /// at every position of a word, and in the bytes after the last whole word.
    @Test func findsTheEndOfAStringAtEveryPositionOfAWord() throws {
        for length in 0..<20 {
            let plain = String(repeating: "ab", count: 10).prefix(length)
            #expect(try JSONParser.parse(#"["\#(plain)",1]"#) == [.string(String(plain)), 1], "\(length)")
            #expect(try JSONParser.parse(#"["\#(plain)\n\#(plain)"]"#) == [.string("\(plain)\n\(plain)")], "\(length)")
            #expect(try JSONParser.parse(#"["\#(plain)é\u00e9"]"#) == [.string("\(plain)éé")], "\(length)")
            #expect(throws: JSONSyntaxError.self, "\(length)") { try JSONParser.parse("[\"\(plain)\u{1}\"]") }
            #expect(throws: JSONSyntaxError.self, "\(length)") { try JSONParser.parse("[\"\(plain)\\n\(plain)\u{1F}\"]") }
        }
    }

    /// Past the kept start of an elided escaped string, the rest is still checked: invalid UTF-8,
    /// a bad escape, a lone surrogate or a control byte there still rejects the document.
    @Test func checksAnElidedEscapedStringToItsEnd() throws {
        let start = #"{"response":{"t":"a\n"#
        let filler = String(repeating: "x", count: 1100)
        for tail in [#"\q"#, #"\ud800"#, "\u{1}", #"\u12"#] {
            let text = start + filler + tail + #""}}"#
            #expect(throws: JSONSyntaxError.self, "\(tail)") {
                try Array(text.utf8).withUnsafeBytes { try JSONParser.parse($0, elidingStringsIn: "response") }
            }
        }
        let invalid = Array((start + filler + #"\n"#).utf8) + [0xC3, 0x28] + Array(#""}}"#.utf8)
        #expect(throws: JSONSyntaxError.self) {
            try invalid.withUnsafeBytes { try JSONParser.parse($0, elidingStringsIn: "response") }
        }
        let valid = start + filler + #"\n\u00e9\ud83d\ude00é\"end"}}"#
        let value = try Array(valid.utf8).withUnsafeBytes { try JSONParser.parse($0, elidingStringsIn: "response") }
        #expect(value["response"]?["t"]?.stringValue == "a\n" + String(filler.prefix(1022)))
    }
}

extension JSONParserTests {
    /// An escaped string is decoded straight into its String unless it is cut (an elided member),
    /// where it goes through a byte array. Both must give the same text, or the same error at the
    /// same byte, for any mix of plain runs, escapes, surrogates, non-ASCII text, invalid UTF-8,
    /// control bytes and truncation: strings up to 1,024 bytes are kept whole either way.
    @Test func decodesEscapedStringsAlikeWhetherCutOrNot() throws {
        let pieces: [[UInt8]] = [
            Array("ab".utf8), Array("plain text of a few words".utf8), Array(#"\n"#.utf8), Array(#"\""#.utf8),
            Array(#"\\"#.utf8), Array(#"\/"#.utf8), Array(#"\t\r\b\f"#.utf8), Array(#"\u00e9"#.utf8), Array(#"\u4e2d"#.utf8),
            Array(#"\ud83d\ude00"#.utf8), Array("é中😀".utf8), Array(#"\q"#.utf8), Array(#"\ud800"#.utf8),
            Array(#"\udc00x"#.utf8), Array(#"\u12"#.utf8), Array(#"\uZZZZ"#.utf8), [0x01], [0xC3, 0x28], [0xE2, 0x82],
            [0xF0, 0x9F, 0x98], [0xED, 0xA0, 0x80], [0xFF], Array(#"\"#.utf8),
        ]
        var random = SyntheticProse.Generator(state: 0x5EED)
        for round in 0..<4_000 {
            var body: [UInt8] = []
            for _ in 0..<(1 + Int(random.next() % 6)) { body += pieces[Int(random.next() % UInt64(pieces.count))] }
            if round % 2 == 0 { body = Array(#"\n"#.utf8) + body }
            let truncated = round % 7 == 0
            let document = Array(#"{"a":""#.utf8) + body + (truncated ? [] : Array(#""}"#.utf8))
            let whole = Self.outcome(of: document, eliding: nil)
            let cut = Self.outcome(of: document, eliding: "a")
            #expect(whole == cut, "\(String(decoding: body, as: UTF8.self).debugDescription)")
        }
    }

    static func outcome(of document: [UInt8], eliding member: String?) -> Result<JSONValue, JSONSyntaxError> {
        document.withUnsafeBytes { raw in Result { () throws(JSONSyntaxError) in try JSONParser.parse(raw, elidingStringsIn: member) } }
    }
}
