import ArgumentParser
import DistillGuardCore
import Foundation

struct IntelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intel",
        abstract: "Share indicators of distillation campaigns with other providers (STIX 2.1).",
        subcommands: [IntelExportCommand.self]
    )
}

struct IntelExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a STIX 2.1 bundle of indicators for the attack clusters in a verdicts file.",
        discussion: """
            Infrastructure (IPv4 /24 networks, ASNs, client software and TLS fingerprints) is shared as
            is; payment fingerprints, e-mail domains and account ids only as keyed pseudonyms
            (HMAC-SHA256 with the partner key), so raw values never leave the house; prompt templates
            as their signature anchors (pattern type x-distillguard-template). Format: docs/intel.md.
            """
    )

    @Option(name: .long, help: "Verdicts file written by `distillguard analyze --json`.")
    var verdicts: String

    @Option(name: .long, help: "Write the STIX bundle here.")
    var out: String

    @Option(name: .long, help: "File holding the key shared with partners: at least 16 bytes, raw or as hex text.")
    var keyFile: String

    @Option(name: .long, help: "Name of the producing organisation (the bundle's Identity).")
    var producer: String

    @Option(name: .long, help: "Days an indicator stays valid after the campaign's last activity.")
    var validDays: Double = 30

    func validate() throws {
        guard validDays > 0 else { throw ValidationError("--valid-days must be positive, got \(validDays).") }
        guard !producer.isEmpty else { throw ValidationError("--producer must name your organisation.") }
    }

    func run() throws {
        do {
            let key = try PartnerKey.load(keyFile)
            guard let data = FileManager.default.contents(atPath: verdicts) else {
                throw CommandFailure("\(verdicts): cannot read the verdicts file")
            }
            let parsed: JSONValue
            do { parsed = try JSONParser.parse(Array(data)) } catch { throw CommandFailure("\(verdicts): \(error)") }
            let exporter = STIXExporter(
                producer: producer, pseudonymizer: try Pseudonymizer(key: key), validDays: validDays,
                now: Timestamp(seconds: Date().timeIntervalSince1970))
            let bundle = try exporter.bundle(verdicts: parsed)
            let writer = try BufferedFileWriter(path: out)
            try writer.write(bundle.description + "\n")
            try writer.close()
            let objects = bundle["objects"]?.arrayValue ?? []
            let indicators = objects.filter { $0["type"] == "indicator" }.count
            let campaigns = objects.filter { $0["type"] == "campaign" }.count
            print("wrote \(indicators) indicators for \(campaigns) campaigns to \(out)")
        } catch let error as IntelError {
            throw CommandFailure("\(verdicts): \(error.description)")
        } catch let error as FileError {
            throw CommandFailure(error.description)
        }
    }
}

enum PartnerKey {
    /// The key bytes: a file of raw bytes, or of hex text (whitespace ignored).
    static func load(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("\(path): cannot read the key file") }
        let bytes = [UInt8](data)
        let text = String(decoding: bytes, as: UTF8.self).filter { !$0.isWhitespace }
        if !text.isEmpty, text.count % 2 == 0, text.allSatisfy(\.isHexDigit) {
            var decoded: [UInt8] = []
            var index = text.startIndex
            while index < text.endIndex {
                let next = text.index(index, offsetBy: 2)
                decoded.append(UInt8(text[index..<next], radix: 16)!)
                index = next
            }
            return decoded
        }
        return bytes
    }
}
