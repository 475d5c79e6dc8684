import Crypto

/// A configuration file that cannot be used: which file, which field and what to do.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var field: String
    public var message: String

    public init(file: String, field: String, message: String) {
        self.file = file
        self.field = field
        self.message = message
    }

    public var description: String { field.isEmpty ? "\(file): \(message)" : "\(file): field `\(field)`: \(message)" }
}

extension GatewayConfiguration {
    /// Reads a gateway configuration file's text.
    ///
    /// - Parameters:
    ///   - environment: where `api_key_env` and `decision_api_key_env` are looked up.
    ///   - readFile: reads a policy file named by `"policy": "PATH"` (relative paths are the caller's to resolve).
    public static func parse(
        _ text: String, file: String, environment: [String: String], readFile: (String) throws -> String
    ) throws(ConfigurationError) -> GatewayConfiguration {
        do {
            let value = try JSONParser.parse(text)
            guard case .object(let object) = value else { throw EventRejection.invalid("", "the file must hold one JSON object") }
            return try read(FieldReader(object, path: ""), file: file, environment: environment, readFile: readFile)
        } catch let error as JSONSyntaxError {
            throw ConfigurationError(file: file, field: "", message: error.description)
        } catch let error as EventRejection {
            throw ConfigurationError(file: file, field: error.field, message: error.message)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(file: file, field: "", message: "\(error)")
        }
    }

    /// The client's address: the TCP peer, or, when the peer is a trusted proxy, the last address
    /// of `X-Forwarded-For` that is not a trusted proxy.
    public func clientAddress(peer: String?, forwardedFor: String?) -> String? {
        guard let peer, let address = IPAddress(peer), trustedProxies.contains(where: { $0.contains(address) }), let forwardedFor
        else { return peer }
        let hops = forwardedFor.split(separator: ",").map { $0.trimmingCharacters(in: " ") }.filter { !$0.isEmpty }
        for hop in hops.reversed() {
            guard let hopAddress = IPAddress(hop) else { return peer }
            if !trustedProxies.contains(where: { $0.contains(hopAddress) }) { return hop }
        }
        return hops.first ?? peer
    }

    /// What the client networks file says of an address.
    public func network(of address: String?) -> NetworkDirectory.Entry? {
        guard clientNetworks.count > 0, let address, let parsed = IPAddress(address) else { return nil }
        return clientNetworks.lookup(parsed)
    }

    static let knownFields: Set<String> = [
        "listen", "upstream", "keys", "unknown_keys", "failure_mode", "max_body_bytes", "analysis", "decision_api_key",
        "decision_api_key_env", "policy", "client_networks", "trusted_proxies",
    ]

    static func read(
        _ root: FieldReader, file: String, environment: [String: String], readFile: (String) throws -> String
    ) throws -> GatewayConfiguration {
        try root.rejectUnknown(knownFields)
        var config = GatewayConfiguration()
        if let listen = try root.object("listen") {
            try listen.rejectUnknown(["host", "port"])
            config.host = try listen.string("host") ?? config.host
            config.port = try listen.int("port") ?? config.port
            guard (0...65535).contains(config.port) else { throw EventRejection.invalid(listen.path(of: "port"), "must be 0–65535") }
        }
        guard let upstream = try root.object("upstream") else { throw EventRejection.missing("upstream") }
        try upstream.rejectUnknown(Set(Provider.allCases.map(\.rawValue) + ["timeout_seconds", "idle_timeout_seconds"]))
        for provider in Provider.allCases {
            guard let entry = try upstream.object(provider.rawValue) else { continue }
            config.upstreams[provider] = try readUpstream(entry, environment: environment)
        }
        guard !config.upstreams.isEmpty else { throw EventRejection.invalid("upstream", "name at least one of `anthropic` or `openai`") }
        config.upstreamTimeoutSeconds = try root.positiveDouble(upstream, "timeout_seconds") ?? config.upstreamTimeoutSeconds
        config.upstreamIdleTimeoutSeconds =
            try root.positiveDouble(upstream, "idle_timeout_seconds") ?? config.upstreamIdleTimeoutSeconds
        config.keys = try (root.objects("keys") ?? []).map(readKey)
        if let unknown = try root.string("unknown_keys") {
            guard let mode = UnknownKeys(rawValue: unknown) else { throw EventRejection.invalid("unknown_keys", "expected reject or pass") }
            config.unknownKeys = mode
        }
        if let failure = try root.string("failure_mode") {
            guard let mode = FailureMode(rawValue: failure) else { throw EventRejection.invalid("failure_mode", "expected open or closed") }
            config.failureMode = mode
        }
        if let bytes = try root.int("max_body_bytes") {
            guard bytes > 0 else { throw EventRejection.invalid("max_body_bytes", "must be positive") }
            config.maximumBodyBytes = bytes
        }
        if let analysis = try root.object("analysis") { config.analysis = try readAnalysis(analysis, environment: environment) }
        config.decisionAPIKey = try root.secret("decision_api_key", environment: environment)
        if let policy = root.value("policy") {
            config.policy = try readPolicy(policy, file: file, environment: environment, readFile: readFile)
        }
        if let path = try root.string("client_networks") {
            let text: String
            do { text = try readFile(path) } catch {
                throw EventRejection.invalid("client_networks", "cannot read \(path): \(error)")
            }
            config.clientNetworks = try NetworkDirectory.parse(text, file: path)
        }
        config.trustedProxies = try (root.array("trusted_proxies") ?? []).enumerated().map { index, value in
            guard let text = value.stringValue, let block = CIDRBlock(text) else {
                throw EventRejection.invalid("trusted_proxies[\(index)]", "expected an IP address or CIDR block such as 10.0.0.0/8")
            }
            return block
        }
        return config
    }

    static func readPolicy(
        _ value: JSONValue, file: String, environment: [String: String], readFile: (String) throws -> String
    ) throws -> Policy {
        switch value {
        case .object(let object):
            return try Policy.read(FieldReader(object, path: "policy"), environment: environment, readFile: readFile)
        case .string(let path):
            let text: String
            do { text = try readFile(path) } catch {
                throw EventRejection.invalid("policy", "cannot read policy file \(path): \(error)")
            }
            return try Policy.parse(text, file: path, environment: environment, readFile: readFile)
        default:
            throw EventRejection.wrongType("policy", expected: "object or path of a policy file", got: value)
        }
    }

    static func readUpstream(_ entry: FieldReader, environment: [String: String]) throws -> Upstream {
        let (url, key) = try readEndpoint(entry, secret: "api_key", environment: environment)
        return Upstream(url: url, apiKey: key)
    }

    /// `{"url": "http…", SECRET or SECRET_env}`: a base URL without trailing slashes, and its secret.
    static func readEndpoint(_ entry: FieldReader, secret: String, environment: [String: String]) throws -> (url: String, secret: String) {
        try entry.rejectUnknown(["url", secret, secret + "_env", "timeout_seconds"])
        var url = try entry.requiredString("url")
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw EventRejection.invalid(entry.path(of: "url"), "'\(url)' must start with http:// or https://")
        }
        while url.hasSuffix("/") { url.removeLast() }
        guard let value = try entry.secret(secret, environment: environment) else {
            throw EventRejection.invalid(entry.path(of: secret), "required field is missing (give \(secret) or \(secret)_env)")
        }
        return (url, value)
    }

    static func readKey(_ entry: FieldReader) throws -> ClientKey {
        try entry.rejectUnknown([
            "key", "key_sha256", "key_id", "account_id", "organization_id", "tier", "created_at", "payment_fingerprint",
            "email_domain", "verified", "declared_country",
        ])
        let digest: String
        if let key = try entry.string("key") {
            digest = sha256Hex(key)
        } else if let hex = try entry.string("key_sha256") {
            guard hex.count == 64, hex.allSatisfy(\.isHexDigit) else {
                throw EventRejection.invalid(entry.path(of: "key_sha256"), "expected 64 hexadecimal digits")
            }
            digest = hex.lowercased()
        } else {
            throw EventRejection.invalid(entry.path(of: "key"), "required field is missing (give key or key_sha256)")
        }
        var account = AccountInfo()
        if let created = try entry.string("created_at") {
            guard let time = Timestamp(rfc3339: created) else {
                throw EventRejection.invalid(entry.path(of: "created_at"), "'\(created)' is not an RFC 3339 timestamp")
            }
            account.createdAt = time
        }
        account.tier = try entry.string("tier")
        account.paymentFingerprint = try entry.string("payment_fingerprint")
        account.emailDomain = try entry.string("email_domain")
        account.verified = try entry.bool("verified")
        account.declaredCountry = try entry.string("declared_country")
        return ClientKey(
            sha256: digest, keyID: try entry.string("key_id"), accountID: try entry.requiredString("account_id"),
            organizationID: try entry.string("organization_id"), account: account)
    }

    static func readAnalysis(_ entry: FieldReader, environment: [String: String]) throws -> Analysis {
        try entry.rejectUnknown([
            "event_log", "store", "refresh_seconds", "queue_capacity", "stale_after_seconds", "model", "replay", "decisions_from",
            "forward_to", "verdicts_from", "gateway_id",
        ])
        var analysis = Analysis()
        analysis.eventLog = try entry.string("event_log")
        analysis.store = try entry.string("store")
        analysis.refreshSeconds = try entry.positiveDouble(entry, "refresh_seconds") ?? analysis.refreshSeconds
        analysis.staleAfterSeconds = try entry.positiveDouble(entry, "stale_after_seconds") ?? analysis.staleAfterSeconds
        if let capacity = try entry.int("queue_capacity") {
            guard capacity > 0 else { throw EventRejection.invalid(entry.path(of: "queue_capacity"), "must be positive") }
            analysis.queueCapacity = capacity
        }
        analysis.modelFile = try entry.string("model")
        analysis.replay = try (entry.array("replay") ?? []).enumerated().map { index, value in
            guard let path = value.stringValue else {
                throw EventRejection.wrongType("\(entry.path(of: "replay"))[\(index)]", expected: "string", got: value)
            }
            return path
        }
        if let source = try entry.object("decisions_from") {
            let (url, token) = try readEndpoint(source, secret: "admin_token", environment: environment)
            analysis.decisionsFrom = ServiceLink(url: url, token: token)
            analysis.decisionsFrom?.timeoutSeconds = try entry.positiveDouble(source, "timeout_seconds") ?? 30
        }
        if let target = try entry.object("forward_to") {
            let (url, key) = try readEndpoint(target, secret: "ingest_key", environment: environment)
            analysis.forwardTo = ServiceLink(url: url, token: key)
            analysis.forwardTo?.timeoutSeconds = try entry.positiveDouble(target, "timeout_seconds") ?? 30
        }
        if let source = try entry.object("verdicts_from") {
            let (url, token) = try readEndpoint(source, secret: "admin_token", environment: environment)
            analysis.verdictsFrom = ServiceLink(url: url, token: token)
            analysis.verdictsFrom?.timeoutSeconds = try entry.positiveDouble(source, "timeout_seconds") ?? 30
            // The gateway runs no engine of its own then: settings for one would be silently ignored.
            for key in ["model", "replay", "decisions_from"] where entry.value(key) != nil {
                let reason =
                    key == "decisions_from"
                    ? "not needed with verdicts_from: the service's verdicts have analysts' decisions applied already"
                    : "has no effect with verdicts_from: the gateway enforces the service's verdicts and runs no engine of its own"
                throw EventRejection.invalid(entry.path(of: key), reason)
            }
        }
        if let id = try entry.string("gateway_id") {
            guard analysis.verdictsFrom != nil else {
                throw EventRejection.invalid(
                    entry.path(of: "gateway_id"), "has no effect without verdicts_from: it names this gateway to the service it reads")
            }
            guard (1...200).contains(id.utf8.count), id.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
                throw EventRejection.invalid(
                    entry.path(of: "gateway_id"), "'\(id)' must be 1 to 200 bytes of printable ASCII without spaces")
            }
            analysis.gatewayID = id
        }
        return analysis
    }

    /// Lowercase hex SHA-256 of a client key, as `keys[].key_sha256` holds it.
    public static func sha256Hex(_ key: String) -> String {
        let digest = SHA256.hash(data: Array(key.utf8))
        // Computed for every request's key: written straight into the string's storage.
        return String(unsafeUninitializedCapacity: SHA256.byteCount * 2) { buffer in
            var index = 0
            for byte in digest {
                buffer[index] = hexDigits[Int(byte >> 4)]
                buffer[index + 1] = hexDigits[Int(byte & 0x0F)]
                index += 2
            }
            return index
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}

extension FieldReader {
    /// Configuration files are strict about names, so that a typo is an error instead of a silently ignored setting.
    func rejectUnknown(_ known: Set<String>) throws {
        for (key, _) in object where !known.contains(key) {
            let expected = known.sorted().joined(separator: ", ")
            throw EventRejection.invalid(path(of: key), "unknown setting; expected one of: \(expected)")
        }
    }

    func positiveDouble(_ reader: FieldReader, _ key: String) throws -> Double? {
        guard let value = try reader.double(key) else { return nil }
        guard value > 0 else { throw EventRejection.invalid(reader.path(of: key), "must be positive") }
        return value
    }

    /// A secret given inline (`NAME`) or by environment variable (`NAME_env`).
    func secret(_ key: String, environment: [String: String]) throws -> String? {
        if let inline = try string(key) {
            guard !inline.isEmpty else { throw EventRejection.invalid(path(of: key), "must not be empty") }
            return inline
        }
        guard let variable = try string(key + "_env") else { return nil }
        guard let value = environment[variable], !value.isEmpty else {
            throw EventRejection.invalid(path(of: key + "_env"), "environment variable \(variable) is not set")
        }
        return value
    }
}
