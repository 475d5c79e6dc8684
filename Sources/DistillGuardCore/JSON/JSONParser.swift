/// Why a byte sequence is not a JSON document, and where.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Zero-based byte offset into the parsed text.
    public var offset: Int
    public var message: String

    public var description: String { "invalid JSON at byte \(offset + 1): \(message)" }
}

/// A strict RFC 8259 JSON parser over UTF-8 bytes.
///
/// Hand-written rather than Foundation's so that ingest is fast and every error names the byte at
/// fault. Nesting is capped so that hostile input cannot exhaust the stack.
public struct JSONParser {
    /// The deepest nesting accepted.
    public static let maximumDepth = 256

    /// Parses one complete JSON document; trailing whitespace is allowed, anything else is not.
    ///
    /// - Parameter elidingStringsIn: a top-level member (e.g. `response`) whose long strings
    ///   (over `elisionPrefixBytes`) are fully checked — syntax, escapes, UTF-8 — but come back cut
    ///   to their first `elisionPrefixBytes` bytes (at a character boundary), to save materializing
    ///   text the caller reads only the start of (an answer's fingerprint).
    public static func parse(_ bytes: UnsafeRawBufferPointer, elidingStringsIn member: String? = nil) throws(JSONSyntaxError) -> JSONValue {
        var parser = Cursor(bytes: bytes.bindMemory(to: UInt8.self))
        parser.elidedMember = member
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.index != parser.bytes.count {
            throw parser.error("unexpected \(parser.describeCurrent()) after the end of the document")
        }
        return value
    }

    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        let array = Array(bytes)
        do {
            return try array.withUnsafeBytes { buffer in try parse(buffer) }
        } catch let error as JSONSyntaxError {
            throw error
        } catch {
            fatalError("unreachable: parse throws only JSONSyntaxError")
        }
    }

    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try parse(Array(text.utf8))
    }
}

private struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var elidedMember: String?
    var eliding = false
    /// Bytes kept of a long string in the elided member.
    static let elisionPrefixBytes = 1024

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: index, message: message)
    }

    func describeCurrent() -> String {
        guard index < bytes.count else { return "end of input" }
        let byte = bytes[index]
        if byte >= 0x20 && byte < 0x7F { return "character '\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected \(describeCurrent()), expected a value")
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("unexpected end of input in literal") }
        let base = literal.utf8Start
        for offset in 0..<count where bytes[index + offset] != base[offset] {
            throw error("invalid literal, expected '\(literal)'")
        }
        index += count
    }

    mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        if depth > JSONParser.maximumDepth { throw error("nesting deeper than \(JSONParser.maximumDepth) levels") }
        index += 1
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(JSONObject(members))
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw error("unexpected \(describeCurrent()), expected an object key in double quotes")
            }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw error("unexpected \(describeCurrent()), expected ':' after object key \"\(key)\"")
            }
            index += 1
            skipWhitespace()
            let elide = depth == 1 && key == elidedMember
            if elide { eliding = true }
            let value = try parseValue(depth: depth)
            if elide { eliding = false }
            members.append((key, value))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input inside an object") }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return .object(JSONObject(members))
            default: throw error("unexpected \(describeCurrent()), expected ',' or '}' in an object")
            }
        }
    }

    mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        if depth > JSONParser.maximumDepth { throw error("nesting deeper than \(JSONParser.maximumDepth) levels") }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input inside an array") }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return .array(elements)
            default: throw error("unexpected \(describeCurrent()), expected ',' or ']' in an array")
            }
        }
    }

    mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
        let start = index
        var isInteger = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw error("a number needs digits") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw error("numbers may not have leading zeros") }
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("a decimal point needs digits after it") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("an exponent needs digits") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
        if isInteger, text.count <= 18 {
            var value: Int64 = 0
            var negative = false
            for byte in text {
                if byte == UInt8(ascii: "-") { negative = true } else { value = value * 10 + Int64(byte &- 48) }
            }
            return .int(negative ? -value : value)
        }
        // A number beyond a double's range would silently become infinity (and `null` when written
        // back): refuse it, as most JSON parsers do.
        guard let double = Double(String(decoding: text, as: UTF8.self)), double.isFinite else {
            throw JSONSyntaxError(offset: start, message: "number out of range (beyond ±1.8e308)")
        }
        if isInteger, let exact = Int64(exactly: double) { return .int(exact) }
        return .double(double)
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = index + 1
        index = start
        // Fast path: no escapes. Scan to the closing quote.
        while index < bytes.count {
            index = endOfPlainRun(from: index)
            guard index < bytes.count else { break }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                if eliding, slice.count > Self.elisionPrefixBytes {
                    guard Self.isValidUTF8(slice) else { throw JSONSyntaxError(offset: start, message: "string is not valid UTF-8") }
                    var end = Self.elisionPrefixBytes
                    while end > 0, slice[end] & 0xC0 == 0x80 { end -= 1 }
                    return String(decoding: UnsafeBufferPointer(rebasing: slice[0..<end]), as: UTF8.self)
                }
                return try validatedString(slice, at: start)
            }
            if byte == UInt8(ascii: "\\") {
                let text = try parseEscapedString(from: start, keeping: eliding ? Self.elisionPrefixBytes : .max)
                guard eliding, text.utf8.count > Self.elisionPrefixBytes else { return text }
                var end = text.utf8.index(text.utf8.startIndex, offsetBy: Self.elisionPrefixBytes)
                while end > text.utf8.startIndex, end.samePosition(in: text.unicodeScalars) == nil { text.utf8.formIndex(before: &end) }
                return String(text[..<end])
            }
            throw error("unescaped control character in a string")
        }
        throw JSONSyntaxError(offset: start - 1, message: "unterminated string")
    }

    /// The index of the first quote, backslash or control byte at or after `start` (`bytes.count`
    /// when there is none), eight bytes at a time: strings are most of an event's bytes.
    @inline(__always)
    func endOfPlainRun(from start: Int) -> Int {
        var index = start
        let count = bytes.count
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            let ones: UInt64 = 0x0101_0101_0101_0101
            let high: UInt64 = 0x8080_8080_8080_8080
            while index &+ 8 <= count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let quote = word ^ (ones &* 0x22)
                let backslash = word ^ (ones &* 0x5C)
                // A byte's high bit is set where it is zero (or below 0x20); the lowest one found is exact.
                let found =
                    ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash | (word &- ones &* 0x20) & ~word) & high
                if found != 0 { return index &+ found.trailingZeroBitCount / 8 }
                index &+= 8
            }
        }
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return index }
            index += 1
        }
        return count
    }

    /// UTF-8 well-formedness without building a String.
    static func isValidUTF8(_ slice: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = slice.count
        while i < n {
            let b = slice[i]
            if b < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var minimum: UInt32
            var scalar: UInt32
            switch b {
            case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(b & 0x1F)
            case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(b & 0x0F)
            case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(b & 0x07)
            default: return false
            }
            guard i + length <= n else { return false }
            for k in 1..<length {
                let c = slice[i + k]
                guard c & 0xC0 == 0x80 else { return false }
                scalar = scalar << 6 | UInt32(c & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return false }
            i += length
        }
        return true
    }

    /// True when no byte has its high bit set, eight bytes at a time.
    static func isASCII(_ slice: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = slice.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var index = 0
        var high: UInt64 = 0
        while index &+ 8 <= slice.count {
            high |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index &+= 8
        }
        while index < slice.count {
            high |= UInt64(slice[index])
            index += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    func validatedString(_ slice: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONSyntaxError) -> String {
        if Self.isASCII(slice) { return String(decoding: slice, as: UTF8.self) }
        guard let string = String(validating: slice, as: UTF8.self) else {
            throw JSONSyntaxError(offset: offset, message: "string is not valid UTF-8")
        }
        return string
    }

    /// The rest of a string that has an escape at `index`. Past `limit` bytes the string is still
    /// checked to its end (escapes, UTF-8) but no longer copied.
    mutating func parseEscapedString(from start: Int, keeping limit: Int = .max) throws(JSONSyntaxError) -> String {
        if limit == .max, let closing = closingQuote(from: index) {
            return try decodeEscapedString(from: start, closing: closing)
        }
        return try parseEscapedStringIntoBuffer(from: start, keeping: limit)
    }

    /// The index of the quote that closes a string whose escape is at `from`, or nil when a control
    /// byte or the end of input comes first (then the slower path reports the error in its place).
    func closingQuote(from: Int) -> Int? {
        var index = from
        while index < bytes.count {
            index = endOfPlainRun(from: index)
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "\""): return index
            case UInt8(ascii: "\\"): index += 2
            default: return nil
            }
        }
        return nil
    }

    /// Decodes an escaped string straight into the String's own storage: unescaping never makes
    /// text longer, so the escaped length is room enough. One allocation and one copy per string
    /// instead of a byte array, its growth and a second copy (escaped strings are most of an
    /// event's text: every newline is one).
    mutating func decodeEscapedString(from start: Int, closing: Int) throws(JSONSyntaxError) -> String {
        var failure: JSONSyntaxError?
        let text = String(unsafeUninitializedCapacity: closing - start) { output in
            var count = 0
            func append(_ run: UnsafeBufferPointer<UInt8>) {
                _ = UnsafeMutableBufferPointer(rebasing: output[count..<(count + run.count)]).initialize(fromContentsOf: run)
                count += run.count
            }
            append(UnsafeBufferPointer(rebasing: bytes[start..<index]))
            var scalar: [UInt8] = []
            do throws(JSONSyntaxError) {
                while index < closing {
                    let runStart = index
                    index = endOfPlainRun(from: index)
                    if index > runStart { append(UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                    guard index < closing else { break }
                    // A backslash: `closingQuote` stopped at no control byte before `closing`.
                    index += 1
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""): output[count] = 0x22
                    case UInt8(ascii: "\\"): output[count] = 0x5C
                    case UInt8(ascii: "/"): output[count] = 0x2F
                    case UInt8(ascii: "b"): output[count] = 0x08
                    case UInt8(ascii: "f"): output[count] = 0x0C
                    case UInt8(ascii: "n"): output[count] = 0x0A
                    case UInt8(ascii: "r"): output[count] = 0x0D
                    case UInt8(ascii: "t"): output[count] = 0x09
                    case UInt8(ascii: "u"):
                        scalar.removeAll(keepingCapacity: true)
                        try appendUnicodeEscape(to: &scalar)
                        scalar.withUnsafeBufferPointer { append($0) }
                        continue
                    default:
                        index -= 1
                        throw error("invalid escape sequence '\\\(Character(Unicode.Scalar(escape)))'")
                    }
                    count += 1
                }
                let written = UnsafeBufferPointer(rebasing: output[0..<count])
                guard Self.isASCII(written) || Self.isValidUTF8(written) else {
                    throw JSONSyntaxError(offset: start, message: "string is not valid UTF-8")
                }
            } catch {
                failure = error
                return 0
            }
            index = closing + 1
            return count
        }
        if let failure { throw failure }
        return text
    }

    /// `parseEscapedString` into a byte array: for strings cut at `limit`, and for those whose end
    /// could not be found first (the errors are reported here, at the byte at fault).
    mutating func parseEscapedStringIntoBuffer(from start: Int, keeping limit: Int) throws(JSONSyntaxError) -> String {
        var buffer: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        buffer.reserveCapacity(min((index - start) * 2 + 16, limit) + 64)
        var discarded: [UInt8] = []
        while index < bytes.count {
            // Copy the run up to the next quote, backslash or control byte in one go.
            let runStart = index
            index = endOfPlainRun(from: index)
            if index > runStart {
                let run = UnsafeBufferPointer(rebasing: bytes[runStart..<index])
                if buffer.count < limit {
                    buffer.append(contentsOf: run)
                } else if !Self.isASCII(run) && !Self.isValidUTF8(run) {
                    // An escape never splits a character, so checking run by run is checking the whole.
                    throw JSONSyntaxError(offset: start, message: "string is not valid UTF-8")
                }
            }
            guard index < bytes.count else { break }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return try buffer.withUnsafeBufferPointer { slice throws(JSONSyntaxError) in
                    try validatedString(slice, at: start)
                }
            }
            if byte < 0x20 { throw error("unescaped control character in a string") }
            index += 1
            guard index < bytes.count else { break }
            let escape = bytes[index]
            index += 1
            let decoded: UInt8
            switch escape {
            case UInt8(ascii: "\""): decoded = 0x22
            case UInt8(ascii: "\\"): decoded = 0x5C
            case UInt8(ascii: "/"): decoded = 0x2F
            case UInt8(ascii: "b"): decoded = 0x08
            case UInt8(ascii: "f"): decoded = 0x0C
            case UInt8(ascii: "n"): decoded = 0x0A
            case UInt8(ascii: "r"): decoded = 0x0D
            case UInt8(ascii: "t"): decoded = 0x09
            case UInt8(ascii: "u"):
                if buffer.count < limit {
                    try appendUnicodeEscape(to: &buffer)
                } else {
                    discarded.removeAll(keepingCapacity: true)
                    try appendUnicodeEscape(to: &discarded)
                }
                continue
            default:
                index -= 1
                throw error("invalid escape sequence '\\\(Character(Unicode.Scalar(escape)))'")
            }
            if buffer.count < limit { buffer.append(decoded) }
        }
        throw JSONSyntaxError(offset: start - 1, message: "unterminated string")
    }

    mutating func readHex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    mutating func appendUnicodeEscape(to buffer: inout [UInt8]) throws(JSONSyntaxError) {
        var scalarValue = try readHex4()
        if (0xD800...0xDBFF).contains(scalarValue) {
            // A high surrogate must be followed by an escaped low surrogate.
            if index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                index += 2
                let low = try readHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw error("invalid low surrogate in \\u escape") }
                scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
            } else {
                throw error("unpaired surrogate in \\u escape")
            }
        } else if (0xDC00...0xDFFF).contains(scalarValue) {
            throw error("unpaired surrogate in \\u escape")
        }
        guard let scalar = Unicode.Scalar(scalarValue) else { throw error("invalid \\u escape") }
        buffer.append(contentsOf: UTF8.encode(scalar)!)
    }
}
