/// The decision API's part of the gateway's and the service's OpenAPI documents: both answer
/// `POST /v1/decide` alike (`DecisionEndpoint`). Each document refers to `Event` and
/// `PolicyDecision` in its `components.schemas`, the error responses in `components.responses`,
/// and a bearer `decisionKey` security scheme.
enum DecisionOpenAPI {
    /// The `/v1/decide` path item.
    static let pathItem = #"""
        {
          "post": {
            "summary": "The policy's action for one event of the events contract",
            "description": "The event's `response` may be left out when deciding before the call. With `record=true` the event is also queued for analysis (send it once, with its response, after the exchange).",
            "security": [{"decisionKey": []}],
            "parameters": [{"name": "record", "in": "query", "required": false, "schema": {"type": "string", "enum": ["true", "false"]}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Event"}}}},
            "responses": {
              "200": {"description": "The decision", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PolicyDecision"}}}},
              "400": {"description": "Not an event of the contract: the contract's rejection", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "401": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "413": {"$ref": "#/components/responses/Error"}
            }
          }
        }
        """#

    /// The `Event` and `PolicyDecision` schemas, as members of `components.schemas`.
    static let schemas = #"""
        "Event": {
          "type": "object", "required": ["id", "timestamp", "account_id", "api", "request"],
          "description": "One event of the events contract (docs/event-format.md); more fields are allowed",
          "properties": {
            "id": {"type": "string", "minLength": 1},
            "timestamp": {"type": "string", "format": "date-time"},
            "account_id": {"type": "string", "minLength": 1},
            "api": {"type": "string", "enum": ["anthropic.messages", "openai.chat_completions", "openai.responses"]},
            "request": {"type": "object"},
            "response": {"type": "object", "nullable": true, "description": "null or absent: the call has not been made yet"}
          }
        },
        "PolicyDecision": {
          "type": "object", "required": ["action", "reason", "rule", "reasons", "recorded"],
          "properties": {
            "action": {"type": "string", "enum": ["allow", "watermark", "throttle", "degrade", "require_verification", "block"]},
            "reason": {"type": "string"},
            "rule": {"type": "string", "nullable": true},
            "reasons": {"type": "array", "items": {"type": "string"}},
            "recorded": {"type": "boolean"},
            "retry_after_seconds": {"type": "integer", "minimum": 1},
            "degrade": {"type": "object", "properties": {"strip_reasoning": {"type": "boolean"}, "max_output_tokens": {"type": "integer", "nullable": true}}},
            "verification_url": {"type": "string"},
            "status": {"type": "integer", "description": "With a refusal: the status to give the client"},
            "error_body": {"type": "object", "description": "With a refusal: the body to give the client, in the API's shape"}
          }
        }
        """#
}
