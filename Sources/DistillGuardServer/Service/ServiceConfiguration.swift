import DistillGuardCore
import Foundation

/// Settings of `distillguard serve`: the HTTP listener, who may do what, and how analysis keeps
/// its state.
public struct ServiceConfiguration: Sendable {
    public var server: ServerConfiguration
    public var access: AccessConfiguration
    public var analysis: AnalysisSettings
    /// The policy `POST /v1/decide` decides by.
    public var policy: Policy
    /// Mark the console's session cookie `Secure` (set when the console is reached over HTTPS,
    /// through a TLS-terminating proxy).
    public var secureCookies: Bool

    public init(
        server: ServerConfiguration = ServerConfiguration(), access: AccessConfiguration, analysis: AnalysisSettings = AnalysisSettings(),
        policy: Policy = .default, secureCookies: Bool = false
    ) {
        self.server = server
        self.access = access
        self.analysis = analysis
        self.policy = policy
        self.secureCookies = secureCookies
    }
}

/// How the analysis follower works through stored events.
public struct AnalysisSettings: Sendable {
    /// Re-score and publish verdicts at most this often while events arrive (seconds).
    public var refreshSeconds: Double
    /// Save the engine's state at most this often (seconds) …
    public var checkpointSeconds: Double
    /// … or after this many events, whichever comes first.
    public var checkpointEvents: Int
    /// Events read from the store per round.
    public var batchSize: Int
    /// Raw prompt and response text is kept this long (hours of event time behind the newest
    /// event); after that only evidence samples keep it.
    public var rawRetentionHours: Double
    /// Evidence samples kept with their text per flagged account.
    public var evidencePerAccount: Int
    /// Ingest answers 429 while more than this many stored events wait for analysis.
    public var maximumBacklog: Int
    public var model: ScoringModel
    public var compliance: ComplianceSettings?
    /// This replica's name in the analysis lease (PostgreSQL, several replicas on one database).
    public var replicaID: String
    /// How long the analysis lease lasts after its last renewal: a leader that dies is replaced
    /// about this long after it stopped renewing. The leader renews every quarter of it in a task
    /// of its own, beside its analysis rounds, so a long round does not cost it the lease; the
    /// lease only has to outlast a few slow database round trips.
    public var leaseSeconds: Double

    public init(
        refreshSeconds: Double = 2, checkpointSeconds: Double = 30, checkpointEvents: Int = 200_000, batchSize: Int = 2_000,
        rawRetentionHours: Double = 72, evidencePerAccount: Int = 5, maximumBacklog: Int = 200_000, model: ScoringModel = .default,
        compliance: ComplianceSettings? = nil, replicaID: String = AnalysisSettings.defaultReplicaID(), leaseSeconds: Double = 5
    ) {
        self.replicaID = replicaID
        self.leaseSeconds = leaseSeconds
        self.refreshSeconds = refreshSeconds
        self.checkpointSeconds = checkpointSeconds
        self.checkpointEvents = checkpointEvents
        self.batchSize = batchSize
        self.rawRetentionHours = rawRetentionHours
        self.evidencePerAccount = evidencePerAccount
        self.maximumBacklog = maximumBacklog
        self.model = model
        self.compliance = compliance
    }
}

extension AnalysisSettings {
    /// The host name, the process id and a random suffix: unique among replicas, readable in logs.
    public static func defaultReplicaID() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(String(UInt16.random(in: .min ... .max), radix: 16))"
    }
}

/// Secrets configured at start. There are no defaults: `serve` refuses to start without an admin
/// token and an ingest key, and each must be long enough to resist guessing. The decision API is
/// off without a decision key.
public struct AccessConfiguration: Sendable {
    /// Bearer tokens for the console and the admin API.
    public var adminTokens: [String]
    /// Bearer keys for the ingest API (never accepted for the console or admin API, and the other way round).
    public var ingestKeys: [String]
    /// Bearer keys for `POST /v1/decide` (never accepted for the console or admin API); none: the API is off.
    public var decisionKeys: [String]
    /// How long a console login lasts (seconds).
    public var sessionSeconds: Double

    public static let minimumSecretLength = 16

    public init(adminTokens: [String], ingestKeys: [String], decisionKeys: [String] = [], sessionSeconds: Double = 12 * 3600) throws {
        for (name, secrets) in [("admin token", adminTokens), ("ingest key", ingestKeys), ("decision key", decisionKeys)] {
            guard !secrets.isEmpty || name == "decision key" else {
                throw AccessConfigurationError("no \(name) is configured; there is no default")
            }
            for secret in secrets where secret.count < Self.minimumSecretLength || secret.contains(where: \.isWhitespace) {
                throw AccessConfigurationError(
                    "every \(name) must be at least \(Self.minimumSecretLength) characters without spaces (one has \(secret.count))")
            }
        }
        guard Set(adminTokens).isDisjoint(with: ingestKeys) else {
            throw AccessConfigurationError("the same secret is configured as an admin token and an ingest key; use different ones")
        }
        guard Set(adminTokens).isDisjoint(with: decisionKeys) else {
            throw AccessConfigurationError("the same secret is configured as an admin token and a decision key; use different ones")
        }
        self.adminTokens = adminTokens
        self.ingestKeys = ingestKeys
        self.decisionKeys = decisionKeys
        self.sessionSeconds = sessionSeconds
    }
}

public struct AccessConfigurationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
