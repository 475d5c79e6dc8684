import ArgumentParser
import DistillGuardCore

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Summarize event logs: events, rejects, accounts, time span, API and model mix, top accounts.",
        discussion: """
            FILE is JSON Lines in the event-log contract, plain or gzip (detected from its content),
            or - for standard input. Lines that are not valid events are counted, reported with
            their line number and reason, and copied unchanged to the reject file; their reasons go
            to REJECTS.reasons.jsonl. Duplicate event ids are counted and ignored.
            """
    )

    @Argument(help: "Event log files (JSON Lines, plain or .gz), or - for standard input.")
    var files: [String]

    @Option(name: .long, help: "Copy rejected lines here, unchanged (reasons go to PATH.reasons.jsonl).")
    var rejects: String = "distillguard-rejects.jsonl"

    @Option(name: .long, help: "How many of the busiest accounts to list.")
    var top: Int = 10

    @Flag(name: .long, help: "Print the summary as JSON instead of text.")
    var json = false

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("Name at least one event log, or - for standard input.") }
        guard top >= 0 else { throw ValidationError("--top must be zero or more, got \(top).") }
    }

    func run() throws {
        var reader = EventLogReader(configuration: .init(rejectsPath: rejects, showProgress: true, retainNativeBodies: false))
        var summary = LogSummary()
        let read: EventLogReader.Summary
        do {
            read = try reader.read(files) { summary.add($0) }
        } catch let error as FileError {
            throw CommandFailure(error.description)
        }
        print(json ? summary.json(read: read, top: top).description : summary.text(read: read, top: top))
        Diagnostics.reportProblems(read)
    }
}
