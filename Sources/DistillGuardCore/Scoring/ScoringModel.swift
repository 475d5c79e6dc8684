/// A logistic model over `AccountSignals`, with the thresholds that turn scores into verdicts.
///
/// `distillguard train` fits it to labelled logs (`ScoringModel.fit`); the default shipped with the
/// product is `ScoringModel.default`, fitted on simulated `adaptive-2026` traffic: all of `feb-2026`
/// and three adaptive campaigns (see docs/detection.md).
public struct ScoringModel: Sendable, Equatable {
    public var weights: [Double]
    public var bias: Double
    /// Scores at or above this are `attack`.
    public var attackThreshold: Double
    /// Scores at or above this (and below attack) are `review`.
    public var reviewThreshold: Double
    /// Accounts with fewer exchanges are never flagged on their own signals.
    public var minimumExchanges: Int
    /// A reseller-like account (many end users) with at least this share of its requests in a
    /// harvesting sub-stream is `attack` whatever its blended score: mixing a stream into real
    /// customers' traffic is exactly how hydra resellers hide it.
    public var substreamShare: Double
    /// … and at least this many requests in that stream.
    public static let substreamMinimumRequests = 12
    /// Below the 10% at which a router can hide a harvest in its customers' traffic, with room
    /// for the share measured early, over a few hundred requests, to fall short of it.
    public static let defaultSubstreamShare = 0.06
    /// Which accounts an `attack` score alone does not act on (nil: none); see `EstablishedAccounts`.
    public var establishedAccounts: EstablishedAccounts?

    /// Signals that show harvesting itself rather than heavy use of the API. Reasoning on every
    /// request, maximal budgets, a young account, one capability, round-the-clock use: coding
    /// agents, thinking-on chat users and students share all of these with campaigns, so however
    /// high they push the score, an account is acted on (`attack`) only when at least one of these
    /// contributes `corroborationLogOdds` to it; otherwise it stays at `review` for a person.
    public static let corroboratingSignals: Set<String> = [
        "cot_elicitation_rate", "rubric_grading_rate", "sensitive_rewrite_rate", "harvest_template_share", "network_rotation",
        "shared_payment", "harvest_substream", "partner_indicator",
    ]
    public static let corroborationLogOdds = 0.5

    /// Signals that heavy legitimate users share with campaigns (see `corroboratingSignals`).
    public static let heavyUseSignals: Set<String> = [
        "reasoning_request_rate", "maximal_budget_rate", "account_youth", "capability_concentration", "output_input_ratio",
        "hour_flatness", "timing_regularity", "unverified", "cloud_share", "new_model_pivot", "volume",
    ]

    /// What fitting may do with each weight. A corroborating signal always counts for harvesting
    /// (at least `corroboratingFloor`), even when the training data has no campaign that shows it,
    /// and no heavy-use signal may weigh more than `heavyUseCeiling`: a model fitted on the traffic
    /// at hand must still hold on populations and campaigns it has not seen.
    public static let corroboratingFloor = 1.0
    public static let heavyUseCeiling = 1.5
    static let weightBounds: [ClosedRange<Double>] = AccountSignals.names.map { name in
        if corroboratingSignals.contains(name) { return corroboratingFloor...(.infinity) }
        if heavyUseSignals.contains(name) { return -(.infinity)...heavyUseCeiling }
        return -(.infinity)...(.infinity)
    }
    private static let corroboratingIndices = AccountSignals.names.indices.filter {
        corroboratingSignals.contains(AccountSignals.names[$0])
    }

    /// Whether some harvest-specific signal is strong enough to corroborate at the smallest weight
    /// fitting may give it.
    public static func canBeCorroborated(_ signals: AccountSignals) -> Bool {
        corroboratingIndices.contains { corroboratingFloor * signals.values[$0] >= corroborationLogOdds }
    }

    /// Whether a signal specific to harvesting contributes enough to act on the account.
    public func isCorroborated(_ signals: AccountSignals) -> Bool {
        Self.corroboratingIndices.contains { weights[$0] * signals.values[$0] >= Self.corroborationLogOdds }
    }

    public init(
        weights: [Double], bias: Double, attackThreshold: Double, reviewThreshold: Double, minimumExchanges: Int = 5,
        substreamShare: Double = ScoringModel.defaultSubstreamShare, establishedAccounts: EstablishedAccounts? = .default
    ) {
        precondition(weights.count == AccountSignals.names.count, "one weight per signal")
        self.weights = weights
        self.bias = bias
        self.attackThreshold = attackThreshold
        self.reviewThreshold = reviewThreshold
        self.minimumExchanges = minimumExchanges
        self.substreamShare = substreamShare
        self.establishedAccounts = establishedAccounts
    }

    public func score(_ signals: AccountSignals) -> Double {
        var z = bias
        for (w, x) in zip(weights, signals.values) { z += w * x }
        return 1 / (1 + exp(-z))
    }

    /// Each signal's value and its contribution (weight × value) to the log-odds, largest first.
    public func contributions(_ signals: AccountSignals) -> [(name: String, value: Double, contribution: Double)] {
        zip(AccountSignals.names, zip(weights, signals.values))
            .map { (name: $0.0, value: $0.1.1, contribution: $0.1.0 * $0.1.1) }
            .sorted { abs($0.contribution) > abs($1.contribution) }
    }

    public func verdict(score: Double, signals: AccountSignals, exchanges: Int) -> Verdict.Kind {
        guard exchanges >= minimumExchanges else { return .benign }
        switch rule(score: score, signals: signals, exchanges: exchanges) {
        case .templatedSubstream: return .attack
        case .harvestSubstream, .partnerIndicator: return .review
        case nil:
            if score >= attackThreshold { return isCorroborated(signals) ? .attack : .review }
            return score >= reviewThreshold ? .review : .benign
        }
    }

    /// A rule that sets a verdict the score does not: the account's evidence leads with what it saw.
    public enum Rule: Sendable {
        /// A templated harvesting stream among a reseller's end users: `attack` by itself.
        case templatedSubstream
        /// A harvesting sub-stream or stream end users (`harvest_substream`): at least `review`.
        case harvestSubstream
        /// A partner's indicator on the account itself: at least `review`.
        case partnerIndicator
    }

    /// The rule that sets this verdict, or nil when the score sets it.
    public func rule(score: Double, signals: AccountSignals, exchanges: Int) -> Rule? {
        guard exchanges >= minimumExchanges else { return nil }
        func isSubstream(_ share: Double) -> Bool {
            share >= substreamShare && share * Double(exchanges) >= Double(Self.substreamMinimumRequests)
        }
        // A templated stream hidden among a reseller's customers is acted on by itself. A stream
        // of end users who only ever asked stand-alone questions for long reasoning is evidence a
        // person should see, but not a reason to act on its own: a real router's one-off users
        // who think on every message look the same (docs/detection.md, "Stream end users").
        if isSubstream(signals.templatedSubstream) { return .templatedSubstream }
        guard score < reviewThreshold else { return nil }
        if isSubstream(signals["harvest_substream"]) { return .harvestSubstream }
        // A partner's indicator on the account itself (pseudonym or template) is evidence a person
        // should see, but not a reason to act on its own: at least review.
        if signals["partner_indicator"] >= 1 { return .partnerIndicator }
        return nil
    }
}

extension ScoringModel {
    /// Fits weights by batch gradient descent on the log-loss with L2 regularisation, classes
    /// weighted equally, within `weightBounds`, then sets thresholds from the data: `attack` just
    /// above the highest-scoring corroborated benign account (so no labelled benign account would
    /// be acted on) and `review` at the 99th percentile of benign scores.
    public static func fit(
        _ samples: [(signals: AccountSignals, isAttack: Bool)], iterations: Int = 3000, learningRate: Double = 0.5, l2: Double = 0.001,
        minimumExchanges: Int = 5
    ) -> ScoringModel {
        // An attack account that no harvest-specific signal could corroborate can never be put at
        // attack (see `corroboratingSignals`); fitting the score to it would only teach the model
        // that heavy use is harvesting, and push the threshold up for every campaign that can be
        // acted on. Such accounts are left out of the fit (train reports how many).
        let samples = samples.filter { !$0.isAttack || Self.canBeCorroborated($0.signals) }
        let dimension = AccountSignals.names.count
        var weights = [Double](repeating: 0, count: dimension)
        var bias = 0.0
        let positives = Double(max(samples.filter(\.isAttack).count, 1))
        let negatives = Double(max(samples.count - Int(positives), 1))
        for _ in 0..<iterations {
            var gradient = [Double](repeating: 0, count: dimension)
            var gradientBias = 0.0
            var totalWeight = 0.0
            for sample in samples {
                var z = bias
                for i in 0..<dimension { z += weights[i] * sample.signals.values[i] }
                let p = 1 / (1 + exp(-z))
                let weight = sample.isAttack ? 0.5 / positives : 0.5 / negatives
                let error = (p - (sample.isAttack ? 1 : 0)) * weight
                for i in 0..<dimension { gradient[i] += error * sample.signals.values[i] }
                gradientBias += error
                totalWeight += weight
            }
            for i in 0..<dimension {
                weights[i] -= learningRate * (gradient[i] / totalWeight + l2 * weights[i])
                weights[i] = min(max(weights[i], Self.weightBounds[i].lowerBound), Self.weightBounds[i].upperBound)
            }
            bias -= learningRate * gradientBias / totalWeight
        }
        var model = ScoringModel(
            weights: weights, bias: bias, attackThreshold: 0.5, reviewThreshold: 0.3, minimumExchanges: minimumExchanges)
        let benign = samples.filter { !$0.isAttack }
        let benignScores = benign.map { model.score($0.signals) }.sorted()
        if let highest = benignScores.last {
            // Only a corroborated account can be acted on: the attack threshold must clear every
            // corroborated benign account (the others stay at review whatever their score).
            let highestActionable = benign.filter { model.isCorroborated($0.signals) }.map { model.score($0.signals) }.max() ?? 0
            model.attackThreshold = min(max(0.5, highestActionable + 0.02), 0.995)
            let p99 = benignScores[min(benignScores.count - 1, Int(Double(benignScores.count) * 0.99))]
            model.reviewThreshold = min(max(0.3, p99), model.attackThreshold - 0.01)
        }
        return model
    }

    /// The model as JSON, for `distillguard train --out` and `analyze --model`.
    public var json: JSONValue {
        [
            "format": "distillguard-model-1",
            "signals": .array(AccountSignals.names.map { .string($0) }),
            "weights": .array(weights.map { .double($0) }),
            "bias": .double(bias),
            "attack_threshold": .double(attackThreshold),
            "review_threshold": .double(reviewThreshold),
            "minimum_exchanges": .int(Int64(minimumExchanges)),
            "substream_share": .double(substreamShare),
            "established_accounts": establishedAccounts?.json ?? .null,
        ]
    }

    /// Reads a model file; signals are matched by name, so files stay readable as signals are added.
    public init(json: JSONValue, source: String) throws {
        func fail(_ message: String) -> ModelFileError { ModelFileError(description: "\(source): \(message)") }
        guard json["format"] == "distillguard-model-1" else {
            throw fail("not a DistillGuard model (format distillguard-model-1 expected)")
        }
        guard let names = json["signals"]?.arrayValue?.compactMap(\.stringValue),
            let values = json["weights"]?.arrayValue?.compactMap(\.doubleValue),
            names.count == values.count
        else { throw fail("`signals` and `weights` must be arrays of the same length") }
        var weights = [Double](repeating: 0, count: AccountSignals.names.count)
        for (name, value) in zip(names, values) {
            guard let index = AccountSignals.names.firstIndex(of: name) else { throw fail("unknown signal '\(name)'") }
            weights[index] = value
        }
        guard let bias = json["bias"]?.doubleValue, let attack = json["attack_threshold"]?.doubleValue,
            let review = json["review_threshold"]?.doubleValue, (0...1).contains(attack), (0...1).contains(review), review <= attack
        else { throw fail("`bias`, `attack_threshold` and `review_threshold` are required, thresholds in [0, 1] with review ≤ attack") }
        self.init(
            weights: weights, bias: bias, attackThreshold: attack, reviewThreshold: review,
            minimumExchanges: json["minimum_exchanges"]?.intValue ?? 5,
            substreamShare: json["substream_share"]?.doubleValue ?? Self.defaultSubstreamShare,
            establishedAccounts: try EstablishedAccounts.read(json["established_accounts"], fail: fail))
    }
}

public struct ModelFileError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
