/// What the detection engine reads of one exchange, in a compact binary form: the envelope (account,
/// client, end user, time), the model, the opening of the newest user message, and the exchange's
/// `ExchangeFeatures`. `distillguard serve` computes it at ingest, on whichever replica takes the
/// batch, and stores it beside the event's line; the replica that analyses then reads these rows
/// instead of decoding every line again (docs/deployment.md, "Feature rows").
///
/// An engine fed `decode(encode(event, features))` reaches the same state as one fed `(event,
/// features)`: the prompt's opening is kept as far as anything in the engine reads it (template
/// skeletons and examples, language detection), and nothing else of the request or response is
/// read once the features are made (`FeatureRowTests` holds verdicts to byte equality).
///
/// Layout, version 1: a version byte, then fields in a fixed order; integers as LEB128 varints
/// (signed ones zigzag-encoded), hashes as 8 little-endian bytes, strings as a varint length and
/// UTF-8, optionals behind a presence byte.
public enum FeatureRow {
    public static let version: UInt8 = 1

    /// Scalars of the newest user message kept: what the template skeleton's display reads
    /// (`PromptSkeleton.displayScalars`), at least the example's 600 characters (`TemplateRegistry`)
    /// and the 400 scalars language detection reads (`ScriptLanguage.detect`).
    static let promptScalars = PromptSkeleton.displayScalars
    static let promptCharacters = TemplateRegistry.exampleCharacters

    public static func encode(_ event: Event, _ features: ExchangeFeatures) -> [UInt8] {
        var writer = RowWriter()
        writer.bytes.reserveCapacity(512)
        writer.bytes.append(version)
        writer.string(event.id)
        writer.signed(event.timestamp.milliseconds)
        writer.string(event.accountID)
        writer.string(event.api.rawValue)
        writer.optional(event.organizationID) { $0.string($1) }
        writer.optional(event.apiKeyID) { $0.string($1) }
        writer.optional(event.endUserID) { $0.string($1) }
        let client = event.client
        writer.optional(client.ip) { $0.string($1) }
        writer.optional(client.userAgent) { $0.string($1) }
        writer.optional(client.asn) { $0.signed(Int64($1)) }
        writer.optional(client.asnOrg) { $0.string($1) }
        writer.optional(client.country) { $0.string($1) }
        writer.optional(client.tlsFingerprint) { $0.string($1) }
        writer.optional(client.httpFingerprint) { $0.string($1) }
        let account = event.account
        writer.optional(account.createdAt) { $0.signed($1.milliseconds) }
        writer.optional(account.tier) { $0.string($1) }
        writer.optional(account.paymentFingerprint) { $0.string($1) }
        writer.optional(account.emailDomain) { $0.string($1) }
        writer.optional(account.verified) { $0.bool($1) }
        writer.optional(account.declaredCountry) { $0.string($1) }
        writer.optional(account.paymentCountry) { $0.string($1) }
        writer.optional(event.exchange.model) { $0.string($1) }
        writer.string(promptOpening(event.exchange.lastUserText))

        let signature = features.signature
        writer.unsigned(UInt64(signature.bands.count))
        for band in signature.bands { writer.hash(band) }
        writer.hash(signature.exact)
        writer.optional(signature.head) { $0.hash($1) }
        writer.optional(signature.tail) { $0.hash($1) }
        writer.hash(features.promptHash)
        let flags: [Bool] = [
            features.cotElicitation, features.rubricGrading, features.sensitiveRewrite, features.reasoningRequested,
            features.thinkingRequested, features.maximalBudget, features.multipleSamples, features.longReasoning,
        ]
        writer.unsigned(flags.enumerated().reduce(UInt64(0)) { $0 | ($1.element ? 1 << UInt64($1.offset) : 0) })
        writer.unsigned(UInt64(features.capability.rawValue))
        writer.signed(Int64(features.inputTokens))
        writer.signed(Int64(features.outputTokens))
        writer.optional(features.answer) { $0.hash($1) }
        writer.unsigned(UInt64(features.resentAnswers.count))
        for answer in features.resentAnswers { writer.hash(answer) }
        return writer.bytes
    }

    /// The event (envelope, model and prompt opening only) and features of a row; a clear error
    /// for a row this build cannot read.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(FeatureRowError) -> (event: Event, features: ExchangeFeatures) {
        do { return try read(bytes) } catch let error as FeatureRowError { throw error } catch { throw FeatureRowError("\(error)") }
    }

    private static func read(_ bytes: UnsafeRawBufferPointer) throws -> (event: Event, features: ExchangeFeatures) {
        var reader = RowReader(bytes: bytes)
        let rowVersion = try reader.byte()
        guard rowVersion == version else {
            throw FeatureRowError("the feature row has layout version \(rowVersion); this build reads version \(version)")
        }
        let id = try reader.string()
        let timestamp = Timestamp(milliseconds: try reader.signed())
        let accountID = try reader.string()
        let apiName = try reader.string()
        guard let api = Event.API(rawValue: apiName) else { throw FeatureRowError("the feature row names an unknown api \"\(apiName)\"") }
        let organizationID = try reader.optional { try $0.string() }
        let apiKeyID = try reader.optional { try $0.string() }
        let endUserID = try reader.optional { try $0.string() }
        var client = ClientInfo()
        client.ip = try reader.optional { try $0.string() }
        client.userAgent = try reader.optional { try $0.string() }
        client.asn = try reader.optional { Int(try $0.signed()) }
        client.asnOrg = try reader.optional { try $0.string() }
        client.country = try reader.optional { try $0.string() }
        client.tlsFingerprint = try reader.optional { try $0.string() }
        client.httpFingerprint = try reader.optional { try $0.string() }
        var account = AccountInfo()
        account.createdAt = try reader.optional { Timestamp(milliseconds: try $0.signed()) }
        account.tier = try reader.optional { try $0.string() }
        account.paymentFingerprint = try reader.optional { try $0.string() }
        account.emailDomain = try reader.optional { try $0.string() }
        account.verified = try reader.optional { try $0.bool() }
        account.declaredCountry = try reader.optional { try $0.string() }
        account.paymentCountry = try reader.optional { try $0.string() }
        var exchange = Exchange()
        exchange.model = try reader.optional { try $0.string() }
        let prompt = try reader.string()
        if !prompt.isEmpty { exchange.turns = [Turn(role: .user, text: prompt)] }

        let bandCount = try reader.unsigned()
        guard bandCount == TemplateSignature.bandCount else {
            throw FeatureRowError("the feature row has \(bandCount) signature bands; this build uses \(TemplateSignature.bandCount)")
        }
        var bands: [UInt64] = []
        bands.reserveCapacity(TemplateSignature.bandCount)
        for _ in 0..<TemplateSignature.bandCount { bands.append(try reader.hash()) }
        let signature = TemplateSignature(
            bands: bands, exact: try reader.hash(), head: try reader.optional { try $0.hash() }, tail: try reader.optional { try $0.hash() }
        )
        let promptHash = try reader.hash()
        let flags = try reader.unsigned()
        let capabilityValue = try reader.unsigned()
        guard let capability = Int(exactly: capabilityValue).flatMap(Capability.init(rawValue:)) else {
            throw FeatureRowError("the feature row names an unknown capability \(capabilityValue)")
        }
        let inputTokens = Int(try reader.signed())
        let outputTokens = Int(try reader.signed())
        let answer = try reader.optional { try $0.hash() }
        let resentValue = try reader.unsigned()
        guard resentValue <= UInt64(reader.remaining / 8) else { throw FeatureRowError("the feature row ends early") }
        let resentCount = Int(resentValue)
        var resent: [UInt64] = []
        resent.reserveCapacity(resentCount)
        for _ in 0..<resentCount { resent.append(try reader.hash()) }
        guard reader.remaining == 0 else { throw FeatureRowError("the feature row has \(reader.remaining) bytes after its last field") }

        let flag = { (bit: Int) in flags & (1 << UInt64(bit)) != 0 }
        let features = ExchangeFeatures(
            signature: signature, promptHash: promptHash, cotElicitation: flag(0), rubricGrading: flag(1), sensitiveRewrite: flag(2),
            reasoningRequested: flag(3), thinkingRequested: flag(4), maximalBudget: flag(5), multipleSamples: flag(6),
            longReasoning: flag(7), capability: capability, inputTokens: inputTokens, outputTokens: outputTokens, answer: answer,
            resentAnswers: resent)
        let event = Event(
            id: id, timestamp: timestamp, accountID: accountID, api: api, request: JSONObject(), response: nil,
            organizationID: organizationID, apiKeyID: apiKeyID, endUserID: endUserID, client: client, account: account, usage: Usage(),
            status: nil, latencyMs: nil, exchange: exchange)
        return (event, features)
    }

    /// The opening of `prompt` that the engine reads: the first `promptScalars` scalars, or the
    /// first `promptCharacters` characters where those are longer.
    public static func promptOpening(_ prompt: String) -> String {
        let scalars = prompt.unicodeScalars
        guard scalars.count > promptScalars else { return prompt }
        let byScalars = scalars.index(scalars.startIndex, offsetBy: promptScalars)
        let byCharacters = prompt.index(prompt.startIndex, offsetBy: promptCharacters, limitedBy: prompt.endIndex) ?? prompt.endIndex
        // Sliced as scalars: the cut may fall inside a character, and a String slice would round it down.
        return String(scalars[..<max(byScalars, byCharacters)])
    }
}

/// A feature row this build cannot read, and why.
public struct FeatureRowError: Error, CustomStringConvertible, Sendable {
    public var description: String

    init(_ description: String) { self.description = description }
}

private struct RowWriter {
    var bytes: [UInt8] = []

    mutating func unsigned(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func signed(_ value: Int64) { unsigned(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    mutating func hash(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func string(_ value: String) {
        unsigned(UInt64(value.utf8.count))
        bytes.append(contentsOf: value.utf8)
    }

    mutating func optional<T>(_ value: T?, _ write: (inout RowWriter, T) -> Void) {
        guard let value else { return bytes.append(0) }
        bytes.append(1)
        write(&self, value)
    }
}

private struct RowReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func byte() throws -> UInt8 {
        guard offset < bytes.count else { throw FeatureRowError("the feature row ends early") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func unsigned() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64 else { throw FeatureRowError("the feature row has a number longer than 64 bits") }
            value |= UInt64(next & 0x7F) << shift
            if next < 0x80 { return value }
            shift += 7
        }
    }

    mutating func signed() throws -> Int64 {
        let raw = try unsigned()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    mutating func hash() throws -> UInt64 {
        guard remaining >= 8 else { throw FeatureRowError("the feature row ends early") }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << UInt64(8 * index) }
        offset += 8
        return value
    }

    mutating func bool() throws -> Bool {
        switch try byte() {
        case 0: false
        case 1: true
        case let other: throw FeatureRowError("the feature row has \(other) where a true or false byte belongs")
        }
    }

    mutating func string() throws -> String {
        let count = try unsigned()
        guard count <= UInt64(remaining) else { throw FeatureRowError("the feature row ends inside a text") }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + Int(count)]), as: UTF8.self)
        offset += Int(count)
        return text
    }

    mutating func optional<T>(_ read: (inout RowReader) throws -> T) throws -> T? {
        switch try byte() {
        case 0: return nil
        case 1: return try read(&self)
        case let other: throw FeatureRowError("the feature row has \(other) where a presence byte belongs")
        }
    }
}
