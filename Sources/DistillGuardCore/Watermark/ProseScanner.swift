/// A word the watermark may change: a table word in running prose, with the word before it.
public struct WordSite: Sendable {
    public var group: SynonymTable.Group
    /// Index of the word in `group.words`.
    public var word: Int
    /// The previous word of running prose in lower case (across punctuation and line breaks, not
    /// across code or other protected text), `^` at the start.
    public var context: String
}

/// Reads text left to right and finds the words a lexical watermark may change, leaving code, JSON,
/// math, quoted text, markup and anything that is not running prose alone.
///
/// Text may arrive in pieces (a stream's deltas): `append` adds a piece and `process` consumes what
/// can be decided, keeping a short tail until more text or the end arrives. Whatever the split, the
/// output is the same as for the whole text at once, because no decision looks further ahead than
/// what is kept back. What is protected is listed in `docs/watermark.md`.
struct ProseScanner {
    private var pending: [Unicode.Scalar] = []
    private var state = State()

    /// Characters a non-final `process` keeps back so that every look-ahead has its input.
    static let lookahead = 8

    struct State {
        var atLineStart = true
        var lineProtected = false
        var fence: Unicode.Scalar?
        /// The open fence was opened in the middle of a line (and closes the same way).
        var fenceMidLine = false
        /// How many markers opened the fence at the start of a line (a closing fence needs as many).
        var fenceLength = 0
        /// The line being read opens a fence or may close the open one; decided at its end.
        var fenceLine: FenceLine?
        var inlineCode = false
        var inlineMath = false
        var displayMath = false
        var quote = false
        var curlyQuote = false
        var tag = false
        var depth = 0
        var newlines = 0
        var previousWord: String?
        var previous: Unicode.Scalar?
        /// The apostrophe the text last used inside a word: a new contraction uses the same.
        var apostrophe: Unicode.Scalar = "'"

        /// A line that starts with a fence marker run: CommonMark closes a fence only with a run of
        /// at least the opening's length followed by nothing but spaces (an info string such as
        /// ```python inside a block is code, not the block's end).
        struct FenceLine {
            var opening: Bool
            var marker: Unicode.Scalar
            var run = 0
            var inRun = true
            var textAfterRun = false
        }

        var protected: Bool {
            lineProtected || fence != nil || inlineCode || inlineMath || displayMath || quote || curlyQuote || tag || depth > 0
        }
    }

    mutating func append(_ text: String) {
        pending.append(contentsOf: text.unicodeScalars)
    }

    /// Consumes the pending text that can be decided (all of it when `final`) and returns it, with
    /// each word `replace` gives a new index for replaced by that word of its group.
    mutating func process(final: Bool, table: SynonymTable, replace: (WordSite) -> Int?) -> String {
        var output = String.UnicodeScalarView()
        var i = 0
        let n = pending.count
        while i < n {
            if !final && n - i < Self.lookahead { break }
            if state.atLineStart { startLine(at: i) }
            let c = pending[i]
            if Self.isLetter(c) && !state.protected {
                var j = i
                while j < n && (Self.isLetter(pending[j]) || (Self.isApostrophe(pending[j]) && j + 1 < n && Self.isLetter(pending[j + 1])))
                {
                    j += 1
                }
                let lower = Self.normalized(pending[i..<j])
                let contraction = table.beginsContraction(lower)
                if !final && j + (contraction ? Self.contractionLookahead : 2) > n { break }
                var end = j
                var following: String?
                if contraction {
                    // "do not": the site takes both words; either way it needs the word after it.
                    if let seconds = table.secondWords(after: lower), let second = word(at: j), seconds.contains(second.word) {
                        end = second.end
                    }
                    following = word(at: end)?.word
                }
                emitWord(
                    pending[i..<end], after: end < n ? pending[end] : nil, afterNext: end + 1 < n ? pending[end + 1] : nil,
                    following: following, table: table, replace: replace, into: &output)
                i = end
                continue
            }
            i += consume(at: i, into: &output)
        }
        pending.removeFirst(i)
        return String(output)
    }

    // MARK: - Words

    /// Characters a non-final `process` needs after a word that may begin a contraction site: the
    /// second word ("not") and the word after the site.
    static let contractionLookahead = 16

    /// Subjects after which a contraction reads as a question ("don't you", "isn't it"): such sites
    /// are left alone.
    static let subjectPronouns: Set<String> = ["i", "you", "we", "they", "he", "she", "it", "this", "that", "there", "these", "those"]

    /// The lower-case word of running prose that starts after one space at `start`, and where it ends.
    private func word(at start: Int) -> (word: String, end: Int)? {
        guard start < pending.count, pending[start] == " ", start + 1 < pending.count, Self.isLetter(pending[start + 1]) else { return nil }
        var end = start + 1
        while end < pending.count
            && (Self.isLetter(pending[end])
                || (Self.isApostrophe(pending[end]) && end + 1 < pending.count && Self.isLetter(pending[end + 1])))
        {
            end += 1
        }
        return (Self.normalized(pending[start + 1..<end]), end)
    }

    /// Lower case, with typographic apostrophes as `'`.
    static func normalized<Scalars: Sequence<Unicode.Scalar>>(_ word: Scalars) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in word { scalars.append(isApostrophe(scalar) ? "'" : scalar) }
        return String(scalars).lowercased()
    }

    private mutating func emitWord(
        _ word: ArraySlice<Unicode.Scalar>, after: Unicode.Scalar?, afterNext: Unicode.Scalar?, following: String?,
        table: SynonymTable, replace: (WordSite) -> Int?, into output: inout String.UnicodeScalarView
    ) {
        var emitted = word
        if let apostrophe = word.first(where: Self.isApostrophe) { state.apostrophe = apostrophe }
        if let site = site(word, after: after, afterNext: afterNext, following: following, table: table), let chosen = replace(site),
            chosen != site.word
        {
            let apostrophe = state.apostrophe
            emitted = ArraySlice(Self.cased(site.group.words[chosen], like: word).map { $0 == "'" ? apostrophe : $0 })
        }
        output.append(contentsOf: emitted)
        state.previous = emitted.last
        let last = emitted.lastIndex(of: " ").map { emitted.index(after: $0) } ?? emitted.startIndex
        state.previousWord = Self.normalized(emitted[last...])
        state.newlines = 0
    }

    private func site(
        _ word: ArraySlice<Unicode.Scalar>, after: Unicode.Scalar?, afterNext: Unicode.Scalar?, following: String?, table: SynonymTable
    ) -> WordSite? {
        guard Self.allowedBefore(state.previous), Self.allowedAfter(after, next: afterNext) else { return nil }
        // Lower case or capitalized only: all-caps and mixed-case words are acronyms or identifiers.
        guard word.dropFirst().allSatisfy({ !$0.properties.isUppercase }) else { return nil }
        let lower = Self.normalized(word)
        guard let (group, index) = table.lookup(lower) else { return nil }
        if group.isContraction {
            // A following word, and not a subject: "don't you" and "who I am." stay as written.
            guard after == " ", let following, !Self.subjectPronouns.contains(following) else { return nil }
        }
        let context = state.previousWord ?? "^"
        if let required = group.requiredPrevious, required != context { return nil }
        if group.excludedPrevious.contains(context) { return nil }
        if group.articleSensitive && (context == "a" || context == "an") { return nil }
        return WordSite(group: group, word: index, context: context)
    }

    static func cased(_ word: String, like original: ArraySlice<Unicode.Scalar>) -> [Unicode.Scalar] {
        guard let first = original.first, first.properties.isUppercase else { return Array(word.unicodeScalars) }
        let scalars = Array(word.unicodeScalars)
        return Array(String(scalars[0]).uppercased().unicodeScalars) + scalars.dropFirst()
    }

    static func allowedBefore(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return true }
        return isSpace(c) || c == "\n" || c == "(" || c == "*" || c == "\u{201C}"
    }

    static func allowedAfter(_ c: Unicode.Scalar?, next: Unicode.Scalar?) -> Bool {
        guard let c else { return true }
        switch c {
        case " ", "\t", "\r", "\n", ",", ";", ":", "!", "?", ")", "*", "\u{201D}": return true
        case ".": return next.map { isSpace($0) || $0 == "\n" } ?? true
        default: return false
        }
    }

    static func isLetter(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic }
    static func isApostrophe(_ c: Unicode.Scalar) -> Bool { c == "'" || c == "\u{2019}" }
    static func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "\r" }

    // MARK: - Everything else

    /// Line-level constructs: fenced code, indented code, block quotes and table rows.
    private mutating func startLine(at start: Int) {
        state.atLineStart = false
        var i = start
        var spaces = 0
        while i < pending.count, spaces < 4, pending[i] == " " {
            spaces += 1
            i += 1
        }
        let first = i < pending.count ? pending[i] : nil
        let marker = first == "`" || first == "~" ? first : nil
        let isFence = marker != nil && spaces < 4 && i + 2 < pending.count && pending[i + 1] == marker && pending[i + 2] == marker
        if let fence = state.fence {
            if isFence && marker == fence {
                if state.fenceMidLine {
                    // Backticks in the middle of a line open no block in CommonMark; a fence line
                    // after them does, so the code goes on from here (never ends here).
                    state.fenceMidLine = false
                    state.fenceLine = State.FenceLine(opening: true, marker: fence)
                } else {
                    state.fenceLine = State.FenceLine(opening: false, marker: fence)
                }
            }
            state.lineProtected = true
        } else if isFence, let marker {
            state.fence = marker
            state.fenceLine = State.FenceLine(opening: true, marker: marker)
            state.lineProtected = true
        } else if spaces == 4 || first == "\t" || first == ">" || first == "|" {
            state.lineProtected = true
        }
        if state.lineProtected { state.previousWord = nil }
    }

    /// Emits one character (two for escapes and `$$`) and updates the state; returns how many.
    private mutating func consume(at i: Int, into output: inout String.UnicodeScalarView) -> Int {
        let c = pending[i]
        let next = i + 1 < pending.count ? pending[i + 1] : nil
        var width = 1
        if c != "\n", var line = state.fenceLine {
            if line.inRun && c == line.marker {
                line.run += 1
            } else if !(line.run == 0 && c == " ") {
                line.inRun = false
                if !Self.isSpace(c) { line.textAfterRun = true }
            }
            state.fenceLine = line
        }
        if c == "\n" {
            newLine()
        } else if c == "`" && !state.lineProtected && (state.fence == nil || state.fenceMidLine) && i + 2 < pending.count
            && pending[i + 1] == "`" && pending[i + 2] == "`"
        {
            // A fence that does not start its line opens code all the same, until the next such
            // fence (or a fence line, which opens a block: see `startLine`).
            state.fenceMidLine = state.fence == nil
            state.fence = state.fence == nil ? "`" : nil
            state.inlineCode = false
            state.previousWord = nil
            output.append(contentsOf: ["`", "`", "`"])
            state.previous = "`"
            return 3
        } else {
            if !Self.isSpace(c) { state.newlines = 0 }
            if state.fence == nil && !state.lineProtected { width = toggle(c, next: next) }
            if state.protected { state.previousWord = nil }
        }
        output.append(c)
        if width == 2, let next { output.append(next) }
        state.previous = width == 2 ? next : c
        return width
    }

    private mutating func newLine() {
        if let line = state.fenceLine {
            if line.opening {
                state.fenceLength = line.run
            } else if line.run >= state.fenceLength && !line.textAfterRun {
                state.fence = nil
            }
            state.fenceLine = nil
        }
        state.newlines += 1
        state.atLineStart = true
        state.lineProtected = false
        state.inlineCode = false
        state.inlineMath = false
        state.quote = false
        state.curlyQuote = false
        state.tag = false
        if state.newlines >= 2 {
            state.depth = 0
            state.displayMath = false
        }
    }

    private mutating func toggle(_ c: Unicode.Scalar, next: Unicode.Scalar?) -> Int {
        if state.inlineCode {
            if c == "`" { state.inlineCode = false }
            return 1
        }
        switch c {
        case "`":
            state.inlineCode = true
        case "\\":
            guard let next else { return 1 }
            if next == "(" || next == "[" { state.displayMath = true }
            if next == ")" || next == "]" { state.displayMath = false }
            return 2
        case "$":
            if next == "$" {
                state.displayMath.toggle()
                return 2
            }
            if !state.displayMath { state.inlineMath.toggle() }
        case "\"":
            state.quote.toggle()
        case "\u{201C}":
            state.curlyQuote = true
        case "\u{201D}":
            state.curlyQuote = false
        case "{", "[":
            state.depth += 1
        case "}", "]":
            state.depth = max(0, state.depth - 1)
        case "<":
            if let next, isLetterOrSlash(next) { state.tag = true }
        case ">":
            state.tag = false
        default:
            break
        }
        return 1
    }

    private func isLetterOrSlash(_ c: Unicode.Scalar) -> Bool { Self.isLetter(c) || c == "/" || c == "!" || c == "?" }
}
