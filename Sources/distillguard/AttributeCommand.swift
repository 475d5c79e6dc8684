import ArgumentParser
import DistillGuardCore
import Foundation

struct AttributeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attribute",
        abstract: "Test whether a suspect model learned from watermarked outputs: a p-value with the counts behind it.",
        discussion: """
            SAMPLES is JSON Lines, {"text": ...} per line: text the suspect model generated. The p-value
            is the probability, if the model never saw watermarked text, of its words following the
            key's choices at least this often. It is a Chernoff bound, so it never understates that
            probability. See docs/watermark.md for how it is computed and validated.
            """
    )

    @OptionGroup var options: WatermarkOptions

    @Option(name: .long, help: "Texts from the suspect model, JSON Lines, or - for standard input.")
    var samples: String

    @Option(name: .long, help: "Significance level for the verdict line.")
    var alpha: Double = 1e-5

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        guard alpha > 0, alpha < 1 else { throw ValidationError("--alpha must be between 0 and 1, got \(alpha).") }
    }

    func run() throws {
        let watermark = try options.watermark()
        var test = AttributionTest(table: watermark.table)
        for text in try readSamples(samples) { test.add(text) }
        let result = test.result(for: watermark)
        if json {
            print(JSONWriter.string(result.json))
            return
        }
        print(Self.report(result, alpha: alpha))
    }

    static func report(_ result: AttributionResult, alpha: Double) -> String {
        let verdict =
            result.pairs == 0
            ? "no evidence: the samples contain no table words in running prose in contexts the key marks"
            : result.pValue <= alpha
                ? "watermark detected at α = \(alpha): the samples follow the key far more often than chance"
                : "not detected at α = \(alpha)"
        return """
            samples             \(result.samples)
            table words         \(result.sites), of which \(result.markedSites) in \(result.pairs) distinct (group, previous word) pairs the key marks
            keyed choices       \(result.matches) of \(result.markedSites) (chance: \(format(result.expectedMatches)))
            score               \(format(result.score)) (chance: \(format(result.expectedScore)) ± \(format(result.standardDeviation)), z = \(format(result.zScore)))
            p-value             \(result.pValue == 0 ? "< 1e-300" : String(format: "%.3g", result.pValue)) (log10 \(format(result.log10PValue)))
            \(verdict)
            """
    }

    static func format(_ x: Double) -> String { String(format: "%.2f", x) }
}
