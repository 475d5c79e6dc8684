/// Decodes one line of the event log into an `Event`, or says precisely why it cannot.
public enum EventDecoder {
    /// Parses and decodes one JSON Lines record (without its line terminator).
    ///
    /// - Parameter responseText: false to leave the response's texts (output, reasoning) empty when
    ///   only its usage, model and error matter; the line is checked just as strictly.
    public static func decode(line: UnsafeRawBufferPointer, responseText: Bool = true) throws(EventRejection) -> Event {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line, elidingStringsIn: responseText ? nil : "response")
        } catch {
            throw EventRejection(code: .invalidJSON, field: "", message: error.description)
        }
        return try decode(value)
    }

    public static func decode(line: String) throws(EventRejection) -> Event {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            throw EventRejection(code: .invalidJSON, field: "", message: error.description)
        }
        return try decode(value)
    }

    /// Decodes an already-parsed JSON value.
    public static func decode(_ value: JSONValue) throws(EventRejection) -> Event {
        do {
            return try decodeObject(value)
        } catch let rejection as EventRejection {
            throw rejection
        } catch {
            throw EventRejection(code: .invalidValue, field: "", message: "\(error)")
        }
    }

    static func decodeObject(_ value: JSONValue) throws -> Event {
        guard case .object(let object) = value else {
            throw EventRejection(code: .notAnObject, field: "", message: "an event must be a JSON object, got \(value.typeName)")
        }
        let root = FieldReader(object, path: "")
        let id = try root.requiredString("id")
        guard !id.isEmpty else { throw EventRejection.invalid("id", "must not be empty") }
        let timestampText = try root.requiredString("timestamp")
        guard let timestamp = Timestamp(rfc3339: timestampText) else {
            throw EventRejection.invalid(
                "timestamp", "'\(timestampText)' is not an RFC 3339 timestamp with offset, e.g. 2026-02-01T12:00:00Z")
        }
        let accountID = try root.requiredString("account_id")
        guard !accountID.isEmpty else { throw EventRejection.invalid("account_id", "must not be empty") }
        let apiText = try root.requiredString("api")
        guard let api = Event.API(rawValue: apiText) else {
            let known = Event.API.allCases.map(\.rawValue).joined(separator: ", ")
            throw EventRejection.invalid("api", "unknown API '\(apiText)', expected one of \(known)")
        }
        guard let request = try root.object("request") else { throw EventRejection.missing("request") }
        let response = try root.object("response")

        var exchange = Exchange()
        switch api {
        case .anthropicMessages:
            try exchange.readAnthropicRequest(request)
            if let response { try exchange.readAnthropicResponse(response) }
        case .openAIChatCompletions:
            try exchange.readOpenAIChatRequest(request)
            if let response { try exchange.readOpenAIChatResponse(response) }
        case .openAIResponses:
            try exchange.readOpenAIResponsesRequest(request)
            if let response { try exchange.readOpenAIResponsesResponse(response) }
        }
        if exchange.model == nil, let response { exchange.model = try response.string("model") }

        let envelopeUsage = try readUsage(root.object("usage"))
        return Event(
            id: id,
            timestamp: timestamp,
            accountID: accountID,
            api: api,
            request: request.object,
            response: response?.object,
            organizationID: try root.string("organization_id"),
            apiKeyID: try root.string("api_key_id"),
            endUserID: try root.string("end_user_id") ?? exchange.requestEndUserID,
            client: try readClient(root.object("client")),
            account: try readAccount(root.object("account")),
            usage: envelopeUsage.filling(from: exchange.responseUsage),
            status: try root.int("status"),
            latencyMs: try root.double("latency_ms"),
            exchange: exchange
        )
    }

    static func readClient(_ reader: FieldReader?) throws -> ClientInfo {
        guard let reader else { return ClientInfo() }
        return ClientInfo(
            ip: try reader.string("ip"),
            userAgent: try reader.string("user_agent"),
            asn: try reader.int("asn"),
            asnOrg: try reader.string("asn_org"),
            country: try reader.string("country"),
            tlsFingerprint: try reader.string("tls_fingerprint"),
            httpFingerprint: try reader.string("http_fingerprint")
        )
    }

    static func readAccount(_ reader: FieldReader?) throws -> AccountInfo {
        guard let reader else { return AccountInfo() }
        var createdAt: Timestamp?
        if let text = try reader.string("created_at") {
            guard let parsed = Timestamp(rfc3339: text) else {
                throw EventRejection.invalid(reader.path(of: "created_at"), "'\(text)' is not an RFC 3339 timestamp with offset")
            }
            createdAt = parsed
        }
        return AccountInfo(
            createdAt: createdAt,
            tier: try reader.string("tier"),
            paymentFingerprint: try reader.string("payment_fingerprint"),
            emailDomain: try reader.string("email_domain"),
            verified: try reader.bool("verified"),
            declaredCountry: try reader.string("declared_country"), paymentCountry: try reader.string("payment_country")
        )
    }

    static func readUsage(_ reader: FieldReader?) throws -> Usage {
        guard let reader else { return Usage() }
        return Usage(
            inputTokens: try reader.int("input_tokens"),
            outputTokens: try reader.int("output_tokens"),
            reasoningTokens: try reader.int("reasoning_tokens")
        )
    }
}
