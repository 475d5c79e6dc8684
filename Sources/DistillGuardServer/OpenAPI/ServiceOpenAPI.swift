/// The OpenAPI 3.0 document of `distillguard serve`'s API (ingest, decisions, validation, admin, health),
/// served at `GET /openapi.json`. The suite checks the running service against it with
/// schemathesis (`OpenAPITests`); change both together.
enum ServiceOpenAPI {
    static let document = #"""
        {
          "openapi": "3.0.3",
          "info": {
            "title": "DistillGuard service",
            "version": "1",
            "description": "The always-on service (`distillguard serve`): ingest of contract events, validation, the decision API for proxies (off until a decision key is configured: 404), the admin API and health. Errors are `{\"error\": {\"code\", \"message\"}}`. docs/service.md explains each route."
          },
          "paths": {
            "/v1/events": {
              "post": {
                "summary": "Store a JSON Lines batch of contract events",
                "description": "Idempotent by event id. A response means the accepted lines are stored. 429 (analysis behind, or too many batches at once) and 503 (the store did not take the batch; nothing of it stored) come with Retry-After.",
                "security": [{"ingestKey": []}],
                "requestBody": {"required": true, "content": {"application/x-ndjson": {"schema": {"type": "string", "minLength": 1}}, "text/plain": {"schema": {"type": "string", "minLength": 1}}}},
                "responses": {
                  "200": {"description": "A result for every line", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/IngestResult"}}}},
                  "400": {"$ref": "#/components/responses/Error"},
                  "401": {"$ref": "#/components/responses/Unauthorized"},
                  "413": {"$ref": "#/components/responses/Error"},
                  "429": {"$ref": "#/components/responses/RetryLater"},
                  "503": {"$ref": "#/components/responses/RetryLater"}
                }
              }
            },
            "/v1/decide": \#(DecisionOpenAPI.pathItem),
            "/v1/events/validate": {
              "post": {
                "summary": "Check a JSON Lines batch against the events contract without storing it",
                "security": [{"ingestKey": []}],
                "requestBody": {"required": true, "content": {"application/x-ndjson": {"schema": {"type": "string", "minLength": 1}}, "text/plain": {"schema": {"type": "string", "minLength": 1}}}},
                "responses": {
                  "200": {"description": "A result for every non-blank line", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ValidationResult"}}}},
                  "400": {"$ref": "#/components/responses/Error"},
                  "401": {"$ref": "#/components/responses/Unauthorized"},
                  "413": {"$ref": "#/components/responses/Error"}
                }
              }
            },
            "/v1/verdicts": {
              "get": {
                "summary": "The latest verdicts (the verdicts contract) and the analysts' decisions",
                "security": [{"adminToken": []}],
                "responses": {
                  "200": {"description": "Verdicts", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Verdicts"}}}},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            },
            "/v1/decisions": {
              "get": {
                "summary": "Analysts' decisions, oldest first",
                "security": [{"adminToken": []}],
                "responses": {
                  "200": {"description": "Decisions", "content": {"application/json": {"schema": {"type": "object", "required": ["decisions"], "properties": {"decisions": {"type": "array", "items": {"$ref": "#/components/schemas/Decision"}}}}}}},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              },
              "post": {
                "summary": "Record an analyst's decision on an account or a cluster",
                "description": "The analyst is named by X-DistillGuard-Analyst (default `api`). A cluster must be in the latest analysis.",
                "security": [{"adminToken": []}],
                "parameters": [{"name": "X-DistillGuard-Analyst", "in": "header", "required": false, "description": "The analyst's name; its first 80 characters are kept", "schema": {"type": "string"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DecisionRequest"}}}},
                "responses": {
                  "201": {"description": "Recorded", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Decision"}}}},
                  "400": {"$ref": "#/components/responses/Error"},
                  "401": {"$ref": "#/components/responses/Unauthorized"},
                  "404": {"$ref": "#/components/responses/Error"},
                  "413": {"$ref": "#/components/responses/Error"}
                }
              }
            },
            "/v1/labels": {
              "get": {
                "summary": "Analysts' decisions as a labels file (JSON Lines, the labels contract), for `distillguard train`",
                "security": [{"adminToken": []}],
                "responses": {
                  "200": {"description": "Labels", "content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            },
            "/v1/enforcement": {
              "get": {
                "summary": "What gateways with analysis.verdicts_from enforce: verdicts with decisions applied, clusters, flagged templates",
                "description": "Accounts above benign or with a compliance assessment, and those whose score reaches min_score or one of whose signals reaches its minimum. A gateway names itself with gateway_id and is counted among the enforcement points sharing throttle limits for three of its refresh_seconds.",
                "security": [{"adminToken": []}],
                "parameters": [
                  {"name": "min_score", "in": "query", "required": false, "schema": {"type": "number", "minimum": 0, "maximum": 1}},
                  {"name": "gateway_id", "in": "query", "required": false, "description": "The reading gateway's name (analysis.gateway_id)", "schema": {"type": "string", "pattern": "^[!-~]{1,200}$"}},
                  {"name": "refresh_seconds", "in": "query", "required": false, "description": "How often the gateway reads (with gateway_id)", "schema": {"type": "number", "minimum": 1, "maximum": 3600, "default": 5}},
                  {"name": "signal", "in": "query", "required": false, "style": "form", "explode": true, "description": "NAME:MINIMUM, repeatable", "schema": {"type": "array", "items": {"type": "string", "pattern": "^(cot_elicitation_rate|rubric_grading_rate|sensitive_rewrite_rate|reasoning_request_rate|maximal_budget_rate|repeat_sampling_rate|template_concentration|template_spread|harvest_template_share|capability_concentration|output_input_ratio|timing_regularity|hour_flatness|account_youth|education_or_research_tier|unverified|network_rotation|cloud_share|new_model_pivot|shared_payment|volume|harvest_substream|partner_indicator|answer_continuation):(0(\\.[0-9]{1,6})?|1(\\.0{1,6})?)$"}}}
                ],
                "responses": {
                  "200": {"description": "The snapshot", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Enforcement"}}}},
                  "400": {"$ref": "#/components/responses/Error"},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            },
            "/v1/history": {
              "get": {
                "summary": "Verdict counts as they stood at each hour of event time, newest first",
                "security": [{"adminToken": []}],
                "parameters": [{"name": "hours", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 336}}],
                "responses": {
                  "200": {"description": "History", "content": {"application/json": {"schema": {"type": "object", "required": ["history"], "properties": {"history": {"type": "array", "items": {"$ref": "#/components/schemas/HistoryPoint"}}}}}}},
                  "400": {"$ref": "#/components/responses/Error"},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            },
            "/v1/status": {
              "get": {
                "summary": "Analysis progress, checkpoint and retention",
                "security": [{"adminToken": []}],
                "responses": {
                  "200": {"description": "Status", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            },
            "/health": {
              "get": {
                "summary": "Liveness and storage health (no credentials)",
                "security": [],
                "responses": {
                  "200": {"description": "Healthy", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}},
                  "503": {"description": "Analysis stopped or the store failing", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}
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
              "ingestKey": {"type": "http", "scheme": "bearer", "description": "An ingest key (--ingest-key-file or DISTILLGUARD_INGEST_KEY)"},
              "adminToken": {"type": "http", "scheme": "bearer", "description": "An admin token (--admin-token-file or DISTILLGUARD_ADMIN_TOKEN); the console's session cookie works too"},
              "decisionKey": {"type": "http", "scheme": "bearer", "description": "A decision key (--decision-key-file or DISTILLGUARD_DECISION_KEY)"}
            },
            "responses": {
              "Error": {"description": "An error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "Unauthorized": {
                "description": "Missing or wrong credentials",
                "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
              },
              "RetryLater": {
                "description": "Not now: retry after the given seconds",
                "headers": {"Retry-After": {"required": true, "schema": {"type": "integer", "minimum": 1}}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
              }
            },
            "schemas": {
              \#(DecisionOpenAPI.schemas),
              "Enforcement": {
                "type": "object", "required": ["built_at_ms", "events_analyzed", "enforcement_points", "accounts", "clusters", "templates"],
                "properties": {
                  "built_at_ms": {"type": "integer"}, "events_analyzed": {"type": "integer"},
                  "enforcement_points": {"type": "integer", "minimum": 1, "description": "Gateways and replicas answering /v1/decide that share throttle limits: each allows 1/N of them"},
                  "accounts": {"type": "object", "additionalProperties": {
                    "type": "object", "required": ["verdict", "score", "evidence"],
                    "properties": {
                      "verdict": {"type": "string", "enum": ["benign", "review", "attack"]}, "score": {"type": "number"},
                      "cluster_id": {"type": "string"}, "signals": {"type": "object", "additionalProperties": {"type": "number"}},
                      "evidence": {"type": "array", "items": {"type": "string"}}, "compliance": {"type": "object"}}}},
                  "clusters": {"type": "object", "additionalProperties": {
                    "type": "object", "required": ["verdict", "score"],
                    "properties": {"verdict": {"type": "string", "enum": ["benign", "review", "attack"]}, "score": {"type": "number"}}}},
                  "templates": {"type": "array", "items": {
                    "type": "object", "required": ["id", "label", "verdict", "score", "keys"],
                    "properties": {
                      "id": {"type": "integer"}, "label": {"type": "string"}, "verdict": {"type": "string", "enum": ["benign", "review", "attack"]},
                      "score": {"type": "number"}, "keys": {"type": "array", "items": {"type": "string"}}}}}
                }
              },
              "Error": {
                "type": "object", "required": ["error"],
                "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}
              },
              "LineResult": {
                "type": "object", "required": ["line", "status"],
                "properties": {
                  "line": {"type": "integer", "minimum": 1},
                  "status": {"type": "string", "enum": ["accepted", "duplicate", "rejected", "blank"]},
                  "id": {"type": "string"},
                  "code": {"type": "string", "description": "With `rejected`: the contract's rejection code"},
                  "field": {"type": "string", "description": "With `rejected`: the field at fault (empty for the whole line)"},
                  "reason": {"type": "string"}
                }
              },
              "IngestResult": {
                "type": "object", "required": ["accepted", "duplicates", "rejected", "lines"],
                "properties": {
                  "accepted": {"type": "integer", "minimum": 0}, "duplicates": {"type": "integer", "minimum": 0}, "rejected": {"type": "integer", "minimum": 0},
                  "lines": {"type": "array", "items": {"$ref": "#/components/schemas/LineResult"}}
                }
              },
              "ValidationResult": {
                "type": "object", "required": ["accepted", "rejected", "lines"],
                "properties": {
                  "accepted": {"type": "integer", "minimum": 0}, "rejected": {"type": "integer", "minimum": 0},
                  "lines": {"type": "array", "items": {"$ref": "#/components/schemas/LineResult"}}
                }
              },
              "Verdicts": {
                "type": "object", "required": ["events_analyzed", "events_rejected", "accounts_analyzed", "accounts", "clusters", "decisions"],
                "description": "The verdicts contract (docs/verdicts.md), plus `decisions`",
                "properties": {
                  "events_analyzed": {"type": "integer", "minimum": 0},
                  "events_rejected": {"type": "integer", "minimum": 0},
                  "accounts_analyzed": {"type": "integer", "minimum": 0},
                  "accounts": {"type": "array", "items": {"type": "object", "required": ["account_id", "verdict", "score"], "properties": {"account_id": {"type": "string"}, "verdict": {"$ref": "#/components/schemas/VerdictKind"}, "score": {"type": "number", "minimum": 0, "maximum": 1}}}},
                  "clusters": {"type": "array", "items": {"type": "object", "required": ["cluster_id", "verdict", "accounts"], "properties": {"cluster_id": {"type": "string"}, "verdict": {"$ref": "#/components/schemas/VerdictKind"}, "accounts": {"type": "array", "items": {"type": "string"}}}}},
                  "decisions": {"type": "array", "items": {"$ref": "#/components/schemas/Decision"}}
                }
              },
              "VerdictKind": {"type": "string", "enum": ["attack", "review", "benign"]},
              "DecisionRequest": {
                "type": "object", "required": ["subject", "subject_id", "ruling"],
                "properties": {
                  "subject": {"type": "string", "enum": ["account", "cluster"]},
                  "subject_id": {"type": "string", "minLength": 1, "maxLength": 200},
                  "ruling": {"type": "string", "enum": ["confirmed", "dismissed"]},
                  "note": {"type": "string", "maxLength": 2000}
                }
              },
              "Decision": {
                "type": "object", "required": ["subject", "subject_id", "ruling", "analyst", "note", "decided_at", "accounts"],
                "properties": {
                  "id": {"type": "integer"},
                  "subject": {"type": "string", "enum": ["account", "cluster"]},
                  "subject_id": {"type": "string"},
                  "ruling": {"type": "string", "enum": ["confirmed", "dismissed"]},
                  "analyst": {"type": "string"},
                  "note": {"type": "string"},
                  "decided_at": {"type": "string", "format": "date-time"},
                  "accounts": {"type": "array", "items": {"type": "string"}}
                }
              },
              "HistoryPoint": {
                "type": "object", "required": ["hour", "events_analyzed", "accounts", "review", "attack", "clusters"],
                "properties": {
                  "hour": {"type": "string", "format": "date-time"},
                  "events_analyzed": {"type": "integer", "minimum": 0}, "accounts": {"type": "integer", "minimum": 0},
                  "review": {"type": "integer", "minimum": 0}, "attack": {"type": "integer", "minimum": 0}, "clusters": {"type": "integer", "minimum": 0}
                }
              },
              "Status": {
                "type": "object",
                "required": ["analysis_running", "processed_sequence", "checkpoint_sequence", "checkpoint_saved_at", "backlog", "events_stored", "events_with_text", "evidence_samples", "store_error"],
                "properties": {
                  "analysis_running": {"type": "boolean"},
                  "processed_sequence": {"type": "integer", "minimum": 0},
                  "checkpoint_sequence": {"type": "integer", "minimum": 0},
                  "checkpoint_saved_at": {"type": "string", "format": "date-time", "nullable": true},
                  "backlog": {"type": "integer", "minimum": 0},
                  "events_stored": {"type": "integer", "minimum": 0},
                  "events_with_text": {"type": "integer", "minimum": 0},
                  "evidence_samples": {"type": "integer", "minimum": 0},
                  "store_error": {"type": "string", "nullable": true},
                  "analysis_role": {"type": "string", "enum": ["single", "leader", "standby"], "description": "standby: another replica holds the PostgreSQL analysis lease, and this one shows its latest checkpoint"},
                  "analysis_leader": {"type": "string", "nullable": true, "description": "the replica that holds the analysis lease (PostgreSQL only)"}
                }
              },
              "Health": {
                "type": "object", "required": ["status", "analysis_running", "store_available", "backlog", "processed_sequence"],
                "properties": {
                  "status": {"type": "string", "enum": ["ok", "degraded"]},
                  "analysis_running": {"type": "boolean"},
                  "store_available": {"type": "boolean"},
                  "backlog": {"type": "integer", "minimum": 0},
                  "processed_sequence": {"type": "integer", "minimum": 0},
                  "analysis_role": {"type": "string", "enum": ["single", "leader", "standby"]},
                  "analysis_leader": {"type": "string"},
                  "store_error": {"type": "string"}
                }
              }
            }
          }
        }
        """#
}
