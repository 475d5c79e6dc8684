import Foundation

extension Policy {
    /// Reads a policy file (`docs/gateway.md`); errors name the file and the field.
    ///
    /// - Parameters:
    ///   - environment: where the watermark's `key_env` is looked up.
    ///   - readFile: reads the watermark's `key_file` and `table` (relative paths are the caller's to resolve).
    public static func parse(
        _ text: String, file: String, environment: [String: String] = [:], readFile: (String) throws -> String = Policy.noFiles
    ) throws(ConfigurationError) -> Policy {
        do {
            guard case .object(let object) = try JSONParser.parse(text) else {
                throw EventRejection.invalid("", "a policy file holds one JSON object")
            }
            return try read(FieldReader(object, path: ""), environment: environment, readFile: readFile)
        } catch let error as JSONSyntaxError {
            throw ConfigurationError(file: file, field: "", message: error.description)
        } catch let error as EventRejection {
            throw ConfigurationError(file: file, field: error.field, message: error.message)
        } catch {
            throw ConfigurationError(file: file, field: "", message: "\(error)")
        }
    }

    /// For callers that cannot read files: any file reference is an error.
    public static func noFiles(_ path: String) throws -> String {
        throw ConfigurationError(file: path, field: "", message: "files cannot be read here")
    }

    static func read(
        _ root: FieldReader, environment: [String: String] = [:], readFile: (String) throws -> String = Policy.noFiles
    ) throws -> Policy {
        try root.rejectUnknown(["default", "rules", "compliance", "watermark"])
        let defaultAction = try root.string("default").map { try action($0, field: root.path(of: "default")) } ?? .allow
        guard [.allow, .watermark, .block, .requireVerification].contains(defaultAction) else {
            throw EventRejection.invalid(
                root.path(of: "default"), "the default action must be allow, watermark, block or require_verification")
        }
        let rules = try (root.objects("rules") ?? []).map(readRule)
        var names = Set<String>()
        for (index, rule) in rules.enumerated() where !names.insert(rule.name).inserted {
            throw EventRejection.invalid(root.path(of: "rules") + "[\(index)].name", "rule name '\(rule.name)' is used twice")
        }
        let compliance = try root.object("compliance").flatMap(readCompliance)
        if rules.contains(where: { $0.when.compliance != nil }), compliance == nil {
            throw EventRejection.invalid("compliance", "a rule uses a `compliance` condition: list the restricted regions here")
        }
        let watermark = try root.object("watermark").map { try readWatermark($0, environment: environment, readFile: readFile) }
        if watermark == nil {
            if defaultAction == .watermark {
                throw EventRejection.invalid(root.path(of: "watermark"), "the default action is watermark: configure the key here")
            }
            for (index, rule) in rules.enumerated() where rule.action == .watermark || rule.degrade?.watermark == true {
                throw EventRejection.invalid(
                    root.path(of: "rules") + "[\(index)]", "rule '\(rule.name)' watermarks: configure the key in `watermark`")
            }
        }
        return Policy(rules: rules, defaultAction: defaultAction, compliance: compliance, watermark: watermark)
    }

    /// `{"key_env": "NAME"}` or `{"key_file": "PATH"}`, and optionally `"table": "PATH"` and
    /// `"active_share": 0.5`.
    static func readWatermark(_ entry: FieldReader, environment: [String: String], readFile: (String) throws -> String) throws -> Watermark
    {
        try entry.rejectUnknown(["key_env", "key_file", "table", "active_share"])
        let key: String
        switch (try entry.string("key_env"), try entry.string("key_file")) {
        case (let name?, nil):
            guard let value = environment[name], !value.isEmpty else {
                throw EventRejection.invalid(entry.path(of: "key_env"), "environment variable \(name) is not set")
            }
            key = value
        case (nil, let path?):
            do { key = try readFile(path).trimmingCharacters(in: .whitespacesAndNewlines) } catch {
                throw EventRejection.invalid(entry.path(of: "key_file"), "cannot read \(path): \(error)")
            }
        default:
            throw EventRejection.invalid(entry.path, "set exactly one of key_env and key_file (the key is a secret: never inline)")
        }
        var table = SynonymTable.standard
        if let path = try entry.string("table") {
            let text: String
            do { text = try readFile(path) } catch {
                throw EventRejection.invalid(entry.path(of: "table"), "cannot read \(path): \(error)")
            }
            do { table = try SynonymTable.parse(text, file: path) } catch {
                throw EventRejection.invalid(entry.path(of: "table"), error.description)
            }
        }
        let activeShare = try entry.double("active_share") ?? Watermark.defaultActiveShare
        guard activeShare > 0, activeShare <= 1 else {
            throw EventRejection.invalid(entry.path(of: "active_share"), "must be above 0 and at most 1; got \(activeShare)")
        }
        do {
            return try Watermark(key: Array(key.utf8), table: table, activeShare: activeShare)
        } catch {
            throw EventRejection.invalid(entry.path, error.description)
        }
    }

    /// `{"enabled": true, "restricted_regions": ["CN", "RU"]}`; nil when disabled.
    static func readCompliance(_ entry: FieldReader) throws -> ComplianceSettings? {
        try entry.rejectUnknown(["enabled", "restricted_regions"])
        let enabled = try entry.bool("enabled") ?? true
        let regions = try strings(entry, "restricted_regions") ?? []
        for (index, code) in regions.enumerated() where !RegionData.countryCodes.contains(code) {
            throw EventRejection.invalid(
                "\(entry.path(of: "restricted_regions"))[\(index)]",
                "unknown country code '\(code)'; use ISO 3166-1 alpha-2 in capitals, e.g. CN")
        }
        guard enabled else { return nil }
        guard !regions.isEmpty else {
            throw EventRejection.invalid(
                entry.path(of: "restricted_regions"), "regional compliance is enabled but no restricted region is listed")
        }
        return ComplianceSettings(restrictedRegions: Set(regions))
    }

    static func readRule(_ entry: FieldReader) throws -> Rule {
        try entry.rejectUnknown(["name", "when", "action", "reason", "throttle", "degrade", "verification_url"])
        let action = try action(try entry.requiredString("action"), field: entry.path(of: "action"))
        let condition = try (entry.object("when")).map(readCondition) ?? Condition()
        var rule = Rule(
            name: try entry.requiredString("name"), when: condition, action: action,
            reason: try entry.string("reason") ?? defaultReason(action))
        switch action {
        case .throttle:
            guard let throttle = try entry.object("throttle") else {
                throw EventRejection.invalid(entry.path(of: "throttle"), "required field is missing: a throttle rule needs its limits")
            }
            rule.throttle = try readThrottle(throttle)
        case .degrade:
            rule.degrade = try entry.object("degrade").map(readDegradation) ?? Degradation()
        case .requireVerification:
            rule.verificationURL = try entry.string("verification_url")
        case .allow, .watermark, .block:
            break
        }
        return rule
    }

    static func defaultReason(_ action: Action) -> String {
        switch action {
        case .allow: "allowed"
        case .watermark: "watermarked"
        case .throttle: "rate_limited"
        case .degrade: "degraded"
        case .requireVerification: "verification_required"
        case .block: "blocked"
        }
    }

    static func action(_ text: String, field: String) throws -> Action {
        guard let action = Action(rawValue: text) else {
            throw EventRejection.invalid(
                field, "unknown action '\(text)'; expected one of: " + Action.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return action
    }

    static func verdict(_ reader: FieldReader, _ key: String) throws -> Verdict.Kind? {
        guard let text = try reader.string(key) else { return nil }
        guard let kind = Verdict.Kind(rawValue: text) else {
            throw EventRejection.invalid(reader.path(of: key), "unknown verdict '\(text)'; expected benign, review or attack")
        }
        return kind
    }

    static func readCondition(_ entry: FieldReader) throws -> Condition {
        try entry.rejectUnknown([
            "verdict", "cluster_verdict", "template_verdict", "min_score", "signals", "tiers", "apis", "accounts", "unknown_account",
            "compliance",
        ])
        var condition = Condition()
        condition.verdict = try verdict(entry, "verdict")
        condition.clusterVerdict = try verdict(entry, "cluster_verdict")
        condition.templateVerdict = try verdict(entry, "template_verdict")
        condition.minimumScore = try entry.double("min_score")
        if let signals = try entry.object("signals") {
            for (name, _) in signals.object {
                guard AccountSignals.names.contains(name) else {
                    throw EventRejection.invalid(
                        signals.path(of: name), "unknown signal; the signals are: " + AccountSignals.names.joined(separator: ", "))
                }
                condition.signals[name] = try signals.double(name)
            }
        }
        condition.tiers = try strings(entry, "tiers").map(Set.init)
        if let apis = try strings(entry, "apis") {
            condition.apis = Set(
                try apis.map { text in
                    guard let api = Event.API(rawValue: text) else {
                        throw EventRejection.invalid(
                            entry.path(of: "apis"),
                            "unknown API '\(text)'; expected " + Event.API.allCases.map(\.rawValue).joined(separator: ", "))
                    }
                    return api
                })
        }
        condition.accounts = try strings(entry, "accounts").map(Set.init)
        condition.unknownAccount = try entry.bool("unknown_account")
        if let text = try entry.string("compliance") {
            guard let confidence = ComplianceConfidence(rawValue: text) else {
                throw EventRejection.invalid(entry.path(of: "compliance"), "unknown confidence '\(text)'; expected low, medium or high")
            }
            condition.compliance = confidence
        }
        return condition
    }

    static func strings(_ entry: FieldReader, _ key: String) throws -> [String]? {
        try entry.array(key)?.enumerated().map { index, value in
            guard let text = value.stringValue else {
                throw EventRejection.wrongType("\(entry.path(of: key))[\(index)]", expected: "string", got: value)
            }
            return text
        }
    }

    static func readThrottle(_ entry: FieldReader) throws -> ThrottleLimits {
        try entry.rejectUnknown(["scope", "requests_per_minute", "tokens_per_minute"])
        let scopeText = try entry.string("scope") ?? "account"
        guard let scope = ThrottleLimits.Scope(rawValue: scopeText) else {
            throw EventRejection.invalid(entry.path(of: "scope"), "unknown scope '\(scopeText)'; expected account, cluster or template")
        }
        let limits = ThrottleLimits(
            scope: scope, requestsPerMinute: try entry.positiveDouble(entry, "requests_per_minute"),
            tokensPerMinute: try entry.positiveDouble(entry, "tokens_per_minute"))
        guard limits.requestsPerMinute != nil || limits.tokensPerMinute != nil else {
            throw EventRejection.invalid(entry.path, "set requests_per_minute, tokens_per_minute or both")
        }
        return limits
    }

    static func readDegradation(_ entry: FieldReader) throws -> Degradation {
        try entry.rejectUnknown(["strip_reasoning", "max_output_tokens", "watermark"])
        let cap = try entry.int("max_output_tokens")
        if let cap, cap <= 0 { throw EventRejection.invalid(entry.path(of: "max_output_tokens"), "must be positive") }
        return Degradation(
            stripReasoning: try entry.bool("strip_reasoning") ?? true, maximumOutputTokens: cap,
            watermark: try entry.bool("watermark") ?? false)
    }
}
