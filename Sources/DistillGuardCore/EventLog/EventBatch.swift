/// The outcome of one line of a JSON Lines batch (an ingest request, a validation request).
public enum LineResult: Sendable, Equatable {
    case accepted(id: String)
    /// Valid, but an event with this id was stored before (ingest is idempotent by id).
    case duplicate(id: String)
    case rejected(EventRejection)
    case blank

    /// The result as the JSON object the HTTP APIs return for a line.
    public func json(line: Int) -> JSONValue {
        switch self {
        case .accepted(let id):
            return ["line": .int(Int64(line)), "status": "accepted", "id": .string(id)]
        case .duplicate(let id):
            return ["line": .int(Int64(line)), "status": "duplicate", "id": .string(id)]
        case .rejected(let rejection):
            return [
                "line": .int(Int64(line)), "status": "rejected", "code": .string(rejection.code.rawValue),
                "field": .string(rejection.field), "reason": .string(rejection.message),
            ]
        case .blank:
            return ["line": .int(Int64(line)), "status": "blank"]
        }
    }
}

/// Decodes a whole JSON Lines batch held in memory, line by line, with the same rules as the
/// file reader (byte-order mark and `\r` tolerated, empty lines ignored).
public enum EventBatch {
    /// Calls `body` with each line's number, raw bytes and decoded result.
    public static func decode(
        _ bytes: UnsafeRawBufferPointer,
        _ body: (_ number: Int, _ raw: UnsafeRawBufferPointer, _ result: Result<Event, EventRejection>?) throws -> Void
    ) rethrows {
        var number = 0
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            number += 1
            let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            try body(number, raw, decodeLine(raw))
            start = end + 1
        }
    }

    /// Decodes one raw line; nil for a line with nothing on it.
    public static func decodeLine(_ raw: UnsafeRawBufferPointer, responseText: Bool = true) -> Result<Event, EventRejection>? {
        guard let line = EventLine.content(of: raw) else { return nil }
        do {
            return .success(try EventDecoder.decode(line: line, responseText: responseText))
        } catch {
            return .failure(error)
        }
    }
}

/// What counts as the content of a log line.
public enum EventLine {
    /// The line without a leading UTF-8 byte-order mark or a trailing `\r`; nil when only blanks remain.
    public static func content(of raw: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        var line = raw
        if line.count >= 3, line[0] == 0xEF, line[1] == 0xBB, line[2] == 0xBF {
            line = UnsafeRawBufferPointer(rebasing: line[3...])
        }
        if let last = line.last, last == 0x0D {
            line = UnsafeRawBufferPointer(rebasing: line[..<(line.count - 1)])
        }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
        return line
    }
}
