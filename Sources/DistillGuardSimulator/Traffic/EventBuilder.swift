import DistillGuardCore

/// Renders a `RequestPlan` as a contract event with native request and response bodies.
struct EventBuilder {
    /// The address a request came from when it is not the account's own.
    struct Route {
        var ip: String
        var system: Network.AutonomousSystem
        /// The address's country when it is not the account's (a request from home).
        var country: String? = nil
    }

    /// Rough token count of text (about four characters a token).
    static func tokens(_ text: String) -> Int { max(1, text.utf8.count / 4) }

    /// - Parameter proxy: the address and network of a proxy the request came through, if any.
    func event(
        id: String, at time: Timestamp, account: inout SimulatedAccount, plan: RequestPlan,
        proxy: Route?
    ) -> JSONValue {
        var rng = account.rng
        defer { account.rng = rng }
        let answer = ResponseText.answer(plan.responseKind, characters: plan.responseCharacters, &rng)
        if plan.keepsConversation {
            if let endUser = plan.endUserConversation {
                account.endUserConversations[endUser]?.lastAnswer = answer
            } else {
                account.conversation?.lastAnswer = answer
            }
        }
        let thinks = plan.reasoning != .none
        let thinking = thinks ? ResponseText.thinking(characters: rng.int(300...1500), &rng) : ""
        let toolArguments = plan.respondsWithToolCall.map { _ in #"{"path":"src/\#(TextGenerator.identifier(&rng)).py"}"# }
        let promptText = (plan.system ?? "") + plan.turns.map(\.text).joined() + plan.tools.map(\.parameters).joined()
        let inputTokens = Self.tokens(promptText) + 8 * plan.turns.count
        let reasoningTokens = thinks ? Self.tokens(thinking) * rng.int(2...4) : 0
        let outputTokens = Self.tokens(answer) * plan.n + reasoningTokens + (toolArguments.map(Self.tokens) ?? 0)
        let usage = Usage(inputTokens: inputTokens, outputTokens: outputTokens, reasoningTokens: thinks ? reasoningTokens : nil)
        let client = account.clients[plan.api]!
        let request: JSONValue
        let response: JSONValue
        switch plan.api {
        case "anthropic.messages":
            request = anthropicRequest(plan)
            response = anthropicResponse(plan, answer: answer, thinking: thinking, toolArguments: toolArguments, usage: usage, &rng)
        case "openai.chat_completions":
            request = chatRequest(plan)
            response = chatResponse(plan, answer: answer, toolArguments: toolArguments, usage: usage, time: time, &rng)
        default:
            request = responsesRequest(plan)
            response = responsesResponse(
                plan, answer: answer, thinking: thinking, toolArguments: toolArguments, usage: usage, time: time, &rng)
        }
        var envelope = JSONObject()
        envelope["id"] = .string(id)
        envelope["timestamp"] = .string(time.rfc3339)
        envelope["account_id"] = .string(account.id)
        envelope["api"] = .string(plan.api)
        if let organization = account.organizationID { envelope["organization_id"] = .string(organization) }
        envelope["api_key_id"] = .string("key_\(account.id.dropFirst(5).prefix(6))")
        if let endUser = plan.endUser { envelope["end_user_id"] = .string(endUser) }
        envelope["client"] = [
            "ip": .string(proxy?.ip ?? account.fixedIP), "user_agent": .string(client.userAgent),
            "asn": .int(Int64((proxy?.system ?? account.system).number)),
            "asn_org": .string((proxy?.system ?? account.system).organization), "country": .string(proxy?.country ?? account.country),
            "tls_fingerprint": .string(client.tlsFingerprint), "http_fingerprint": .string(client.httpFingerprint),
        ]
        var accountInfo: JSONObject = [
            "created_at": .string(account.createdAt.rfc3339), "tier": .string(account.tier),
            "payment_fingerprint": .string(account.paymentFingerprint), "email_domain": .string(account.emailDomain),
            "verified": .bool(account.verified), "declared_country": .string(account.declaredCountry),
        ]
        if let payment = account.paymentCountry { accountInfo["payment_country"] = .string(payment) }
        envelope["account"] = .object(accountInfo)
        envelope["request"] = request
        envelope["response"] = response
        envelope["status"] = 200
        envelope["latency_ms"] = .int(Int64(300 + outputTokens * rng.int(8...25) / 1))
        return .object(envelope)
    }

    // MARK: Anthropic Messages

    func anthropicRequest(_ plan: RequestPlan) -> JSONValue {
        var body = JSONObject()
        body["model"] = .string(plan.model)
        body["max_tokens"] = .int(Int64(plan.maxTokens))
        if let system = plan.system { body["system"] = .string(system) }
        var messages: [JSONValue] = plan.turns.dropLast().map { ["role": .string($0.role), "content": .string($0.text)] }
        if let step = plan.priorToolStep {
            messages.append([
                "role": "assistant",
                "content": [
                    [
                        "type": "tool_use", "id": "toolu_01", "name": .string(step.name),
                        "input": (try? JSONParser.parse(step.arguments)) ?? [:],
                    ]
                ],
            ])
            messages.append([
                "role": "user", "content": [["type": "tool_result", "tool_use_id": "toolu_01", "content": .string(step.result)]],
            ])
        }
        if let last = plan.turns.last {
            if plan.priorToolStep != nil, case .object(var toolTurn)? = messages.last, case .array(var blocks)? = toolTurn["content"] {
                blocks.append(["type": "text", "text": .string(last.text)])
                toolTurn["content"] = .array(blocks)
                messages[messages.count - 1] = .object(toolTurn)
            } else {
                messages.append(["role": .string(last.role), "content": .string(last.text)])
            }
        }
        body["messages"] = .array(messages)
        if !plan.tools.isEmpty {
            body["tools"] = .array(
                plan.tools.map { tool in
                    if let builtIn = tool.builtIn {
                        return ["type": .string(builtIn), "name": "computer", "display_width_px": 1280, "display_height_px": 800]
                    }
                    return [
                        "name": .string(tool.name), "description": .string(tool.description), "input_schema": Self.schema(tool.parameters),
                    ]
                })
        }
        switch plan.reasoning {
        case .budget(let budget): body["thinking"] = ["type": "enabled", "budget_tokens": .int(Int64(min(budget, plan.maxTokens - 1)))]
        case .effort(let effort):
            body["thinking"] = ["type": "adaptive"]
            body["output_config"] = ["effort": .string(effort)]
        case .none: if let temperature = plan.temperature { body["temperature"] = .double(temperature) }
        }
        if plan.stream { body["stream"] = true }
        if let endUser = plan.endUser { body["metadata"] = ["user_id": .string(endUser)] }
        return .object(body)
    }

    func anthropicResponse(
        _ plan: RequestPlan, answer: String, thinking: String, toolArguments: String?, usage: Usage, _ rng: inout SeededRandom
    ) -> JSONValue {
        var content: [JSONValue] = []
        if plan.reasoning != .none {
            content.append(["type": "thinking", "thinking": .string(thinking), "signature": .string("Ep" + rng.hex(40))])
        }
        content.append(["type": "text", "text": .string(answer)])
        if let name = plan.respondsWithToolCall, let toolArguments {
            content.append([
                "type": "tool_use", "id": .string("toolu_" + rng.hex(20)), "name": .string(name),
                "input": (try? JSONParser.parse(toolArguments)) ?? [:],
            ])
        }
        return [
            "id": .string("msg_" + rng.hex(24)), "type": "message", "role": "assistant", "model": .string(plan.model),
            "content": .array(content), "stop_reason": plan.respondsWithToolCall == nil ? "end_turn" : "tool_use", "stop_sequence": nil,
            "usage": ["input_tokens": .int(Int64(usage.inputTokens ?? 0)), "output_tokens": .int(Int64(usage.outputTokens ?? 0))],
        ]
    }

    // MARK: OpenAI Chat Completions

    func chatRequest(_ plan: RequestPlan) -> JSONValue {
        var body = JSONObject()
        body["model"] = .string(plan.model)
        var messages: [JSONValue] = []
        if let system = plan.system {
            messages.append(["role": .string(plan.reasoning == .none ? "system" : "developer"), "content": .string(system)])
        }
        messages += plan.turns.dropLast().map { ["role": .string($0.role), "content": .string($0.text)] }
        if let step = plan.priorToolStep {
            messages.append([
                "role": "assistant", "content": nil,
                "tool_calls": [
                    ["id": "call_01", "type": "function", "function": ["name": .string(step.name), "arguments": .string(step.arguments)]]
                ],
            ])
            messages.append(["role": "tool", "tool_call_id": "call_01", "content": .string(step.result)])
        }
        if let last = plan.turns.last { messages.append(["role": .string(last.role), "content": .string(last.text)]) }
        body["messages"] = .array(messages)
        let functions = plan.tools.filter { $0.builtIn == nil }
        if !functions.isEmpty {
            body["tools"] = .array(
                functions.map {
                    [
                        "type": "function",
                        "function": [
                            "name": .string($0.name), "description": .string($0.description), "parameters": Self.schema($0.parameters),
                        ],
                    ]
                })
        }
        switch plan.reasoning {
        case .budget: body["reasoning_effort"] = "high"
        case .effort(let effort): body["reasoning_effort"] = .string(effort)
        case .none: if let temperature = plan.temperature { body["temperature"] = .double(temperature) }
        }
        if plan.maxTokens >= 32000 || plan.reasoning != .none {
            body["max_completion_tokens"] = .int(Int64(plan.maxTokens))
        } else {
            body["max_tokens"] = .int(Int64(plan.maxTokens))
        }
        if plan.n > 1 { body["n"] = .int(Int64(plan.n)) }
        if plan.stream { body["stream"] = true }
        if let endUser = plan.endUser { body["safety_identifier"] = .string(endUser) }
        return .object(body)
    }

    func chatResponse(
        _ plan: RequestPlan, answer: String, toolArguments: String?, usage: Usage, time: Timestamp, _ rng: inout SeededRandom
    ) -> JSONValue {
        var message: JSONObject = ["role": "assistant", "content": .string(answer), "refusal": nil]
        if let name = plan.respondsWithToolCall, let toolArguments {
            message["tool_calls"] = [
                [
                    "id": .string("call_" + rng.hex(24)), "type": "function",
                    "function": ["name": .string(name), "arguments": .string(toolArguments)],
                ]
            ]
        }
        var usageBody: JSONObject = [
            "prompt_tokens": .int(Int64(usage.inputTokens ?? 0)), "completion_tokens": .int(Int64(usage.outputTokens ?? 0)),
            "total_tokens": .int(Int64((usage.inputTokens ?? 0) + (usage.outputTokens ?? 0))),
        ]
        if let reasoning = usage.reasoningTokens { usageBody["completion_tokens_details"] = ["reasoning_tokens": .int(Int64(reasoning))] }
        return [
            "id": .string("chatcmpl-" + rng.hex(29)), "object": "chat.completion", "created": .int(time.milliseconds / 1000),
            "model": .string(plan.model),
            "choices": .array(
                (0..<plan.n).map { index in
                    [
                        "index": .int(Int64(index)), "message": .object(message),
                        "finish_reason": plan.respondsWithToolCall == nil ? "stop" : "tool_calls",
                    ]
                }),
            "usage": .object(usageBody),
        ]
    }

    // MARK: OpenAI Responses

    func responsesRequest(_ plan: RequestPlan) -> JSONValue {
        var body = JSONObject()
        body["model"] = .string(plan.model)
        if let system = plan.system { body["instructions"] = .string(system) }
        if plan.turns.count == 1, plan.priorToolStep == nil {
            body["input"] = .string(plan.turns[0].text)
        } else {
            var items: [JSONValue] = plan.turns.dropLast().map { turn in
                let partType = turn.role == "assistant" ? "output_text" : "input_text"
                return ["role": .string(turn.role), "content": [["type": .string(partType), "text": .string(turn.text)]]]
            }
            if let step = plan.priorToolStep {
                items.append([
                    "type": "function_call", "call_id": "call_01", "name": .string(step.name), "arguments": .string(step.arguments),
                ])
                items.append(["type": "function_call_output", "call_id": "call_01", "output": .string(step.result)])
            }
            if let last = plan.turns.last { items.append(["role": .string(last.role), "content": .string(last.text)]) }
            body["input"] = .array(items)
        }
        if !plan.tools.isEmpty {
            body["tools"] = .array(
                plan.tools.map { tool in
                    if tool.builtIn != nil {
                        return ["type": "computer_use_preview", "display_width": 1280, "display_height": 800, "environment": "browser"]
                    }
                    return [
                        "type": "function", "name": .string(tool.name), "description": .string(tool.description),
                        "parameters": Self.schema(tool.parameters),
                    ]
                })
        }
        switch plan.reasoning {
        case .budget: body["reasoning"] = ["effort": "high", "summary": "detailed"]
        case .effort(let effort): body["reasoning"] = ["effort": .string(effort), "summary": "auto"]
        case .none: if let temperature = plan.temperature { body["temperature"] = .double(temperature) }
        }
        body["max_output_tokens"] = .int(Int64(plan.maxTokens))
        if plan.stream { body["stream"] = true }
        if let endUser = plan.endUser { body["safety_identifier"] = .string(endUser) }
        return .object(body)
    }

    func responsesResponse(
        _ plan: RequestPlan, answer: String, thinking: String, toolArguments: String?, usage: Usage, time: Timestamp,
        _ rng: inout SeededRandom
    ) -> JSONValue {
        var output: [JSONValue] = []
        if plan.reasoning != .none {
            output.append([
                "type": "reasoning", "id": .string("rs_" + rng.hex(32)), "summary": [["type": "summary_text", "text": .string(thinking)]],
            ])
        }
        if let name = plan.respondsWithToolCall, let toolArguments {
            output.append([
                "type": "function_call", "id": .string("fc_" + rng.hex(32)), "call_id": .string("call_" + rng.hex(24)),
                "name": .string(name),
                "arguments": .string(toolArguments), "status": "completed",
            ])
        }
        output.append([
            "type": "message", "id": .string("msg_" + rng.hex(32)), "status": "completed", "role": "assistant",
            "content": [["type": "output_text", "text": .string(answer), "annotations": []]],
        ])
        var usageBody: JSONObject = [
            "input_tokens": .int(Int64(usage.inputTokens ?? 0)), "output_tokens": .int(Int64(usage.outputTokens ?? 0)),
            "total_tokens": .int(Int64((usage.inputTokens ?? 0) + (usage.outputTokens ?? 0))),
        ]
        usageBody["output_tokens_details"] = ["reasoning_tokens": .int(Int64(usage.reasoningTokens ?? 0))]
        return [
            "id": .string("resp_" + rng.hex(32)), "object": "response", "created_at": .int(time.milliseconds / 1000), "status": "completed",
            "model": .string(plan.model), "error": nil, "output": .array(output), "usage": .object(usageBody),
        ]
    }

    static func schema(_ text: String) -> JSONValue {
        (try? JSONParser.parse(text)) ?? ["type": "object"]
    }
}
