/// Finds many phrases in one pass over the text (Aho–Corasick over UTF-8 bytes, ASCII letters
/// matched case-insensitively).
///
/// Detectors use it so that checking a prompt against hundreds of phrases in a dozen languages
/// costs one linear scan.
public struct PhraseMatcher: Sendable {
    private var goto: [[UInt8: Int32]] = [[:]]
    private var fail: [Int32] = [0]
    private var outputs: [[Int32]] = [[]]
    /// The automaton as a dense table, 256 next states per state, failure links already followed.
    /// Each entry is the next state's row (its number times 256), so that a step is one load and
    /// one add: the scan is a chain of dependent loads, and this is its critical path.
    private var transitions: [Int32] = []
    /// The tags of the phrases that end at each state, as a bit set (failure outputs included).
    private var stateTags: [UInt64] = []
    public let phrases: [(text: String, tag: Int)]

    /// - Parameter phrases: each phrase with an integer tag reported when it matches.
    public init(_ phrases: [(String, Int)]) {
        self.phrases = phrases.map { (text: $0.0, tag: $0.1) }
        for (index, phrase) in phrases.enumerated() {
            var state = 0
            for byte in phrase.0.utf8 {
                let b = Self.fold(byte)
                if let next = goto[state][b] {
                    state = Int(next)
                } else {
                    goto.append([:])
                    fail.append(0)
                    outputs.append([])
                    goto[state][b] = Int32(goto.count - 1)
                    state = goto.count - 1
                }
            }
            outputs[state].append(Int32(index))
        }
        var queue: [Int] = []
        for (_, next) in goto[0] { queue.append(Int(next)) }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            for (byte, next) in goto[state] {
                let child = Int(next)
                queue.append(child)
                var f = Int(fail[state])
                while f != 0, goto[f][byte] == nil { f = Int(fail[f]) }
                let target = goto[f][byte].map(Int.init) ?? 0
                fail[child] = Int32(target == child ? 0 : target)
                outputs[child] += outputs[Int(fail[child])]
            }
        }
        // Breadth-first order guarantees a state's failure target is complete before the state.
        transitions = [Int32](repeating: 0, count: goto.count * 256)
        for byte in 0..<256 { transitions[byte] = goto[0][UInt8(byte)] ?? 0 }
        for state in queue {
            for byte in 0..<256 {
                transitions[state * 256 + byte] = goto[state][UInt8(byte)] ?? transitions[Int(fail[state]) * 256 + byte]
            }
        }
        transitions = transitions.map { $0 * 256 }
        goto = []
        stateTags = outputs.map { matches in matches.reduce(0) { $0 | 1 << UInt64(phrases[Int($1)].1) } }
    }

    @inline(__always) static func fold(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    /// Calls `found` with the index of every phrase occurrence in `text` (first `limit` bytes).
    public func scan(_ text: String, limit: Int = 8192, _ found: (Int) -> Void) {
        var state = 0  // the current state's row
        Self.withPrefix(of: text, limit: limit) { bytes in
            transitions.withUnsafeBufferPointer { table in
                for byte in bytes {
                    state = Int(table[state &+ Int(Self.fold(byte))])
                    let matches = outputs[state >> 8]
                    if !matches.isEmpty { for match in matches { found(Int(match)) } }
                }
            }
        }
    }

    /// Distinct tags that occur in `text` (first `limit` bytes), as a bit set.
    ///
    /// One table step and one OR per byte, without a branch: this runs on every prompt.
    public func tags(in text: String, limit: Int = 8192) -> UInt64 {
        var bits: UInt64 = 0
        Self.withPrefix(of: text, limit: limit) { bytes in
            transitions.withUnsafeBufferPointer { table in
                stateTags.withUnsafeBufferPointer { tags in
                    var row = 0
                    for byte in bytes {
                        row = Int(table[row &+ Int(Self.fold(byte))])
                        bits |= tags[row &>> 8]
                    }
                }
            }
        }
        return bits
    }

    /// The first `limit` bytes of `text`'s UTF-8, contiguous.
    static func withPrefix(of text: String, limit: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var text = text
        text.withUTF8 { bytes in body(UnsafeBufferPointer(rebasing: bytes.prefix(limit))) }
    }
}
