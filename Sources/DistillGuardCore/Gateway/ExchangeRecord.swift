/// One exchange as the gateway saw it: the envelope it knows, the request exactly as the client
/// sent it, and the response bytes (a body, or the raw server-sent-event stream).
///
/// Kept as bytes on the hot path; `json()` turns it into one event of the contract
/// (`docs/event-format.md`) on the analysis thread.
public struct ExchangeRecord: Sendable {
    public var id: String
    public var timestamp: Timestamp
    public var accountID: String
    public var api: Event.API
    public var organizationID: String?
    public var apiKeyID: String?
    public var client: ClientInfo
    public var account: AccountInfo
    public var request: [UInt8]
    public var response: Response
    public var status: Int?
    public var latencyMs: Double?

    public enum Response: Sendable {
        case none
        /// A JSON body (success or the API's error body).
        case body([UInt8])
        /// The raw `text/event-stream` bytes, reassembled by `StreamReassembler`.
        case stream([UInt8])
    }

    public init(
        id: String, timestamp: Timestamp, accountID: String, api: Event.API, organizationID: String? = nil, apiKeyID: String? = nil,
        client: ClientInfo = ClientInfo(), account: AccountInfo = AccountInfo(), request: [UInt8], response: Response = .none,
        status: Int? = nil, latencyMs: Double? = nil
    ) {
        self.id = id
        self.timestamp = timestamp
        self.accountID = accountID
        self.api = api
        self.organizationID = organizationID
        self.apiKeyID = apiKeyID
        self.client = client
        self.account = account
        self.request = request
        self.response = response
        self.status = status
        self.latencyMs = latencyMs
    }

    /// The event as a JSON value, written as one JSON Lines record and decoded without parsing it
    /// again. The request is parsed and written back compactly, so that a pretty-printed body still
    /// makes one line; a response that is not JSON is left out (its status is kept).
    public func json() throws(JSONSyntaxError) -> JSONValue {
        let request = try JSONParser.parse(request)
        var event: JSONObject = [
            "id": .string(id), "timestamp": .string(timestamp.rfc3339), "account_id": .string(accountID), "api": .string(api.rawValue),
        ]
        if let organizationID { event["organization_id"] = .string(organizationID) }
        if let apiKeyID { event["api_key_id"] = .string(apiKeyID) }
        let client = clientJSON
        if client.count > 0 { event["client"] = .object(client) }
        let account = accountJSON
        if account.count > 0 { event["account"] = .object(account) }
        event["request"] = request
        if let response = responseJSON { event["response"] = .object(response) }
        if let status { event["status"] = .int(Int64(status)) }
        if let latencyMs { event["latency_ms"] = .double((latencyMs * 1000).rounded() / 1000) }
        return .object(event)
    }

    var responseJSON: JSONObject? {
        switch response {
        case .none: return nil
        case .body(let bytes): return (try? JSONParser.parse(bytes))?.objectValue
        case .stream(let bytes):
            var reassembler = StreamReassembler(api: api)
            reassembler.feed(bytes)
            return reassembler.finish()
        }
    }

    var clientJSON: JSONObject {
        var object = JSONObject()
        if let ip = client.ip { object["ip"] = .string(ip) }
        if let agent = client.userAgent { object["user_agent"] = .string(agent) }
        if let asn = client.asn { object["asn"] = .int(Int64(asn)) }
        if let org = client.asnOrg { object["asn_org"] = .string(org) }
        if let country = client.country { object["country"] = .string(country) }
        if let tls = client.tlsFingerprint { object["tls_fingerprint"] = .string(tls) }
        if let http = client.httpFingerprint { object["http_fingerprint"] = .string(http) }
        return object
    }

    var accountJSON: JSONObject {
        var object = JSONObject()
        if let created = account.createdAt { object["created_at"] = .string(created.rfc3339) }
        if let tier = account.tier { object["tier"] = .string(tier) }
        if let payment = account.paymentFingerprint { object["payment_fingerprint"] = .string(payment) }
        if let domain = account.emailDomain { object["email_domain"] = .string(domain) }
        if let verified = account.verified { object["verified"] = .bool(verified) }
        if let country = account.declaredCountry { object["declared_country"] = .string(country) }
        if let country = account.paymentCountry { object["payment_country"] = .string(country) }
        return object
    }
}
