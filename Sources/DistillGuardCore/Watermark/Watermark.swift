import Crypto
import Foundation

/// A keyed lexical watermark: in each context (group of interchangeable words or of a contraction
/// and its two words, previous word) the secret key decides whether the context carries the mark
/// and, if it does, picks one word of the group, drawn with the group's natural frequencies.
///
/// Over many contexts every word keeps its natural share, so someone without the key sees ordinary
/// word frequencies and cannot tell which contexts carry the mark; with the key, text (or a model
/// trained on it) that follows the keyed choices far more often than chance gives itself away
/// (`AttributionTest`). Code, JSON, math, quotes and markup are never touched (`ProseScanner`). See
/// `docs/watermark.md`.
public struct Watermark: Sendable {
    public let table: SynonymTable
    /// The share of (group, context) pairs the key marks; the others keep the author's word.
    public let activeShare: Double
    private let key: SymmetricKey

    /// The share of contexts marked by default: half, so that someone who re-draws the public table
    /// with a key of their own leaves half of the marked contexts as they were.
    public static let defaultActiveShare = 0.5

    /// - Parameters:
    ///   - key: The secret; anyone holding it can detect (and could strip) the watermark.
    ///   - table: The synonym groups; the default covers English and Spanish.
    ///   - activeShare: The share of contexts the key marks, in (0, 1]; `1` marks every context (the
    ///     scheme before keyed contexts).
    public init(key: [UInt8], table: SynonymTable = .standard, activeShare: Double = defaultActiveShare) throws(WatermarkError) {
        guard key.count >= 16 else {
            throw WatermarkError(message: "the watermark key has \(key.count) bytes; use at least 16 (e.g. 32 random bytes, hex-encoded)")
        }
        guard activeShare > 0, activeShare <= 1 else {
            throw WatermarkError(message: "the active share is \(activeShare); it must be above 0 and at most 1")
        }
        self.key = SymmetricKey(data: key)
        self.table = table
        self.activeShare = activeShare
    }

    /// The keyed draw in [0, 1) for a group in a context; independent across (group, context) pairs.
    public func draw(group: String, context: String) -> Double {
        keyed(group + "\u{1F}" + context)
    }

    /// Whether the key marks this (group, context) pair: a second draw, independent of the first.
    public func isActive(group: String, context: String) -> Bool {
        activeShare >= 1 || keyed("active\u{1F}" + group + "\u{1F}" + context) < activeShare
    }

    /// The index of the word the key picks for this site, or nil when its context is not marked.
    public func choice(_ site: WordSite) -> Int? {
        guard isActive(group: site.group.id, context: site.context) else { return nil }
        return site.group.word(at: draw(group: site.group.id, context: site.context))
    }

    /// The text with every marked site's word set to the key's choice.
    public func apply(to text: String) -> String {
        var stream = WatermarkStream(self)
        return stream.feed(text) + stream.finish()
    }

    private func keyed(_ message: String) -> Double {
        let code = HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: key)
        var value: UInt64 = 0
        for byte in code.prefix(8) { value = value << 8 | UInt64(byte) }
        return Double(value >> 11) / Double(1 << 53)
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
