/// Everything `distillguard gateway` runs with, read from its configuration file
/// (`GatewayConfiguration+File.swift`; the format is in `docs/gateway.md`).
public struct GatewayConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Upstream model APIs by provider; a provider without an upstream answers 404.
    public var upstreams: [Provider: Upstream] = [:]
    /// Longest wait for the upstream's response to start (status and headers).
    public var upstreamTimeoutSeconds: Double = 600
    /// Longest silence from the upstream once the request is sent: before the response starts
    /// and between pieces of its body (a stream that stalls mid-way ends after this).
    public var upstreamIdleTimeoutSeconds: Double = 600
    /// Client keys and the accounts they identify.
    public var keys: [ClientKey] = []
    public var unknownKeys: UnknownKeys = .reject
    public var failureMode: FailureMode = .open
    /// Largest request body forwarded, in bytes; larger ones get 413 in the API's error shape.
    public var maximumBodyBytes = 32 << 20
    public var analysis = Analysis()
    /// Bearer token of `POST /v1/decide`; without one the decision API is off.
    public var decisionAPIKey: String?
    public var policy: Policy = .default
    /// Country, ASN and organisation of client addresses, by CIDR block (`client_networks`).
    public var clientNetworks = NetworkDirectory()
    /// Load balancers and proxies in front of the gateway: for requests from them, the client is
    /// the last address in `X-Forwarded-For` that is not one of them.
    public var trustedProxies: [CIDRBlock] = []

    public init() {}

    public enum Provider: String, Sendable, CaseIterable {
        case anthropic, openai
    }

    public struct Upstream: Sendable {
        /// Base URL without a trailing slash, e.g. `https://api.anthropic.com`.
        public var url: String
        /// The credential sent upstream in place of the client's key; never logged or echoed.
        public var apiKey: String

        public init(url: String, apiKey: String) {
            self.url = url
            self.apiKey = apiKey
        }
    }

    /// One client API key (or its SHA-256) and what the platform knows of its account.
    public struct ClientKey: Sendable {
        /// Lowercase hex SHA-256 of the key, so that the file need not hold the secret.
        public var sha256: String
        public var keyID: String?
        public var accountID: String
        public var organizationID: String?
        public var account: AccountInfo

        public init(
            sha256: String, keyID: String? = nil, accountID: String, organizationID: String? = nil, account: AccountInfo = AccountInfo()
        ) {
            self.sha256 = sha256
            self.keyID = keyID
            self.accountID = accountID
            self.organizationID = organizationID
            self.account = account
        }
    }

    /// What to do with a key that is not in `keys`.
    public enum UnknownKeys: String, Sendable {
        /// Answer 401 in the API's error shape.
        case reject
        /// Forward it, as account `unknown:<first 12 hex digits of its SHA-256>`, so the upstream decides.
        case pass
    }

    /// What happens when analysis or storage is unavailable.
    public enum FailureMode: String, Sendable {
        /// Traffic flows unenforced by new verdicts (the last snapshot still applies).
        case open
        /// Requests are refused with 503 in the API's error shape.
        case closed
    }

    public struct Analysis: Sendable {
        /// Contract-format JSON Lines log of every exchange (appended to); nil for none.
        public var eventLog: String?
        /// SQLite event store (`DistillGuardStore`); nil for none.
        public var store: String?
        /// How often verdicts are recomputed and published to the hot path.
        public var refreshSeconds: Double = 5
        /// Exchanges waiting for analysis before new ones are dropped (and counted).
        public var queueCapacity = 50_000
        /// A snapshot older than this (while traffic flows) means analysis is unavailable.
        public var staleAfterSeconds: Double = 120
        /// A trained model file (`distillguard train`); nil for the built-in model.
        public var modelFile: String?
        /// Exchanges to replay into the engine at start, so verdicts survive a restart.
        public var replay: [String] = []
        /// Where analysts' decisions come from when the gateway does not share `distillguard serve`'s
        /// SQLite file (a PostgreSQL deployment, another host): its admin API, with an admin token.
        public var decisionsFrom: ServiceLink?
        /// `distillguard serve`'s ingest API (with an ingest key), to send every exchange to, when
        /// the gateway does not share the service's SQLite file.
        public var forwardTo: ServiceLink?
        /// `distillguard serve`'s admin API (with an admin token), to read the verdicts, clusters
        /// and flagged templates to enforce from (`GET /v1/enforcement`) at every refresh, instead
        /// of analysing this gateway's own traffic: every gateway then enforces one service's
        /// verdicts over all traffic. Analysts' decisions are applied in them already.
        public var verdictsFrom: ServiceLink?
        /// This gateway's name to the service it reads verdicts from, unique among the gateways:
        /// the service counts gateways by it, and each enforces its share of throttle limits
        /// (`docs/deployment.md`). Nil for the host name and port (`host:port`).
        public var gatewayID: String?

        public init() {}
    }

    /// `distillguard serve` as the gateway reaches it: base URL (`http://host:8080`) and the bearer
    /// secret of the API used (the admin token for decisions, the ingest key for events).
    public struct ServiceLink: Sendable, Equatable {
        public var url: String
        public var token: String
        /// Longest wait for the service's answer to one request; a slow service then counts as unavailable.
        public var timeoutSeconds: Double

        public init(url: String, token: String, timeoutSeconds: Double = 30) {
            self.url = url
            self.token = token
            self.timeoutSeconds = timeoutSeconds
        }
    }
}
