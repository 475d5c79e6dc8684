/// The OpenAPI 3.0 document of the gateway's own API (the decision API for other proxies, health),
/// served at `GET /openapi.json`. The model API routes follow the providers' own specifications
/// and are not in it. The suite checks a running gateway against it with schemathesis
/// (`OpenAPITests`); change both together.
enum GatewayOpenAPI {
    static let document = #"""
        {
          "openapi": "3.0.3",
          "info": {
            "title": "DistillGuard gateway: decision API",
            "version": "1",
            "description": "What `distillguard gateway` answers besides the model APIs: decisions for proxies that do not route through it (docs/gateway.md, docs/integrations.md), health. The decision API is off until `decision_api_key` is set (404). Errors are `{\"error\": {\"code\", \"message\", \"field\"?}}`."
          },
          "paths": {
            "/v1/decide": \#(DecisionOpenAPI.pathItem),
            "/v1/authorize": {
              "get": {
                "summary": "Account-level decision from the headers of a client's call (nginx auth_request)",
                "description": "The client's own key (Authorization or x-api-key) identifies the account. Every refusal is a 403 carrying the status the client should get, because nginx passes only 2xx, 401 and 403 on from an auth subrequest. GET only: nginx keeps the client's method for the subrequest unless told `proxy_method GET`, as the shipped configuration does.",
                "security": [{"decisionKeyHeader": []}],
                "parameters": [
                  {"name": "X-Original-URI", "in": "header", "required": false, "description": "The client's request path; a path that is not a model call is allowed", "schema": {"type": "string"}},
                  {"name": "Authorization", "in": "header", "required": false, "description": "The client's key, as sent to the API", "schema": {"type": "string"}},
                  {"name": "x-api-key", "in": "header", "required": false, "description": "The client's key (Anthropic)", "schema": {"type": "string"}}
                ],
                "responses": {
                  "204": {
                    "description": "Allowed (also `watermark` and `degrade`, which a proxy without the body cannot apply)",
                    "headers": {"X-DistillGuard-Action": {"required": true, "schema": {"type": "string"}}, "X-DistillGuard-Account": {"schema": {"type": "string"}}}
                  },
                  "403": {
                    "description": "Refused: the status, the API-shaped error body and Retry-After to give the client",
                    "headers": {
                      "X-DistillGuard-Status": {"required": true, "schema": {"type": "integer", "enum": [401, 403, 429, 503]}},
                      "X-DistillGuard-Error": {"required": true, "description": "The error body in the API's shape, one line of JSON", "schema": {"type": "string"}},
                      "X-DistillGuard-Reason": {"required": true, "schema": {"type": "string"}},
                      "X-DistillGuard-Action": {"required": true, "schema": {"type": "string"}},
                      "Retry-After": {"description": "With 429 and 503", "schema": {"type": "integer", "minimum": 1}}
                    },
                    "content": {"application/json": {"schema": {"type": "object"}}}
                  },
                  "401": {"$ref": "#/components/responses/Error"},
                  "404": {"$ref": "#/components/responses/Error"}
                }
              }
            },
            "/v1/mirror": {
              "post": {
                "summary": "A copy of a client's request body, queued for analysis without its response (nginx mirror)",
                "description": "Whatever nginx mirrors is answered 2xx (nginx ignores the answer): what cannot be analysed, an empty body included, is 200 with `recorded: false` and the reason.",
                "security": [{"decisionKeyHeader": []}],
                "parameters": [
                  {"name": "X-Original-URI", "in": "header", "required": false, "description": "The client's request path", "schema": {"type": "string"}},
                  {"name": "Authorization", "in": "header", "required": false, "description": "The client's key, as sent to the API", "schema": {"type": "string"}},
                  {"name": "x-api-key", "in": "header", "required": false, "description": "The client's key (Anthropic)", "schema": {"type": "string"}}
                ],
                "requestBody": {"required": false, "content": {"application/json": {"schema": {"description": "The client's request body as sent; anything but a JSON object is answered `recorded: false`"}}}},
                "responses": {
                  "202": {"description": "Queued for analysis", "content": {"application/json": {"schema": {"type": "object", "required": ["recorded", "id", "account_id"], "properties": {"recorded": {"type": "boolean", "enum": [true]}, "id": {"type": "string"}, "account_id": {"type": "string"}}}}}},
                  "200": {"description": "Not analysed, and why", "content": {"application/json": {"schema": {"type": "object", "required": ["recorded", "reason", "message"], "properties": {"recorded": {"type": "boolean", "enum": [false]}, "reason": {"type": "string", "enum": ["not_a_model_call", "unidentified", "invalid_json"]}, "message": {"type": "string"}}}}}},
                  "401": {"$ref": "#/components/responses/Error"},
                  "404": {"$ref": "#/components/responses/Error"},
                  "413": {"$ref": "#/components/responses/Error"}
                }
              }
            },
            "/health": {
              "get": {
                "summary": "Analysis and storage health (no credentials)",
                "security": [],
                "responses": {
                  "200": {"description": "Healthy", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}},
                  "503": {"description": "Analysis or storage behind", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}
                }
              }
            },
            "/openapi.json": {
              "get": {
                "summary": "This document",
                "security": [],
                "responses": {"200": {"description": "OpenAPI 3.0", "content": {"application/json": {"schema": {"type": "object"}}}}}
              }
            }
          },
          "components": {
            "securitySchemes": {
              "decisionKey": {"type": "http", "scheme": "bearer", "description": "The gateway's decision_api_key"},
              "decisionKeyHeader": {"type": "apiKey", "in": "header", "name": "X-DistillGuard-Key", "description": "The gateway's decision_api_key (Authorization carries the client's own key here)"}
            },
            "responses": {
              "Error": {"description": "An error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            },
            "schemas": {
              "Error": {
                "type": "object", "required": ["error"],
                "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "field": {"type": "string"}}}}
              },
              \#(DecisionOpenAPI.schemas),
              "Health": {
                "type": "object", "required": ["status", "failure_mode", "analysis"],
                "properties": {
                  "status": {"type": "string", "enum": ["ok", "degraded"]},
                  "failure_mode": {"type": "string", "enum": ["open", "closed"]},
                  "analysis": {
                    "type": "object",
                    "required": ["running", "store_available", "unstored", "queued", "dropped", "analyzed", "snapshot_age_seconds"],
                    "properties": {
                      "running": {"type": "boolean"}, "store_available": {"type": "boolean"},
                      "unstored": {"type": "integer", "minimum": 0}, "queued": {"type": "integer", "minimum": 0},
                      "dropped": {"type": "integer", "minimum": 0}, "analyzed": {"type": "integer", "minimum": 0},
                      "snapshot_age_seconds": {"type": "number", "minimum": 0}
                    }
                  }
                }
              }
            }
          }
        }
        """#
}
