import ArgumentParser
import DistillGuardCore

/// A failure the user can act on: printed as `error: MESSAGE`, exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

enum Diagnostics {
    /// Tells the user, on standard error, what was rejected and where it went.
    static func reportProblems(_ read: EventLogReader.Summary) {
        for warning in read.warnings {
            printToStandardError("warning: \(warning)")
        }
        guard read.rejected > 0 else { return }
        printToStandardError("\(read.rejected) line(s) rejected:")
        for sample in read.rejectSamples {
            printToStandardError("  \(sample)")
        }
        if read.rejected > read.rejectSamples.count {
            printToStandardError("  … and \(read.rejected - read.rejectSamples.count) more")
        }
        if let path = read.rejectsPath, let reasons = read.rejectReasonsPath {
            printToStandardError("rejected lines copied unchanged to \(path); reasons in \(reasons)")
        }
    }

    static func printToStandardError(_ text: String) {
        StandardError.print(text)
    }
}
