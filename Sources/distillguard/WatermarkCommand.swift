import ArgumentParser
import DistillGuardCore
import Foundation

/// The watermark key and synonym table, shared by `watermark` and `attribute`.
struct WatermarkOptions: ParsableArguments {
    @Option(
        name: .long, help: "The secret watermark key (at least 16 characters). Prefer --key-file: command lines are visible to other users."
    )
    var key: String?

    @Option(name: .long, help: "A file holding the watermark key (surrounding whitespace is ignored).")
    var keyFile: String?

    @Option(name: .long, help: "A synonym table in the text format of docs/watermark.md (default: the built-in English and Spanish table).")
    var table: String?

    @Option(
        name: .long,
        help: """
            The share of contexts the key marks, above 0 and at most 1 (default \(Watermark.defaultActiveShare)). Use the same \
            value to apply and to attribute; 1 reads marks made before keyed contexts.
            """)
    var activeShare: Double = Watermark.defaultActiveShare

    /// The key from --key, --key-file or DISTILLGUARD_WATERMARK_KEY, in that order.
    func watermark() throws -> Watermark {
        let text: String
        if let key {
            text = key
        } else if let keyFile {
            guard let contents = FileManager.default.contents(atPath: keyFile) else {
                throw CommandFailure("\(keyFile): cannot read the key file")
            }
            text = String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        } else if let environment = ProcessInfo.processInfo.environment["DISTILLGUARD_WATERMARK_KEY"], !environment.isEmpty {
            text = environment
        } else {
            throw CommandFailure("no watermark key: pass --key, --key-file or set DISTILLGUARD_WATERMARK_KEY")
        }
        do {
            return try Watermark(key: Array(text.utf8), table: try synonymTable(), activeShare: activeShare)
        } catch let error as WatermarkError {
            throw CommandFailure(error.description)
        }
    }

    func synonymTable() throws -> SynonymTable {
        guard let table else { return .standard }
        guard let contents = FileManager.default.contents(atPath: table) else {
            throw CommandFailure("\(table): cannot read the synonym table")
        }
        do {
            return try SynonymTable.parse(String(decoding: contents, as: UTF8.self), file: table)
        } catch {
            throw CommandFailure(error.description)
        }
    }
}

struct WatermarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watermark",
        abstract: "Apply the lexical watermark to texts, or measure a synonym table's word frequencies.",
        discussion:
            "The gateway applies the watermark live (policy action `watermark`); these commands work on files. See docs/watermark.md.",
        subcommands: [Apply.self, Calibrate.self]
    )

    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Watermark the texts of a JSON Lines file ({\"text\": ...} per line) and write them in the same format.")

        @OptionGroup var options: WatermarkOptions

        @Option(name: .long, help: "Input JSON Lines, or - for standard input.")
        var input: String = "-"

        @Option(name: .long, help: "Output JSON Lines, or - for standard output.")
        var output: String = "-"

        func run() throws {
            let watermark = try options.watermark()
            let texts = try readSamples(input)
            var lines = texts.map { TextSamples.line(watermark.apply(to: $0)) }.joined(separator: "\n")
            if !lines.isEmpty { lines += "\n" }
            try write(lines, to: output)
        }
    }

    struct Calibrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure each synonym group's word frequencies on texts your model wrote, and print the table.",
            discussion: """
                The watermark draws words with these frequencies, so measuring them on your own model's
                unwatermarked outputs keeps watermarked text statistically like it. Pass the printed table
                to the gateway (`watermark.table`) and to `attribute --table`.
                """)

        @Option(name: .long, help: "Unwatermarked texts, JSON Lines ({\"text\": ...} per line), or - for standard input.")
        var samples: String

        @Option(name: .long, help: "The table to calibrate (default: the built-in one).")
        var table: String?

        func run() throws {
            var options = WatermarkOptions()
            options.table = table
            let texts = try readSamples(samples)
            print(try options.synonymTable().calibrated(on: texts).text, terminator: "")
        }
    }
}

func readSamples(_ path: String) throws -> [String] {
    do {
        return try TextSamples.read(path)
    } catch {
        throw CommandFailure(error.description)
    }
}

func write(_ text: String, to path: String) throws {
    if path == "-" {
        FileHandle.standardOutput.write(Data(text.utf8))
        return
    }
    guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
        throw CommandFailure("\(path): cannot write the file")
    }
}
