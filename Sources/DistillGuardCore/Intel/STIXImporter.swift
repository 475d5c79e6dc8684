/// Reads a partner's STIX 2.1 bundle strictly and extracts the indicators DistillGuard can match.
///
/// Nothing is half-read: any malformed object, out-of-range value or oversized input fails the
/// whole bundle with an error that names the object and the field. Indicators whose pattern is
/// valid STIX but not one DistillGuard can match are kept (for TAXII) and counted, not matched.
public struct STIXImporter {
    public struct Limits: Sendable {
        public var maximumBytes = 64 << 20
        public var maximumObjects = 200_000
        public var maximumStringBytes = 8192

        public init() {}
    }

    public struct Result: Sendable {
        /// Every object of the bundle, as given.
        public var objects: [JSONValue]
        public var indicators: [IntelIndicator]
        /// Indicators with patterns DistillGuard does not match.
        public var unmatchable: Int
    }

    public var limits = Limits()

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    public func read(_ bytes: [UInt8], source: String) throws -> Result {
        func fail(_ message: String) -> IntelError { IntelError(description: "\(source): \(message); nothing was imported") }
        guard bytes.count <= limits.maximumBytes else {
            throw fail("the bundle is \(bytes.count) bytes, more than the \(limits.maximumBytes) accepted")
        }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw fail("\(error)") }
        guard value["type"] == "bundle" else { throw fail("not a STIX bundle (`type` must be \"bundle\")") }
        guard let objects = value["objects"]?.arrayValue else { throw fail("`objects` must be an array") }
        guard objects.count <= limits.maximumObjects else {
            throw fail("\(objects.count) objects, more than the \(limits.maximumObjects) accepted")
        }
        var producers: [String: String] = [:]
        for (index, object) in objects.enumerated() {
            try check(object, at: index, fail)
            if object["type"] == "identity", let id = object["id"]?.stringValue { producers[id] = object["name"]?.stringValue ?? id }
        }
        var indicators: [IntelIndicator] = []
        var unmatchable = 0
        for (index, object) in objects.enumerated() where object["type"] == "indicator" {
            let at = "objects[\(index)] (\(object["id"]?.stringValue ?? "?"))"
            guard let pattern = object["pattern"]?.stringValue, let patternType = object["pattern_type"]?.stringValue,
                let validFromText = object["valid_from"]?.stringValue
            else { throw fail("\(at): an indicator needs `pattern`, `pattern_type` and `valid_from`") }
            guard let validFrom = Timestamp(rfc3339: validFromText) else { throw fail("\(at): `valid_from` is not a timestamp") }
            var validUntil: Timestamp?
            if let text = object["valid_until"]?.stringValue {
                guard let until = Timestamp(rfc3339: text), until > validFrom else {
                    throw fail("\(at): `valid_until` must be a timestamp after `valid_from`")
                }
                validUntil = until
            }
            let confidence = object["confidence"]?.intValue
            if let confidence, !(0...100).contains(confidence) { throw fail("\(at): `confidence` must be 0 to 100") }
            let producer = object["created_by_ref"]?.stringValue.flatMap { producers[$0] } ?? "an unnamed producer"
            let parsed = Self.parse(pattern: pattern, type: patternType)
            if parsed.isEmpty { unmatchable += 1 }
            for (kind, matchValue) in parsed {
                indicators.append(
                    IntelIndicator(
                        objectID: object["id"]!.stringValue!, producer: producer, kind: kind, value: matchValue, validFrom: validFrom,
                        validUntil: validUntil, confidence: confidence))
            }
        }
        return Result(objects: objects, indicators: indicators, unmatchable: unmatchable)
    }

    /// Shape checks every STIX object must pass: an object with a `type` and a well-formed `id`,
    /// and no string longer than the limit anywhere.
    func check(_ object: JSONValue, at index: Int, _ fail: (String) -> IntelError) throws {
        guard case .object(let members) = object else { throw fail("objects[\(index)] is not an object") }
        guard let type = object["type"]?.stringValue, let id = object["id"]?.stringValue else {
            throw fail("objects[\(index)] needs `type` and `id`")
        }
        guard id.hasPrefix(type + "--"), Self.isUUID(id.dropFirst(type.count + 2)) else {
            throw fail("objects[\(index)]: `id` must be \"\(type)--<uuid>\", got \"\(id.prefix(80))\"")
        }
        func walk(_ value: JSONValue, _ path: String) throws {
            switch value {
            case .string(let s) where s.utf8.count > limits.maximumStringBytes:
                throw fail("objects[\(index)] (\(id)): `\(path)` is longer than \(limits.maximumStringBytes) bytes")
            case .array(let items): for (i, item) in items.enumerated() { try walk(item, "\(path)[\(i)]") }
            case .object(let o): for (key, item) in o { try walk(item, path.isEmpty ? key : "\(path).\(key)") }
            default: break
            }
        }
        for (key, item) in members { try walk(item, key) }
    }

    static func isUUID(_ text: Substring) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.map(\.count) == [8, 4, 4, 4, 12] && parts.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }

    /// The matchable comparisons of a pattern; empty when DistillGuard cannot match it.
    static func parse(pattern: String, type: String) -> [(IntelIndicator.Kind, String)] {
        if type == STIXExporter.templatePatternType {
            guard let value = try? JSONParser.parse(pattern), value["signature"] == "distillguard-template-1" else { return [] }
            return (value["anchors"]?.arrayValue ?? []).compactMap(\.stringValue).filter { UInt64($0, radix: 16) != nil }
                .map { (.templateAnchor, $0) }
        }
        guard type == "stix" else { return [] }
        let forms: [(prefix: String, kind: IntelIndicator.Kind, quoted: Bool)] = [
            ("[ipv4-addr:value ISSUBSET ", .ipPrefix, true), ("[ipv4-addr:value = ", .ipAddress, true),
            ("[autonomous-system:number = ", .asn, false),
            ("[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = ", .userAgent, true),
            ("[x-distillguard-client:tls_fingerprint = ", .tlsFingerprint, true),
            ("[x-distillguard-account:payment_fingerprint_hmac = ", .paymentFingerprint, true),
            ("[x-distillguard-account:email_domain_hmac = ", .emailDomain, true), ("[user-account:user_id = ", .accountID, true),
        ]
        for form in forms where pattern.hasPrefix(form.prefix) && pattern.hasSuffix("]") {
            let body = pattern.dropFirst(form.prefix.count).dropLast()
            guard let value = form.quoted ? unquote(body) : (Int(body).map(String.init)) else { return [] }
            switch form.kind {
            case .ipPrefix: return normalizedPrefix(value).map { [(.ipPrefix, $0)] } ?? []
            case .paymentFingerprint, .emailDomain, .accountID:
                return value.count == 64 && value.allSatisfy(\.isHexDigit) ? [(form.kind, value.lowercased())] : []
            default: return [(form.kind, value)]
            }
        }
        return []
    }

    static func unquote(_ text: Substring) -> String? {
        guard text.count >= 2, text.first == "'", text.last == "'" else { return nil }
        var result = ""
        var escaped = false
        for character in text.dropFirst().dropLast() {
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "'" {
                return nil
            } else {
                result.append(character)
            }
        }
        return escaped ? nil : result
    }

    /// `a.b.c.d/24` as the /24 prefix DistillGuard tracks (`a.b.c.0/24`); other lengths are not matched.
    static func normalizedPrefix(_ text: String) -> String? {
        let parts = text.split(separator: "/")
        guard parts.count == 2, parts[1] == "24" else { return nil }
        let octets = parts[0].split(separator: ".").compactMap { UInt8($0) }
        guard octets.count == 4 else { return nil }
        return "\(octets[0]).\(octets[1]).\(octets[2]).0/24"
    }
}
