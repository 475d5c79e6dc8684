import DistillGuardCore

/// The event decoder (the contract's three API shapes) on one arbitrary line.
///
/// - The analyze path (response text elided) accepts and rejects exactly the lines the full path
///   does, with the same rejection, and decodes the same event apart from the response text.
/// - A decoded event's features can be computed, and an engine can ingest and score it; a batch
///   of the line twice gives it twice.
/// - A rejection always names a code and a message.
/// - An accepted event's feature row (`FeatureRow`, what `serve` stores at ingest) decodes to the
///   same envelope and features, and an engine ingests it; any bytes read as a row are refused
///   with a reason or decoded, never a crash.
enum EventTarget {
    static let ordinary = try! EventDecoder.decode(
        line:
            #"{"id":"o1","timestamp":"2026-02-01T12:00:00Z","account_id":"acct_o","api":"openai.chat_completions","request":{"model":"m","messages":[{"role":"user","content":"What is the capital of France?"}]}}"#
    )

    static func run(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { try? FeatureRow.decode($0) }
        bytes.withUnsafeBytes { raw in
            let full = EventBatch.decodeLine(raw)
            let light = EventBatch.decodeLine(raw, responseText: false)
            switch (full, light) {
            case (nil, nil):
                return
            case (.success(let a)?, .success(let b)?):
                require(
                    a.id == b.id && a.accountID == b.accountID && a.timestamp == b.timestamp && a.api == b.api,
                    "the analyze path decoded another event")
                _ = ExchangeFeatures(b)
                // Every accepted event can be analysed: ingested by an engine beside an ordinary
                // event (so that the log has a span) and scored. (An event dated before 1970
                // crashed the engine; schemathesis found it through the gateway, not this target.)
                var engine = DetectionEngine()
                engine.ingest(Self.ordinary, ExchangeFeatures(Self.ordinary))
                let features = ExchangeFeatures(a)
                engine.ingest(a, features)
                _ = engine.finish()
                let row = FeatureRow.encode(a, features)
                guard let (event, read) = row.withUnsafeBytes({ try? FeatureRow.decode($0) }) else {
                    return require(false, "a feature row made at ingest cannot be read back")
                }
                require(
                    event.id == a.id && event.accountID == a.accountID && event.timestamp == a.timestamp && event.api == a.api
                        && event.client == a.client && event.account == a.account && event.endUserID == a.endUserID
                        && event.exchange.model == a.exchange.model
                        && event.exchange.lastUserText == FeatureRow.promptOpening(a.exchange.lastUserText),
                    "a feature row decodes to another envelope")
                require(
                    read.signature == features.signature && read.promptHash == features.promptHash && read.capability == features.capability
                        && read.answer == features.answer && read.resentAnswers == features.resentAnswers
                        && read.inputTokens == features.inputTokens && read.outputTokens == features.outputTokens
                        && read.longReasoning == features.longReasoning && read.thinkingRequested == features.thinkingRequested,
                    "a feature row decodes to other features")
                var fromRow = DetectionEngine()
                fromRow.ingest(Self.ordinary, ExchangeFeatures(Self.ordinary))
                fromRow.ingest(event, read)
                _ = fromRow.finish()
            case (.failure(let a)?, .failure(let b)?):
                require(a.code == b.code && a.field == b.field, "the analyze path rejects differently: \(a) / \(b)")
                require(!a.message.isEmpty, "a rejection without a message")
            default:
                require(
                    false, "one path accepts the line and the other does not: \(String(describing: full)) / \(String(describing: light))")
            }
        }
        guard !bytes.isEmpty, !bytes.contains(0x0A) else { return }
        let twice = bytes + [0x0A] + bytes
        var outcomes: [Bool?] = []
        twice.withUnsafeBytes { raw in
            EventBatch.decode(raw) { _, _, result in
                switch result {
                case .success?: outcomes.append(true)
                case .failure?: outcomes.append(false)
                case nil: outcomes.append(nil)
                }
            }
        }
        require(outcomes.count == 2 && outcomes[0] == outcomes[1], "the same line twice in a batch decoded differently: \(outcomes)")
    }
}
