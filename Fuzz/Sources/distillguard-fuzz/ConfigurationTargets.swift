import DistillGuardCore

/// The policy and gateway configuration parsers on arbitrary files.
///
/// - Every refusal is a `ConfigurationError` that names the file and says what is wrong.
/// - Parsing is a function of the text: the same file parses (or fails) the same way twice.
enum ConfigurationTargets {
    static let environment = ["DG_FUZZ_KEY": "0123456789abcdef0123456789abcdef", "DG_FUZZ_API_KEY": "sk-fuzz"]

    static func policy(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let first = outcome { _ = try Policy.parse(text, file: "fuzz-policy.json", environment: environment) }
        let second = outcome { _ = try Policy.parse(text, file: "fuzz-policy.json", environment: environment) }
        require(first == second, "the same policy file parsed differently twice")
        if let message = first { require(message.contains("fuzz-policy.json") && message.count > 20, "an unclear error: \(message)") }
    }

    static func gateway(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let parse = {
            _ = try GatewayConfiguration.parse(text, file: "fuzz-gateway.json", environment: environment) { path in
                throw ConfigurationError(file: path, field: "", message: "no files in fuzzing")
            }
        }
        let first = outcome(parse)
        require(first == outcome(parse), "the same gateway file parsed differently twice")
        if let message = first {
            require(message.contains("fuzz-gateway.json") || message.contains("no files in fuzzing"), "an unclear error: \(message)")
        }
    }

    /// nil when `body` succeeds, else the error's description (which must be a ConfigurationError).
    static func outcome(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as ConfigurationError {
            return error.description
        } catch {
            require(false, "a parser threw something other than a ConfigurationError: \(error)")
            return nil
        }
    }
}

/// The STIX 2.1 importer on arbitrary bundles.
///
/// - A refused bundle names its source and says nothing was imported (nothing is half-read).
/// - An accepted bundle keeps every object, and every indicator it extracts comes from one of them.
enum STIXTarget {
    static func run(_ bytes: [UInt8]) {
        var limits = STIXImporter.Limits()
        limits.maximumObjects = 2_000
        do {
            let result = try STIXImporter(limits: limits).read(bytes, source: "fuzz-bundle.json")
            let objects = (try? JSONParser.parse(bytes))?["objects"]?.arrayValue ?? []
            require(result.objects.count == objects.count, "objects were dropped: \(result.objects.count) of \(objects.count)")
            let indicators = objects.filter { $0["type"] == "indicator" }.count
            require(result.unmatchable <= indicators, "more unmatchable indicators than indicators")
        } catch {
            let message = "\(error)"
            require(message.contains("fuzz-bundle.json") && message.contains("nothing was imported"), "an unclear error: \(message)")
        }
    }
}

/// The network table reader (CSV: cidr, country, asn, organization) on arbitrary files.
///
/// - A refusal names the file and the line.
/// - In an accepted table, every block's own network address is found, and an address written
///   out reads back as itself.
enum NetworksTarget {
    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        do {
            let directory = try NetworkDirectory.parse(text, file: "fuzz-networks.csv")
            for raw in text.split(separator: "\n") {
                let line = raw.drop { $0 == " " }
                guard let field = line.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false).first,
                    let block = CIDRBlock(String(field).filter { $0 != " " && $0 != "\"" && $0 != "\r" })
                else { continue }
                let address = IPAddress(value: block.network)
                require(directory.lookup(address) != nil, "the network address of \(field) is not found in its own table")
                require(IPAddress(address.description)?.value == address.value, "\(address) does not read back as itself")
            }
        } catch {
            let message = "\(error)"
            require(message.contains("fuzz-networks.csv") && message.contains("line "), "an unclear error: \(message)")
        }
    }
}
