import DistillGuardCore
import DistillGuardStore
import Logging

/// One exchange on its way into the engine, as either host of analysis receives it: the gateway's
/// proxied exchange (still bytes), an event its decision API decoded, or an event `serve`'s store
/// holds (a feature row made at ingest, or the line). `prepare` makes the event and the features
/// the engine takes, in one place for both hosts (`LiveAnalysis`, `AnalysisFollower`), on the
/// engine's thread.
enum EngineInput: Sendable {
    case exchange(ExchangeRecord)
    case event(Event, line: String)
    case stored(StoredEvent)

    /// An input made ready: the event, its line (empty for a stored event read as a feature row),
    /// and its features when they were asked for or came with it.
    struct Prepared {
        var event: Event
        var line: String
        var features: ExchangeFeatures?
    }

    /// The event and line of the input, with its features when `features` (a feature row always
    /// brings them); nil, after logging why, when it cannot be analysed.
    func prepare(features: Bool, logger: Logger) -> Prepared? {
        switch self {
        case .exchange(let record):
            guard let (event, line) = Self.event(record) else {
                logger.error("gateway exchange could not be made into an event", metadata: ["dg.exchange.id": "\(record.id)"])
                return nil
            }
            return Prepared(event: event, line: line, features: features ? ExchangeFeatures(event) : nil)
        case .event(let event, let line):
            return Prepared(event: event, line: line, features: features ? ExchangeFeatures(event) : nil)
        case .stored(let stored):
            if let row = stored.features {
                // Made at ingest: no line to decode again. A row of another layout comes with its
                // line (the store's query), which is read instead.
                do {
                    let (event, rowFeatures) = try row.withUnsafeBytes { bytes throws(FeatureRowError) in try FeatureRow.decode(bytes) }
                    return Prepared(event: event, line: "", features: rowFeatures)
                } catch {
                    guard !stored.line.isEmpty else {
                        logger.error(
                            "a stored feature row cannot be read, and its event has no line",
                            metadata: ["dg.event.id": "\(stored.id)", "dg.error": "\(error)"])
                        return nil
                    }
                }
            }
            var line = stored.line
            switch line.withUTF8({ EventBatch.decodeLine(UnsafeRawBufferPointer($0)) }) {
            case .success(let event)?:
                return Prepared(event: event, line: stored.line, features: features ? ExchangeFeatures(event) : nil)
            case .failure(let rejection)?:
                logger.error("a stored event cannot be decoded", metadata: ["dg.event.id": "\(stored.id)", "dg.error": "\(rejection)"])
                return nil
            case nil:
                logger.error(
                    "a stored event has no text left to analyze (raw retention shorter than the analysis backlog?)",
                    metadata: ["dg.event.id": "\(stored.id)"])
                return nil
            }
        }
    }

    /// The contract event of an exchange; a response the contract cannot take is left out rather
    /// than losing the exchange.
    static func event(_ record: ExchangeRecord) -> (event: Event, line: String)? {
        var record = record
        for attempt in 0..<2 {
            if attempt == 1 { record.response = .none }
            guard let value = try? record.json(), let event = try? EventDecoder.decode(value) else { continue }
            var writer = JSONWriter(reservingCapacity: record.request.count + 1024)
            writer.write(value)
            return (event, String(decoding: writer.bytes, as: UTF8.self))
        }
        return nil
    }
}
