import Crypto
import Foundation

/// A keyed lexical watermark: in each context (group of interchangeable words, previous word) the
/// secret key picks one word of the group, drawn with the group's natural frequencies.
///
/// Over many contexts every word keeps its natural share, so someone without the key sees ordinary
/// word frequencies; with the key, text (or a model trained on it) that follows the keyed choices
/// far more often than chance gives itself away (`AttributionTest`). Code, JSON, math, quotes and
/// markup are never touched (`ProseScanner`). See `docs/watermark.md`.
public struct Watermark: Sendable {
    public let table: SynonymTable
    private let key: SymmetricKey

    /// - Parameters:
    ///   - key: The secret; anyone holding it can detect (and could strip) the watermark.
    ///   - table: The synonym groups; the default covers English and Spanish.
    public init(key: [UInt8], table: SynonymTable = .standard) throws(WatermarkError) {
        guard key.count >= 16 else {
            throw WatermarkError(message: "the watermark key has \(key.count) bytes; use at least 16 (e.g. 32 random bytes, hex-encoded)")
        }
        self.key = SymmetricKey(data: key)
        self.table = table
    }

    /// The keyed draw in [0, 1) for a group in a context; independent across (group, context) pairs.
    public func draw(group: String, context: String) -> Double {
        let message = Array((group + "\u{1F}" + context).utf8)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: key)
        var value: UInt64 = 0
        for byte in code.prefix(8) { value = value << 8 | UInt64(byte) }
        return Double(value >> 11) / Double(1 << 53)
    }

    /// The index of the word the key picks for this site.
    public func choice(_ site: WordSite) -> Int {
        site.group.word(at: draw(group: site.group.id, context: site.context))
    }

    /// The text with every site's word set to the key's choice.
    public func apply(to text: String) -> String {
        var stream = WatermarkStream(self)
        return stream.feed(text) + stream.finish()
    }
}

public struct WatermarkError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Watermarks text that arrives in pieces, as a stream's deltas do: each `feed` returns the text
/// that is decided so far (a few characters are held back), and `finish` returns the rest. The
/// concatenation is exactly `Watermark.apply` of the whole text.
public struct WatermarkStream: Sendable {
    private let watermark: Watermark
    private var scanner = ProseScanner()

    public init(_ watermark: Watermark) {
        self.watermark = watermark
    }

    public mutating func feed(_ text: String) -> String {
        scanner.append(text)
        return scanner.process(final: false, table: watermark.table, replace: watermark.choice)
    }

    public mutating func finish() -> String {
        scanner.process(final: true, table: watermark.table, replace: watermark.choice)
    }
}

extension SynonymTable {
    /// The words of a text that a watermark with this table would set.
    public static func sites(in text: String, table: SynonymTable) -> [WordSite] {
        var scanner = ProseScanner()
        scanner.append(text)
        var sites: [WordSite] = []
        _ = scanner.process(final: true, table: table) { site in
            sites.append(site)
            return nil
        }
        return sites
    }
}
