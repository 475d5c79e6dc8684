import DistillGuardCore

/// Hand-written event lines, one per API shape and variant the contract covers.
///
/// Each is a single JSON Lines record as a provider gateway would log it.
public enum EventFixtures {
    public static let anthropicThinking = #"""
        {"id":"ex_000001","timestamp":"2026-02-01T12:00:00Z","account_id":"acct_7f3a","api":"anthropic.messages","client":{"ip":"203.0.113.7","user_agent":"anthropic-python/0.49.0","asn":64500,"asn_org":"Example Cloud","country":"SG","tls_fingerprint":"t13d1516h2_8daaf6152771_02713d6af862","http_fingerprint":"h2:1:65536"},"account":{"created_at":"2026-01-28T09:12:00Z","tier":"education","payment_fingerprint":"pm_91c2","email_domain":"mail.example.edu","verified":false,"declared_country":"US"},"request":{"model":"claude-sonnet-4-5","max_tokens":8192,"system":"You are an expert data analyst.","thinking":{"type":"enabled","budget_tokens":6000},"temperature":1,"metadata":{"user_id":"u-42"},"messages":[{"role":"user","content":"Think step by step and show all of your reasoning: what is 17 * 23?"}]},"response":{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"thinking","thinking":"17*23 = 391","signature":"sig"},{"type":"text","text":"The answer is 391."}],"stop_reason":"end_turn","usage":{"input_tokens":412,"output_tokens":3310}},"status":200,"latency_ms":5120.5}
        """#

    /// System as blocks; content blocks of every kind; adaptive thinking with `output_config.effort`; tools.
    public static let anthropicBlocks = #"""
        {"id":"ex_a2","timestamp":"2026-02-01T12:00:00.250+08:00","account_id":"acct_b","api":"anthropic.messages","request":{"model":"claude-opus-4-5","max_tokens":64000,"system":[{"type":"text","text":"You are a coding agent."},{"type":"text","text":"Use the tools.","cache_control":{"type":"ephemeral"}}],"thinking":{"type":"adaptive"},"output_config":{"effort":"high"},"tools":[{"name":"run_tests","description":"Run the test suite","input_schema":{"type":"object","properties":{}}},{"type":"computer_20250124","name":"computer","display_width_px":1024,"display_height_px":768}],"messages":[{"role":"user","content":[{"type":"text","text":"Look at this screenshot"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},{"type":"document","source":{"type":"text","media_type":"text/plain","data":"spec"}}]},{"role":"assistant","content":[{"type":"thinking","thinking":"I should run the tests.","signature":"s"},{"type":"text","text":"Running tests."},{"type":"tool_use","id":"toolu_1","name":"run_tests","input":{"path":"tests/"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"2 failed"}],"is_error":true},{"type":"text","text":"Fix them."}]}],"stream":true,"an_unknown_field":{"x":1}},"response":{"id":"msg_02","type":"message","role":"assistant","model":"claude-opus-4-5","content":[{"type":"redacted_thinking","data":"abc"},{"type":"text","text":"Fixed."},{"type":"tool_use","id":"toolu_2","name":"run_tests","input":{}}],"stop_reason":"tool_use","usage":{"input_tokens":100,"output_tokens":50}}}
        """#

    public static let anthropicError = #"""
        {"id":"ex_a3","timestamp":"2026-02-01T12:00:02Z","account_id":"acct_b","api":"anthropic.messages","request":{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"hi"}]},"response":{"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded your rate limit"}},"status":429}
        """#

    /// The contract's Chat Completions example: tools, `n`, `reasoning_effort`, usage in the envelope.
    public static let openAIChat = #"""
        {"id":"ex_000002","timestamp":"2026-02-01T12:00:01Z","account_id":"acct_19bd","api":"openai.chat_completions","request":{"model":"gpt-5","messages":[{"role":"system","content":"You are a coding agent."},{"role":"user","content":"Fix the failing test in ..."}],"tools":[{"type":"function","function":{"name":"run_tests","description":"Run the test suite","parameters":{"type":"object","properties":{}}}}],"reasoning_effort":"high","n":4},"usage":{"input_tokens":900,"output_tokens":2100,"reasoning_tokens":1500}}
        """#

    /// Developer role, content parts (text, image_url, input_audio), tool calls and tool results,
    /// `max_completion_tokens`, `user`, and a response with several choices and reasoning usage.
    public static let openAIChatParts = #"""
        {"id":"ex_c2","timestamp":"2026-02-01T12:00:03Z","account_id":"acct_c","api":"openai.chat_completions","end_user_id":"env-user","request":{"model":"o3","max_tokens":100,"max_completion_tokens":32768,"temperature":0.7,"top_p":0.9,"n":2,"user":"end-user-9","messages":[{"role":"developer","content":"Answer briefly."},{"role":"user","content":[{"type":"text","text":"What is in this image?"},{"type":"image_url","image_url":{"url":"https://example.com/a.png"}},{"type":"input_audio","input_audio":{"data":"AAA=","format":"wav"}}]},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\"q\":\"cat\"}"}}]},{"role":"tool","tool_call_id":"call_1","content":"a cat"}]},"response":{"id":"chatcmpl-1","object":"chat.completion","model":"o3-2025-04-16","choices":[{"index":0,"message":{"role":"assistant","content":"A cat."},"finish_reason":"stop"},{"index":1,"message":{"role":"assistant","content":"A small cat."},"finish_reason":"stop"}],"usage":{"prompt_tokens":50,"completion_tokens":400,"completion_tokens_details":{"reasoning_tokens":320}}}}
        """#

    public static let openAIChatError = #"""
        {"id":"ex_c3","timestamp":"2026-02-01T12:00:04Z","account_id":"acct_c","api":"openai.chat_completions","request":{"model":"gpt-5","messages":[{"role":"user","content":"hi"}]},"response":{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}},"status":429}
        """#

    /// Responses with `instructions`, `input` as a string, `reasoning.effort`, `max_output_tokens`.
    public static let openAIResponsesString = #"""
        {"id":"ex_r1","timestamp":"2026-02-01T12:00:05Z","account_id":"acct_r","api":"openai.responses","request":{"model":"gpt-5","instructions":"You are a careful mathematician.","input":"Prove that there are infinitely many primes.","reasoning":{"effort":"high","summary":"detailed"},"max_output_tokens":100000,"safety_identifier":"sid-1"},"response":{"id":"resp_1","object":"response","status":"completed","model":"gpt-5-2025-08-07","error":null,"output":[{"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"Euclid's argument."}]},{"type":"message","id":"msg_1","role":"assistant","content":[{"type":"output_text","text":"Assume finitely many primes...","annotations":[]}]}],"usage":{"input_tokens":30,"output_tokens":900,"output_tokens_details":{"reasoning_tokens":600}}}}
        """#

    /// Responses with `input` as items: messages with parts, function calls and outputs; tools.
    public static let openAIResponsesItems = #"""
        {"id":"ex_r2","timestamp":"2026-02-01T12:00:06Z","account_id":"acct_r","api":"openai.responses","request":{"model":"gpt-5","input":[{"role":"developer","content":"Be terse."},{"type":"message","role":"user","content":[{"type":"input_text","text":"Weather in Paris?"},{"type":"input_image","image_url":"https://example.com/p.jpg"}]},{"type":"function_call","call_id":"fc_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}"},{"type":"function_call_output","call_id":"fc_1","output":"18C"}],"tools":[{"type":"function","name":"get_weather","description":"Weather by city","parameters":{"type":"object"}},{"type":"computer_use_preview","display_width":1024,"display_height":768,"environment":"browser"}],"stream":true},"response":{"id":"resp_2","object":"response","status":"completed","model":"gpt-5","output":[{"type":"function_call","call_id":"fc_2","name":"get_weather","arguments":"{\"city\":\"Lyon\"}"},{"type":"message","role":"assistant","content":[{"type":"output_text","text":"18C in Paris."}]}],"usage":{"input_tokens":80,"output_tokens":20}}}
        """#

    public static let openAIResponsesError = #"""
        {"id":"ex_r3","timestamp":"2026-02-01T12:00:07Z","account_id":"acct_r","api":"openai.responses","request":{"model":"gpt-5","input":"hi"},"response":{"error":{"message":"Invalid model","type":"invalid_request_error","code":"model_not_found"}},"status":404}
        """#

    /// Every fixture above, in a valid log order.
    public static let all: [String] = [
        anthropicThinking, anthropicBlocks, anthropicError, openAIChat, openAIChatParts, openAIChatError,
        openAIResponsesString, openAIResponsesItems, openAIResponsesError,
    ]

    /// A minimal valid event with the given id, account and time.
    public static func minimal(
        id: String, account: String = "acct_1", timestamp: String = "2026-02-01T00:00:00Z", prompt: String = "hello"
    )
        -> String
    {
        let body: JSONValue = [
            "id": .string(id), "timestamp": .string(timestamp), "account_id": .string(account), "api": "anthropic.messages",
            "request": ["model": "claude-sonnet-4-5", "max_tokens": 100, "messages": [["role": "user", "content": .string(prompt)]]],
        ]
        return body.description
    }
}
