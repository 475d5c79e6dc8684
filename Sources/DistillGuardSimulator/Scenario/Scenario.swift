import DistillGuardCore
import Foundation

/// A simulated world: who uses the API, how, and when. Scenarios are data (JSON); the format is
/// documented in docs/scenarios.md and `distillguard simulate --print-scenario NAME` prints a
/// built-in one to start from.
public struct Scenario: Codable, Sendable {
    public var name: String
    public var description: String
    /// Start of the simulated period (RFC 3339).
    public var start: String
    public var days: Double
    /// Total events at each scale.
    public var events: ScaleSizes
    /// Days after `start` (fractional allowed) when the new models in `models` are released: 8 is the ninth day.
    public var releaseDay: Double?
    /// Models per API: those in use at the start, and the one released on `release_day`.
    public var models: [String: ModelLineup]
    public var populations: [Population]

    enum CodingKeys: String, CodingKey {
        case name, description, start, days, events, models, populations
        case releaseDay = "release_day"
    }

    public struct ScaleSizes: Codable, Sendable {
        public var small: Int
        public var medium: Int
        public var large: Int
    }

    public struct ModelLineup: Codable, Sendable {
        public var current: [String]
        public var new: String?
    }
}

/// One group of accounts that behave alike: organic users, a batch job, a campaign.
public struct Population: Codable, Sendable {
    public var name: String
    /// The ground-truth kind written to labels.jsonl (e.g. `organic`, `eval_harness`, `coding_hydra`).
    public var kind: String
    /// `attack` or `benign`.
    public var label: String
    /// Campaign name for attacks; null for benign populations.
    public var campaign: String?
    public var behavior: Behavior
    /// Fraction of the scenario's events this population sends.
    public var share: Double
    /// Number of accounts at `small` scale.
    public var accounts: Int
    /// Whether the account count grows with the scale (×10 medium, ×100 large); false keeps it fixed.
    public var scaleAccounts: Bool?
    /// How events are spread over time.
    public var activity: Activity
    /// How events are spread over accounts: `heavy_tailed` (a few busy, many light) or `even`.
    public var volume: Volume?
    public var tiers: [String: Double]
    public var apis: [String: Double]
    public var network: Network
    public var countries: [String]
    /// Window of account creation, in days from `start` (negative: before the period).
    public var createdDays: [Double]
    /// When set, accounts are created in this many tight bursts (a few hours each) inside the window.
    public var creationBursts: Int?
    /// When set, each account is active only this many days after it is created (short-lived accounts).
    public var lifetimeDays: Double?
    /// Probability that an account is verified.
    public var verified: Double?
    public var emailDomains: [String]?
    /// How many accounts share one payment fingerprint (1 or absent: each has its own).
    public var accountsPerPayment: Int?
    /// All accounts belong to one organization.
    public var sharedOrganization: Bool?
    /// Prompt templates with `{slot}` placeholders; when absent the behavior's own prompts are used.
    public var templates: [String]?
    /// System prompts to choose from.
    public var systemPrompts: [String]?
    /// Fraction of words swapped for synonyms in templated prompts (evasive operators).
    public var paraphrase: Double?
    /// After the release, the fraction of traffic that moves to the new model …
    public var newModelShare: Double?
    /// … reached this many hours after the release (linear ramp).
    public var newModelRampHours: Double?
    /// Fraction of requests that ask for extended thinking / high reasoning effort.
    public var reasoningRate: Double?
    /// Fraction of requests that ask for the maximal output budget.
    public var maxBudgetRate: Double?
    /// For `reseller_mixed`: fraction of the account's traffic that is the hidden templated stream.
    public var hiddenStreamShare: Double?
    /// For resellers and app backends: how many distinct end users each account serves (at small scale).
    public var endUsers: Int?
    /// For `reseller_mixed`: the hidden stream's end-user ids change every this many hours
    /// (absent: a handful of fixed ids).
    public var endUserRotationHours: Double?
    /// For `reseller_mixed`: whose ids the hidden stream is sent under instead: `customers` (the
    /// router's real end users, each of whom also sends its own traffic) or `none` (no end-user id).
    public var streamEndUsers: String?
    public static let streamEndUserChoices: Set<String> = ["customers", "none"]
    /// For resellers and routers (`reseller`, `reseller_mixed`): what kinds of people their end
    /// users are, as weights: `chat` (ordinary chat), `thinking` (extended thinking or high effort
    /// on every message, large budgets now and then), `coding_agent` (an agent CLI's tool loops).
    /// Each end user keeps one kind and its own conversation. Absent: every end user chats.
    public var endUserMix: [String: Double]?
    public static let endUserKinds: Set<String> = ["chat", "thinking", "coding_agent"]
    /// For `reseller_mixed`: fraction of the hidden stream's requests that ask for the maximal
    /// output budget (default 1).
    public var streamMaxBudgetRate: Double?
    /// Each account words its requests its own way (opener, ask, sign-off, order, language), so
    /// that no wrapper is shared across accounts: an adaptive campaign's per-account paraphrase.
    public var accountStyles: Bool?
    /// Fraction of a campaign's requests that are ordinary chat, as cover.
    public var coverShare: Double?
    /// Where the people behind the accounts really are (their time zone and, with
    /// `prompt_language`, their language), when they reach the API from elsewhere (`countries`).
    public var operatorCountries: [String]?
    /// Countries the accounts declare (default: the account's country).
    public var declaredCountries: [String]?
    /// Countries of the payment methods, written as `account.payment_country` (a DistillGuard extension).
    public var paymentCountries: [String]?
    /// Language (`zh`, `ru`, `fa`) of a share (`prompt_language_share`) of organic prompts.
    public var promptLanguage: String?
    public var promptLanguageShare: Double?
    /// Countries whose consumer networks some requests come from (`home_network_share`): the home
    /// of operators whose proxies fail now and then, or of people abroad who visit it.
    public var homeCountries: [String]?
    /// Fraction of requests sent from a consumer network in one of `home_countries` (one per
    /// account) instead of the account's usual network (default 0).
    public var homeNetworkShare: Double?
    /// Ground truth for regional compliance: the accounts operate from a restricted region.
    public var restrictedRegion: Bool?

    enum CodingKeys: String, CodingKey {
        case name, kind, label, campaign, behavior, share, accounts, activity, volume, tiers, apis, network, countries
        case templates, paraphrase
        case scaleAccounts = "scale_accounts"
        case createdDays = "created_days"
        case lifetimeDays = "lifetime_days"
        case creationBursts = "creation_bursts"
        case verified
        case emailDomains = "email_domains"
        case accountsPerPayment = "accounts_per_payment"
        case sharedOrganization = "shared_organization"
        case systemPrompts = "system_prompts"
        case newModelShare = "new_model_share"
        case newModelRampHours = "new_model_ramp_hours"
        case reasoningRate = "reasoning_rate"
        case maxBudgetRate = "max_budget_rate"
        case hiddenStreamShare = "hidden_stream_share"
        case endUsers = "end_users"
        case endUserRotationHours = "end_user_rotation_hours"
        case streamEndUsers = "stream_end_users"
        case endUserMix = "end_user_mix"
        case streamMaxBudgetRate = "stream_max_budget_rate"
        case accountStyles = "account_styles"
        case coverShare = "cover_share"
        case operatorCountries = "operator_countries"
        case declaredCountries = "declared_countries"
        case paymentCountries = "payment_countries"
        case promptLanguage = "prompt_language"
        case promptLanguageShare = "prompt_language_share"
        case homeCountries = "home_countries"
        case homeNetworkShare = "home_network_share"
        case restrictedRegion = "restricted_region"
    }

    /// What the accounts ask for and how their requests are shaped.
    public enum Behavior: String, Codable, Sendable, CaseIterable {
        case organic
        case batchJob = "batch_job"
        case evalHarness = "eval_harness"
        case llmJudge = "llm_judge"
        case reseller
        case agentPlatform = "agent_platform"
        case appBackend = "app_backend"
        case codingAgent = "coding_agent"
        case universityClass = "university_class"
        case reasoningHarvest = "reasoning_harvest"
        case agenticHarvest = "agentic_harvest"
        case codingHydra = "coding_hydra"
        case resellerMixed = "reseller_mixed"
        case evasive
    }

    public enum Activity: String, Codable, Sendable {
        /// Local-time daily rhythm, quieter at weekends.
        case diurnal
        /// Weekday office hours, local time.
        case businessHours = "business_hours"
        /// Around the clock at a constant rate.
        case steady
        /// A few intense runs a day, at times shared by the population (evaluation jobs).
        case bursts
        /// Campaign shifts: every account active in the same UTC windows.
        case synchronized
    }

    public enum Volume: String, Codable, Sendable {
        case heavyTailed = "heavy_tailed"
        case even
    }

    public enum Network: String, Codable, Sendable {
        case residential, mobile, cloud, corporate, campus
        /// Residential proxy pool: many accounts rotate through shared address blocks.
        case proxy
        /// A commercial VPN provider's exit nodes.
        case vpn
    }
}

/// A scenario file that cannot be used, with where and why.
public struct ScenarioError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

extension Scenario {
    /// Parses and checks a scenario; errors name the field at fault.
    public static func decode(_ data: Data, source: String) throws -> Scenario {
        let scenario: Scenario
        do {
            scenario = try JSONDecoder().decode(Scenario.self, from: data)
        } catch let error as DecodingError {
            throw ScenarioError(description: "\(source): \(Self.describe(error))")
        }
        try scenario.validate(source: source)
        return scenario
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop(while: { $0 == "." }).description
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "field `\(path(context.codingPath + [key]))` is required"
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "field `\(path(context.codingPath))`: expected \(type)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "field `\(path(context.codingPath))`: \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    func validate(source: String) throws {
        func fail(_ message: String) -> ScenarioError { ScenarioError(description: "\(source): \(message)") }
        guard Timestamp(rfc3339: start) != nil else { throw fail("`start` must be an RFC 3339 timestamp, got '\(start)'") }
        guard days > 0 else { throw fail("`days` must be positive") }
        guard !populations.isEmpty else { throw fail("`populations` is empty") }
        let apiNames = Set(Event.API.allCases.map(\.rawValue))
        for (api, lineup) in models {
            guard apiNames.contains(api) else { throw fail("`models.\(api)`: unknown API; use one of \(apiNames.sorted())") }
            guard !lineup.current.isEmpty else { throw fail("`models.\(api).current` is empty") }
        }
        var names = Set<String>()
        for (index, population) in populations.enumerated() {
            let at = "`populations[\(index)]` (\(population.name))"
            guard names.insert(population.name).inserted else { throw fail("\(at): duplicate population name") }
            guard population.label == "attack" || population.label == "benign" else {
                throw fail("\(at): `label` must be attack or benign")
            }
            guard population.share > 0, population.accounts > 0 else { throw fail("\(at): `share` and `accounts` must be positive") }
            guard population.createdDays.count == 2, population.createdDays[0] <= population.createdDays[1] else {
                throw fail("\(at): `created_days` must be [from, to] with from <= to")
            }
            guard !population.countries.isEmpty else { throw fail("\(at): `countries` is empty") }
            for country in population.countries + (population.operatorCountries ?? [])
            where Network.timeZoneOffset(country: country) == nil {
                throw fail("\(at): unknown country code '\(country)'")
            }
            for country in (population.declaredCountries ?? []) + (population.paymentCountries ?? [])
            where !RegionData.countryCodes.contains(country) {
                throw fail("\(at): unknown country code '\(country)'")
            }
            if (population.homeNetworkShare ?? 0) > 0, population.homeCountries?.isEmpty ?? true {
                throw fail("\(at): `home_network_share` needs `home_countries` (where those requests come from)")
            }
            for country in population.homeCountries ?? [] where !Network.hasHomeNetwork(country) {
                throw fail(
                    "\(at): `home_countries`: the simulator knows no consumer network in '\(country)' (it knows \(Network.homeCountries))")
            }
            if let language = population.promptLanguage, !OrganicPrompts.languages.contains(language) {
                throw fail("\(at): `prompt_language` '\(language)' is not one of \(OrganicPrompts.languages.sorted())")
            }
            guard !population.apis.isEmpty, population.apis.keys.allSatisfy({ models[$0] != nil }) else {
                throw fail("\(at): every API in `apis` needs a model lineup in `models`")
            }
            guard !population.tiers.isEmpty, population.tiers.keys.allSatisfy(AccountInfo.knownTiers.contains) else {
                throw fail("\(at): `tiers` must use the contract's tiers \(AccountInfo.knownTiers.sorted())")
            }
            let fractions: [(String, Double?)] = [
                ("paraphrase", population.paraphrase), ("reasoning_rate", population.reasoningRate),
                ("max_budget_rate", population.maxBudgetRate), ("hidden_stream_share", population.hiddenStreamShare),
                ("cover_share", population.coverShare), ("home_network_share", population.homeNetworkShare),
                ("stream_max_budget_rate", population.streamMaxBudgetRate), ("new_model_share", population.newModelShare),
            ]
            for (name, value) in fractions {
                if let value, !(0...1).contains(value) { throw fail("\(at): `\(name)` must be between 0 and 1, got \(value)") }
            }
            if let hours = population.endUserRotationHours, !(hours > 0) {
                throw fail("\(at): `end_user_rotation_hours` must be positive, got \(hours)")
            }
            if let mix = population.endUserMix {
                guard population.behavior == .reseller || population.behavior == .resellerMixed else {
                    throw fail(
                        "\(at): `end_user_mix` is for `reseller` and `reseller_mixed` behaviors, not `\(population.behavior.rawValue)`")
                }
                for (kind, weight) in mix.sorted(by: { $0.key < $1.key }) {
                    guard Population.endUserKinds.contains(kind) else {
                        throw fail("\(at): `end_user_mix`: unknown kind '\(kind)'; use \(Population.endUserKinds.sorted())")
                    }
                    guard weight >= 0, weight.isFinite else { throw fail("\(at): `end_user_mix.\(kind)` must be 0 or more, got \(weight)") }
                }
                guard mix.values.reduce(0, +) > 0 else { throw fail("\(at): `end_user_mix` weights add up to 0") }
            }
            if let choice = population.streamEndUsers {
                guard Population.streamEndUserChoices.contains(choice) else {
                    throw fail("\(at): `stream_end_users` must be one of \(Population.streamEndUserChoices.sorted()), got '\(choice)'")
                }
                guard population.endUserRotationHours == nil else {
                    throw fail(
                        "\(at): `stream_end_users` and `end_user_rotation_hours` exclude each other (rotated ids are the stream's own)")
                }
            }
        }
        let total = populations.reduce(0) { $0 + $1.share }
        guard abs(total - 1) < 0.01 else { throw fail("population shares add up to \(total); they must add up to 1") }
    }
}
