import DistillGuardCore

/// The JSON parser on arbitrary bytes.
///
/// - A document it accepts, written back by `JSONWriter`, parses to the same value.
/// - The analyze path's parser (eliding long strings of `response`) accepts exactly what the full
///   parser accepts, and sees the same value outside `response`.
enum JSONTarget {
    static func run(_ bytes: [UInt8]) {
        let parsed = try? JSONParser.parse(bytes)
        let elided = bytes.withUnsafeBytes { try? JSONParser.parse($0, elidingStringsIn: "response") }
        require((parsed == nil) == (elided == nil), "eliding `response` strings changes whether the document is accepted")
        guard let parsed else { return }
        let written = JSONWriter.string(parsed)
        let again = try? JSONParser.parse(written)
        require(again != nil, "the writer's output does not parse: \(written.prefix(200))")
        require(again == parsed, "written and parsed again, the document changed: \(written.prefix(200))")
        if case .object(let full) = parsed, case .object(let light)? = elided {
            let others = { (object: JSONObject) in JSONObject(object.members.filter { $0.key != "response" }) }
            require(others(full) == others(light), "eliding `response` strings changed other members")
        }
    }
}
