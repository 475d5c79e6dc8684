import Crypto

/// Keyed pseudonyms for account-side artefacts shared with partners.
///
/// `HMAC-SHA256(key, kind + ":" + value)`, hex-encoded. Partners who hold the same key compute the
/// same pseudonym over their own data and can match; nobody else can recover or test a value. The
/// kind (`payment_fingerprint`, `email_domain`, `account_id`) is part of the input so a pseudonym of
/// one kind never matches another.
public struct Pseudonymizer: Sendable {
    private let key: SymmetricKey

    /// Keys shorter than this are refused: a short key could be guessed and the values tested.
    public static let minimumKeyBytes = 16

    public init(key: [UInt8]) throws {
        guard key.count >= Self.minimumKeyBytes else {
            throw IntelError(description: "the partner key has \(key.count) bytes; use at least \(Self.minimumKeyBytes) random bytes")
        }
        self.key = SymmetricKey(data: key)
    }

    public func pseudonym(_ value: String, kind: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array((kind + ":" + value).utf8), using: key)
        return mac.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }
}

/// A problem with threat-intelligence input or settings, with what to do about it.
public struct IntelError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}
