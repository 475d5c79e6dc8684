import ArgumentParser
import DistillGuardCore
import DistillGuardServer
import DistillGuardStore
import Foundation
import Hummingbird

struct IntelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intel",
        abstract: "Share indicators of distillation campaigns with other providers (STIX 2.1).",
        subcommands: [IntelExportCommand.self, IntelImportCommand.self, IntelServeCommand.self]
    )
}

struct IntelExportCommand: AsyncParsableCommand {
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

    @Option(name: .long, help: "Also publish the bundle in this intel store, for partners polling `intel serve` (TAXII).")
    var publish: String?

    func validate() throws {
        guard validDays > 0 else { throw ValidationError("--valid-days must be positive, got \(validDays).") }
        guard !producer.isEmpty else { throw ValidationError("--producer must name your organisation.") }
    }

    func run() async throws {
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
            if let publish {
                let read = try STIXImporter().read(Array(bundle.description.utf8), source: out)
                let summary = try await IntelStore(path: publish).store(read, source: .published, at: exporter.now)
                print("published \(summary.newObjects) new objects in \(publish)")
            }
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

struct IntelImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load a partner's STIX 2.1 bundle into the intel store, to match traffic against.",
        discussion: """
            The bundle is checked whole before anything is stored: a malformed, hostile or oversized
            bundle fails with the object and field at fault and changes nothing. Importing the same
            bundle again is harmless. Match with `distillguard analyze --intel STORE --key-file KEY`.
            """
    )

    @Argument(help: "The partner's bundle (JSON).")
    var bundle: String

    @Option(name: .long, help: "Intel store (SQLite), created if missing.")
    var store: String = "distillguard-intel.sqlite"

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: bundle) else { throw CommandFailure("\(bundle): cannot read the bundle") }
        do {
            let read = try STIXImporter().read(Array(data), source: bundle)
            let summary = try await IntelStore(path: store).store(
                read, source: .imported, at: Timestamp(seconds: Date().timeIntervalSince1970))
            print(
                "imported \(summary.objects) objects (\(summary.newObjects) new), \(summary.indicators) matchable indicator values into \(store)"
                    + (summary.unmatchable > 0 ? "; \(summary.unmatchable) indicators use patterns DistillGuard does not match" : ""))
        } catch let error as IntelError {
            throw CommandFailure(error.description)
        }
    }
}

/// Loads partner indicators for `analyze`.
enum IntelLoader {
    static func matcher(store: String, keyFile: String?) async throws -> IntelMatcher {
        guard FileManager.default.fileExists(atPath: store) else {
            throw CommandFailure("\(store): no intel store here; run `distillguard intel import` first")
        }
        let indicators = try await IntelStore(path: store).indicators()
        let pseudonymizer: Pseudonymizer?
        do {
            pseudonymizer = try keyFile.map { try Pseudonymizer(key: try PartnerKey.load($0)) }
        } catch let error as IntelError {
            throw CommandFailure("\(keyFile ?? ""): \(error.description)")
        }
        if pseudonymizer == nil, indicators.contains(where: { [.paymentFingerprint, .emailDomain, .accountID].contains($0.kind) }) {
            StandardError.print("note: without --key-file, pseudonymized indicators (payment, e-mail domain, account) cannot match")
        }
        return IntelMatcher(indicators: indicators, pseudonymizer: pseudonymizer)
    }
}

struct IntelServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve published indicators to partners over TAXII 2.1 (read-only).",
        discussion: """
            Partners poll GET /taxii2/api/collections/<id>/objects/?added_after=… with
            "Authorization: Bearer <token>". Publish with `intel export --publish STORE`.
            """
    )

    @Option(name: .long, help: "Intel store (SQLite) holding the published indicators.")
    var store: String = "distillguard-intel.sqlite"

    @Option(name: .long, help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on.")
    var port: Int = 8443

    @Option(name: .long, help: "File holding the bearer token partners must send (no default token).")
    var tokenFile: String

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: tokenFile) else {
            throw CommandFailure("\(tokenFile): cannot read the token file")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.count >= 16 else { throw CommandFailure("\(tokenFile): the token must have at least 16 characters") }
        let app = buildApplication(configuration: ServerConfiguration(host: host, port: port), taxii: (try IntelStore(path: store), token))
        StandardError.print("serving TAXII 2.1 on http://\(host):\(port)/taxii2/")
        try await app.runService()
    }
}
