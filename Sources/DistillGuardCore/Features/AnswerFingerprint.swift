/// What the model said in one turn, reduced to a hash that a later request can be matched against.
///
/// A client that builds on the answers it receives (a chat follow-up, an agent's tool loop)
/// re-sends them verbatim in the next request's assistant turns. A harvesting script sends
/// independent one-shot prompts, and one that fakes a conversation cannot re-send an answer it was
/// never given: matching a re-sent assistant turn against the answers the same account really
/// received tells the two apart, whatever the prompts look like.
public enum AnswerFingerprint {
    /// Bytes of the answer that are hashed (white space folded): enough to be unique, cheap on long answers.
    static let prefixBytes = 400

    /// The fingerprint of an assistant turn's text, or of its tool calls when it has no text.
    public static func of(text: String, toolCalls: [ToolCall]) -> UInt64? {
        if let fingerprint = hashFolded(text) { return fingerprint }
        guard let call = toolCalls.first else { return nil }
        return hashFolded("tool " + call.name + " " + call.arguments)
    }

    /// The hash of the first `prefixBytes` bytes of `text` with runs of ASCII white space folded to
    /// one space and none at either end (clients differ in how they trim what they re-send), or nil
    /// when nothing is left. Folded on the stack: this runs on every turn of every request.
    static func hashFolded(_ text: String) -> UInt64? {
        var text = text
        return text.withUTF8 { bytes in
            // One byte more than the prefix: a space and a byte may both land at its last position
            // (as they always have: fingerprints in checkpoints must not change).
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: prefixBytes + 1) { folded in
                var count = 0
                var pendingSpace = false
                for byte in bytes {
                    if count >= prefixBytes { break }
                    if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D {
                        pendingSpace = count > 0
                        continue
                    }
                    if pendingSpace {
                        folded[count] = 0x20
                        count += 1
                        pendingSpace = false
                    }
                    folded[count] = byte
                    count += 1
                }
                guard count > 0 else { return nil }
                return StableHash.hash(UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: folded[0..<count])))
            }
        }
    }

    /// The fingerprint of what the response said (its first choice).
    public static func answer(_ exchange: Exchange) -> UInt64? {
        of(text: exchange.outputs.first ?? "", toolCalls: exchange.outputToolCalls)
    }

    /// Fingerprints of the assistant turns the request re-sends, newest first (at most `limit`).
    public static func resent(_ exchange: Exchange, limit: Int = 4) -> [UInt64] {
        var found: [UInt64] = []
        for turn in exchange.turns.reversed() where turn.role == .assistant {
            if let fingerprint = of(text: turn.text, toolCalls: turn.toolCalls) { found.append(fingerprint) }
            if found.count == limit { break }
        }
        return found
    }
}
