/// Numbers the reads of analysts' decisions as they begin, so that only the newest is applied.
///
/// Decisions are only ever added, so a read that began after another saw at least as much. A
/// periodic reload that began before an analyst's decision was recorded, and finished after the
/// decision was applied, would otherwise put the old list back: the decision would not be
/// enforced until the next reload.
struct DecisionReads {
    private(set) var begun = 0
    private(set) var applied = 0

    /// The number of a read about to begin.
    mutating func begin() -> Int {
        begun += 1
        return begun
    }

    /// Whether the read numbered `ticket` may be applied: no read that began after it has been.
    /// If so, it is now the one applied.
    mutating func accept(_ ticket: Int) -> Bool {
        guard ticket > applied else { return false }
        applied = ticket
        return true
    }
}
