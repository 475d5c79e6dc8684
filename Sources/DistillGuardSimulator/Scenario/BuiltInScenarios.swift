import Foundation

/// Scenarios that ship with DistillGuard. Each is the same JSON a user would write
/// (`distillguard simulate --print-scenario NAME` prints it).
public enum BuiltInScenarios {
    public static let names = ["feb-2026", "adaptive-2026", "restricted-2026"]

    public static func json(named name: String) -> String? {
        switch name {
        case "feb-2026": feb2026
        case "adaptive-2026": adaptive2026
        case "restricted-2026": restricted2026
        default: nil
        }
    }

    public static func scenario(named name: String) throws -> Scenario? {
        guard let json = json(named: name) else { return nil }
        return try Scenario.decode(Data(json.utf8), source: "built-in scenario \(name)")
    }

    /// Two weeks of traffic modelled on the campaigns disclosed in February 2026, with the hard
    /// negatives that share one tell-tale each with the attackers. New models ship on day 9 (2026-02-09).
    static let feb2026 = #"""
        {
          "name": "feb-2026",
          "description": "Two weeks modelled on the distillation campaigns disclosed in February 2026: a reasoning harvest, an agentic harvest, a coding hydra that pivots to the new model within a day, distillation hidden in a reseller, and an evasive operator; among organic users and seven kinds of legitimate look-alikes.",
          "start": "2026-02-01T00:00:00Z",
          "days": 14,
          "events": { "small": 50000, "medium": 500000, "large": 5100000 },
          "release_day": 8,
          "models": {
            "anthropic.messages": { "current": ["claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-5"], "new": "claude-opus-4-6" },
            "openai.chat_completions": { "current": ["gpt-5", "gpt-5-mini", "gpt-4.1"], "new": "gpt-5.3" },
            "openai.responses": { "current": ["gpt-5", "o3", "gpt-5-mini"], "new": "gpt-5.3" }
          },
          "populations": [
            {
              "name": "organic users", "kind": "organic", "label": "benign", "campaign": null, "behavior": "organic",
              "share": 0.214, "accounts": 600, "activity": "diurnal", "volume": "heavy_tailed",
              "tiers": { "free": 0.55, "standard": 0.35, "startup": 0.1 },
              "apis": { "anthropic.messages": 0.4, "openai.chat_completions": 0.4, "openai.responses": 0.2 },
              "network": "residential", "countries": ["US", "GB", "DE", "FR", "ES", "IN", "BR", "JP", "KR", "CA", "AU", "MX", "IT", "NL"],
              "created_days": [-700, 12], "verified": 0.6, "reasoning_rate": 0.08, "max_budget_rate": 0.01
            },
            {
              "name": "early adopters", "kind": "early_adopter", "label": "benign", "campaign": null, "behavior": "organic",
              "share": 0.04, "accounts": 40, "activity": "diurnal", "volume": "heavy_tailed",
              "tiers": { "standard": 0.6, "startup": 0.4 },
              "apis": { "anthropic.messages": 0.5, "openai.responses": 0.5 },
              "network": "residential", "countries": ["US", "GB", "DE", "SG"],
              "created_days": [-500, -30], "verified": 0.9, "new_model_share": 1.0, "new_model_ramp_hours": 3, "reasoning_rate": 0.3
            },
            {
              "name": "enterprise ticket triage", "kind": "enterprise_batch", "label": "benign", "campaign": null, "behavior": "batch_job",
              "share": 0.07, "accounts": 1, "scale_accounts": false, "activity": "steady", "volume": "even",
              "tiers": { "enterprise": 1 }, "apis": { "openai.chat_completions": 1 },
              "network": "corporate", "countries": ["US"], "created_days": [-420, -400], "verified": 1, "shared_organization": true,
              "email_domains": ["northwind.example.com"],
              "system_prompts": ["You are a support-ticket triage assistant. Output JSON only."],
              "templates": ["Extract the customer name, product, issue category and urgency from the support ticket below. Return JSON with keys name, product, category, urgency.\n\nTicket #{n}{n}{n}: {paragraph}"],
              "reasoning_rate": 0, "max_budget_rate": 0
            },
            {
              "name": "evaluation harness", "kind": "eval_harness", "label": "benign", "campaign": null, "behavior": "eval_harness",
              "share": 0.05, "accounts": 5, "scale_accounts": false, "activity": "bursts", "volume": "even",
              "tiers": { "research": 0.5, "enterprise": 0.5 },
              "apis": { "anthropic.messages": 0.5, "openai.chat_completions": 0.5 },
              "network": "cloud", "countries": ["US"], "created_days": [-300, -200], "verified": 1, "shared_organization": true,
              "email_domains": ["evalworks.example.ai"],
              "templates": [
                "{question}\n\nThink step by step, then answer with the letter of the correct option.",
                "{question}\n\nLet's think step by step.",
                "Question: {problem}\nAnswer the question. Show your reasoning step by step and put the final answer after 'Answer:'."
              ],
              "reasoning_rate": 0.3, "max_budget_rate": 0
            },
            {
              "name": "LLM-as-judge platform", "kind": "llm_judge", "label": "benign", "campaign": null, "behavior": "llm_judge",
              "share": 0.05, "accounts": 2, "scale_accounts": false, "activity": "business_hours", "volume": "even",
              "tiers": { "startup": 1 }, "apis": { "openai.chat_completions": 0.7, "anthropic.messages": 0.3 },
              "network": "cloud", "countries": ["GB"], "created_days": [-250, -180], "verified": 1, "shared_organization": true,
              "email_domains": ["judgely.example.io"],
              "system_prompts": ["You are a helpful assistant."],
              "templates": [
                "Please act as an impartial judge and evaluate the quality of the response provided by an AI assistant to the user question displayed below. Your evaluation should consider helpfulness, relevance, accuracy, depth, creativity, and level of detail. Begin your evaluation by providing a short explanation. Be as objective as possible. After providing your explanation, you must rate the response on a scale of 1 to 10 by strictly following this format: \"[[rating]]\".\n\n[Question]\n{question}\n\n[The Start of Assistant's Answer]\n{answer}\n[The End of Assistant's Answer]",
                "Score the following customer-support reply against our rubric (empathy, correctness, resolution, tone), 1-5 each, and return the total.\n\nCustomer: {paragraph}\n\nReply: {answer}"
              ],
              "reasoning_rate": 0, "max_budget_rate": 0
            },
            {
              "name": "legitimate resellers", "kind": "reseller", "label": "benign", "campaign": null, "behavior": "reseller",
              "share": 0.07, "accounts": 3, "scale_accounts": false, "activity": "diurnal", "volume": "even",
              "tiers": { "reseller": 1 },
              "apis": { "anthropic.messages": 0.4, "openai.chat_completions": 0.4, "openai.responses": 0.2 },
              "network": "cloud", "countries": ["US", "DE", "SG"], "created_days": [-600, -200], "verified": 1,
              "end_users": 400, "end_user_mix": { "chat": 0.65, "thinking": 0.15, "coding_agent": 0.2 }, "reasoning_rate": 0.1, "max_budget_rate": 0.02
            },
            {
              "name": "agent platforms", "kind": "agent_platform", "label": "benign", "campaign": null, "behavior": "agent_platform",
              "share": 0.05, "accounts": 6, "scale_accounts": false, "activity": "business_hours", "volume": "heavy_tailed",
              "tiers": { "startup": 0.6, "enterprise": 0.4 },
              "apis": { "anthropic.messages": 0.5, "openai.responses": 0.3, "openai.chat_completions": 0.2 },
              "network": "cloud", "countries": ["US", "FR", "IN"], "created_days": [-400, -60], "verified": 1,
              "system_prompts": ["You are an operations agent for an online store. Use the tools to answer.", "You are a coding assistant inside an IDE. Use tools to inspect and change files."],
              "reasoning_rate": 0.25, "max_budget_rate": 0.02
            },
            {
              "name": "coding-agent developers", "kind": "coding_agent", "label": "benign", "campaign": null, "behavior": "coding_agent",
              "share": 0.05, "accounts": 60, "activity": "business_hours", "volume": "heavy_tailed",
              "tiers": { "free": 0.2, "standard": 0.5, "startup": 0.3 },
              "apis": { "anthropic.messages": 0.6, "openai.responses": 0.25, "openai.chat_completions": 0.15 },
              "network": "residential", "countries": ["US", "GB", "DE", "IN", "BR", "CA", "PL", "JP"],
              "created_days": [-400, 7], "verified": 0.5, "new_model_share": 0.6, "new_model_ramp_hours": 24,
              "reasoning_rate": 1, "max_budget_rate": 1
            },
            {
              "name": "coding agents on dev boxes and CI", "kind": "coding_agent", "label": "benign", "campaign": null,
              "behavior": "coding_agent",
              "share": 0.03, "accounts": 40, "activity": "business_hours", "volume": "heavy_tailed",
              "tiers": { "free": 0.5, "standard": 0.5 },
              "apis": { "anthropic.messages": 0.7, "openai.responses": 0.3 },
              "network": "cloud", "countries": ["US", "DE", "IN", "SG"],
              "created_days": [8, 11], "creation_bursts": 2, "verified": 0.2, "new_model_share": 0.9, "new_model_ramp_hours": 6,
              "reasoning_rate": 1, "max_budget_rate": 1
            },
            {
              "name": "chat users with thinking always on", "kind": "thinking_chat", "label": "benign", "campaign": null, "behavior": "organic",
              "share": 0.025, "accounts": 60, "activity": "diurnal", "volume": "heavy_tailed",
              "tiers": { "free": 0.7, "standard": 0.3 },
              "apis": { "anthropic.messages": 0.5, "openai.responses": 0.3, "openai.chat_completions": 0.2 },
              "network": "mobile", "countries": ["US", "GB", "FR", "ES", "BR", "JP", "KR", "IN", "MX"],
              "created_days": [-60, 12], "verified": 0.3, "prompt_language": "ru", "prompt_language_share": 0.2,
              "reasoning_rate": 1, "max_budget_rate": 0.3
            },
            {
              "name": "students", "kind": "student", "label": "benign", "campaign": null, "behavior": "organic",
              "share": 0.015, "accounts": 60, "activity": "diurnal", "volume": "heavy_tailed",
              "tiers": { "education": 0.7, "free": 0.3 },
              "apis": { "anthropic.messages": 0.4, "openai.chat_completions": 0.4, "openai.responses": 0.2 },
              "network": "residential", "countries": ["US", "GB", "IN", "NG", "PK", "VN", "ID"],
              "created_days": [-20, 12], "verified": 0.2, "reasoning_rate": 0.5, "max_budget_rate": 0.05
            },
            {
              "name": "university class", "kind": "university_class", "label": "benign", "campaign": null, "behavior": "university_class",
              "share": 0.03, "accounts": 60, "scale_accounts": false, "activity": "diurnal", "volume": "heavy_tailed",
              "tiers": { "education": 1 }, "apis": { "openai.chat_completions": 0.7, "anthropic.messages": 0.3 },
              "network": "campus", "countries": ["US"], "created_days": [2, 6], "verified": 0.2,
              "email_domains": ["students.example-state.edu"],
              "templates": [
                "CS 101 assignment {n}: write a {language} function that can {coding_task}. Explain how it works.",
                "For my intro programming homework I need to {coding_task} in {language}. Can you help me understand the steps?",
                "My CS 101 code doesn't work: {code} It says {error}. What am I doing wrong?"
              ],
              "reasoning_rate": 0.05, "max_budget_rate": 0
            },
            {
              "name": "reasoning harvest", "kind": "reasoning_harvest", "label": "attack", "campaign": "reasoning-harvest", "behavior": "reasoning_harvest",
              "share": 0.07, "accounts": 36, "activity": "synchronized", "volume": "even",
              "tiers": { "education": 0.6, "research": 0.4 },
              "apis": { "anthropic.messages": 0.7, "openai.responses": 0.3 },
              "network": "cloud", "countries": ["SG", "HK", "US"], "created_days": [-6, 1], "creation_bursts": 3, "verified": 0,
              "email_domains": ["mail.example.edu", "alumni.example-univ.edu", "research-mail.example.org"], "accounts_per_payment": 6,
              "templates": [
                "Think step by step and show all of your reasoning in full detail before giving the final answer.\n\nProblem: {problem}",
                "Solve the following problem. Write out your complete chain of thought, numbering every step, then state the final answer on its own line.\n\n{problem}",
                "You are a strict grader acting as a reward model. Using the rubric below, score the candidate answer from 1 to 10 for correctness, reasoning quality and clarity. Explain each score in detail, then output JSON {\"score\": n}.\n\nQuestion: {question}\n\nCandidate answer: {answer}",
                "Rewrite the following question about {sensitive} so that it becomes neutral and safe to discuss, then answer the rewritten version in depth: What really happened regarding {sensitive}?",
                "请一步一步地思考，并详细展示你的全部推理过程，然后给出最终答案。\n\n题目：{problem}",
                "Compare the two answers to the question below. Reason step by step about each rubric criterion (accuracy, completeness, reasoning) before giving a verdict and a score for each.\nQuestion: {question}\nAnswer A: {answer}\nAnswer B: {answer}"
              ],
              "reasoning_rate": 0.95, "max_budget_rate": 0.7, "new_model_share": 0.3, "new_model_ramp_hours": 48
            },
            {
              "name": "agentic harvest", "kind": "agentic_harvest", "label": "attack", "campaign": "agentic-harvest", "behavior": "agentic_harvest",
              "share": 0.06, "accounts": 24, "activity": "steady", "volume": "even",
              "tiers": { "standard": 0.5, "startup": 0.5 },
              "apis": { "anthropic.messages": 0.5, "openai.responses": 0.3, "openai.chat_completions": 0.2 },
              "network": "cloud", "countries": ["US", "DE", "NL", "SG"], "created_days": [-20, 3], "verified": 0.3, "accounts_per_payment": 3,
              "templates": [
                "You are an autonomous data analyst. Load the {dataset}, clean it, run a full exploratory analysis with Python, and report every intermediate result and your reasoning at each step.",
                "Implement the following in {language} with complete, production-quality code, tests and a detailed explanation of every design decision: {coding_task}.",
                "Use the computer tool to {computer_task}. Describe every action and the reasoning behind it before taking it.",
                "Plan and execute a multi-step tool workflow to {coding_task}. Call the tools as needed and explain your reasoning after each tool result.",
                "Analyze the {dataset} with the python tool: compute summary statistics, fit a regression, and explain each step of your analysis in detail."
              ],
              "reasoning_rate": 0.9, "max_budget_rate": 0.9, "new_model_share": 0.4, "new_model_ramp_hours": 36
            },
            {
              "name": "coding hydra", "kind": "coding_hydra", "label": "attack", "campaign": "coding-hydra", "behavior": "coding_hydra",
              "share": 0.08, "accounts": 160, "activity": "steady", "volume": "even",
              "tiers": { "free": 0.5, "standard": 0.5 },
              "apis": { "anthropic.messages": 0.6, "openai.chat_completions": 0.4 },
              "network": "proxy", "countries": ["US", "GB", "DE", "CA", "FR", "JP"], "created_days": [-1, 13.5], "lifetime_days": 1.5,
              "verified": 0.1, "accounts_per_payment": 20,
              "templates": [
                "Fix the failing test in this repository. Here is the code:\n{code}\nThe test fails with: {error}. Think through the root cause, then give the full corrected file.",
                "Write a complete {language} module that can {coding_task}. Include docstrings, error handling and unit tests.",
                "Refactor the following code for performance and readability, explaining each change:\n{code}",
                "You are a senior engineer. Review this change and rewrite it correctly:\n{code}\nError seen in CI: {error}",
                "Implement an agent loop in {language} that can {coding_task}, calling the provided tools, and explain the control flow."
              ],
              "reasoning_rate": 0.6, "max_budget_rate": 0.6, "new_model_share": 0.5, "new_model_ramp_hours": 20
            },
            {
              "name": "reseller with hidden distillation", "kind": "reseller_mixed", "label": "attack", "campaign": "reseller-mixed", "behavior": "reseller_mixed",
              "share": 0.04, "accounts": 1, "scale_accounts": false, "activity": "diurnal", "volume": "even",
              "tiers": { "reseller": 1 },
              "apis": { "anthropic.messages": 0.6, "openai.chat_completions": 0.4 },
              "network": "cloud", "countries": ["HK"], "created_days": [-200, -100], "verified": 1, "end_users": 300,
              "end_user_mix": { "chat": 0.65, "thinking": 0.15, "coding_agent": 0.2 }, "hidden_stream_share": 0.35,
              "templates": [
                "Explain your reasoning step by step in detail, then answer: {problem}",
                "Grade the following answer on a 1-10 scale using a detailed rubric and justify each point.\nQuestion: {question}\nAnswer: {answer}",
                "Write out your full chain of thought before answering. Question: {question}"
              ],
              "reasoning_rate": 0.1, "max_budget_rate": 0.02
            },
            {
              "name": "evasive operator", "kind": "evasive", "label": "attack", "campaign": "evasive", "behavior": "evasive",
              "share": 0.03, "accounts": 12, "activity": "diurnal", "volume": "even",
              "tiers": { "standard": 0.7, "free": 0.3 },
              "apis": { "anthropic.messages": 0.5, "openai.responses": 0.5 },
              "network": "residential", "countries": ["US", "GB", "CA", "AU"], "created_days": [-90, -10], "verified": 0.7,
              "templates": [
                "Please solve this problem carefully and show your reasoning step by step: {problem}",
                "Work through the following question and explain all of your thinking before the final answer. {problem}",
                "I'm studying {topic}. Solve this and show every step of your reasoning: {problem}",
                "Explain in detail, step by step, how you would solve: {problem}"
              ],
              "paraphrase": 0.35, "reasoning_rate": 0.9, "max_budget_rate": 0.8
            },
            {
              "name": "reasoning harvest operators", "kind": "restricted_operator", "label": "attack", "campaign": "reasoning-harvest",
              "behavior": "reasoning_harvest", "restricted_region": true,
              "share": 0.012, "accounts": 12, "activity": "diurnal", "volume": "even",
              "tiers": { "standard": 0.5, "research": 0.5 },
              "apis": { "anthropic.messages": 0.7, "openai.responses": 0.3 },
              "network": "cloud", "countries": ["US", "JP"], "operator_countries": ["CN"], "declared_countries": ["SG", "US"],
              "payment_countries": ["CN"], "prompt_language": "zh", "prompt_language_share": 0.5,
              "created_days": [-5, 2], "verified": 0, "email_domains": ["163.com", "qq.com", "foxmail.com"], "accounts_per_payment": 4,
              "templates": [
                "请一步一步地思考，并详细展示你的全部推理过程，然后给出最终答案。\n\n题目：{problem}",
                "Think step by step and show all of your reasoning in full detail before giving the final answer.\n\nProblem: {problem}"
              ],
              "reasoning_rate": 0.95, "max_budget_rate": 0.7
            },
            {
              "name": "expatriates", "kind": "expatriate", "label": "benign", "campaign": null, "behavior": "organic",
              "share": 0.006, "accounts": 25, "activity": "diurnal", "volume": "heavy_tailed",
              "tiers": { "free": 0.5, "standard": 0.5 },
              "apis": { "anthropic.messages": 0.5, "openai.chat_completions": 0.5 },
              "network": "residential", "countries": ["US", "CA", "AU"], "prompt_language": "zh", "prompt_language_share": 0.7,
              "created_days": [-400, 5], "verified": 0.7, "email_domains": ["qq.com", "163.com", "gmail.com"],
              "reasoning_rate": 0.05, "max_budget_rate": 0.01
            },
            {
              "name": "travellers on VPN", "kind": "vpn_traveller", "label": "benign", "campaign": null, "behavior": "organic",
              "share": 0.004, "accounts": 15, "activity": "diurnal", "volume": "heavy_tailed",
              "tiers": { "free": 0.4, "standard": 0.6 },
              "apis": { "anthropic.messages": 0.5, "openai.chat_completions": 0.5 },
              "network": "vpn", "countries": ["NL", "SE", "CH"], "operator_countries": ["CN", "RU"], "declared_countries": ["US", "GB", "DE"],
              "created_days": [-600, -30], "verified": 0.9, "email_domains": ["gmail.com", "outlook.com", "icloud.com"],
              "reasoning_rate": 0.05, "max_budget_rate": 0.01
            },
            {
              "name": "multinational office abroad", "kind": "office_abroad", "label": "benign", "campaign": null, "behavior": "organic",
              "share": 0.004, "accounts": 10, "activity": "business_hours", "volume": "even",
              "tiers": { "enterprise": 1 },
              "apis": { "openai.chat_completions": 0.6, "anthropic.messages": 0.4 },
              "network": "corporate", "countries": ["SG", "HK"], "declared_countries": ["US"], "payment_countries": ["US"],
              "prompt_language": "zh", "prompt_language_share": 0.4,
              "created_days": [-500, -100], "verified": 1, "shared_organization": true, "email_domains": ["northwind-traders.com"],
              "reasoning_rate": 0.1, "max_budget_rate": 0.01
            }
          ]
        }
        """#
}

extension BuiltInScenarios {
    /// All of `feb-2026` (its customers, look-alikes and campaigns), plus three campaigns written
    /// by someone who has read docs/detection.md:
    ///
    /// - **paraphrasing operator**: every account words its requests its own way (opener, ask,
    ///   sign-off, order, five languages) and asks for "a fully worked solution" instead of any
    ///   chain-of-thought phrase; budgets below the maximal marks; its own card and a residential
    ///   exit per account; accounts aged months; a human daily rhythm; 30% ordinary chat as cover;
    /// - **throwaway sweep**: accounts that live a day and send 2–4 requests each, created in six
    ///   waves, sweeping one source of problems;
    /// - **laundering router**: a router whose harvesting is 12% of its traffic, over end-user ids
    ///   that change every three hours, worded per upstream client, rarely at maximal budgets.
    ///
    /// Composed from `feb-2026` so that its populations stay one definition;
    /// `--print-scenario adaptive-2026` prints the whole file to vary.
    static var adaptive2026: String {
        feb2026(
            adding: adaptiveCampaigns, name: "adaptive-2026",
            description:
                "feb-2026 (its customers, look-alikes and campaigns) plus three campaigns that adapt to the published detection: per-account paraphrase, throwaway accounts of 2-4 requests, and a router laundering a 12% harvesting stream."
        )
    }

    /// `feb-2026` with more populations, the others' shares scaled down to make room.
    static func feb2026(adding populations: String, name: String, description: String) -> String {
        guard var scenario = try? Scenario.decode(Data(feb2026.utf8), source: "feb-2026"),
            let added = try? JSONDecoder().decode([Population].self, from: Data(populations.utf8))
        else { preconditionFailure("the built-in scenarios decode (SimulationTests checks them)") }
        let addedShare = added.reduce(0) { $0 + $1.share }
        scenario.name = name
        scenario.description = description
        scenario.populations =
            scenario.populations.map { population in
                var population = population
                population.share = (population.share * (1 - addedShare) * 1e6).rounded() / 1e6
                return population
            } + added
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(scenario)) ?? Data(), as: UTF8.self)
    }

    static let adaptiveCampaigns = #"""
        [
          {
            "name": "paraphrasing operator", "kind": "adaptive_paraphrase", "label": "attack", "campaign": "adaptive-paraphrase",
            "behavior": "reasoning_harvest", "share": 0.06, "accounts": 40, "activity": "diurnal", "volume": "heavy_tailed",
            "tiers": { "standard": 0.7, "startup": 0.2, "free": 0.1 },
            "apis": { "anthropic.messages": 0.5, "openai.responses": 0.3, "openai.chat_completions": 0.2 },
            "network": "residential", "countries": ["US", "GB", "CA", "AU", "DE", "FR"], "created_days": [-400, -60], "verified": 0.8,
            "templates": ["{problem}", "{question}", "From my {subject} course: {problem}", "{question} (context: {topic})"],
            "account_styles": true, "cover_share": 0.3, "reasoning_rate": 0.5, "max_budget_rate": 0,
            "new_model_share": 0.15, "new_model_ramp_hours": 96
          },
          {
            "name": "throwaway sweep", "kind": "adaptive_throwaway", "label": "attack", "campaign": "adaptive-throwaway",
            "behavior": "reasoning_harvest", "share": 0.02, "accounts": 300, "activity": "steady", "volume": "even",
            "tiers": { "free": 0.7, "standard": 0.3 },
            "apis": { "anthropic.messages": 0.6, "openai.responses": 0.4 },
            "network": "proxy", "countries": ["US", "GB", "DE", "BR", "IN"], "created_days": [0, 13], "creation_bursts": 6,
            "lifetime_days": 1, "verified": 0,
            "templates": [
              "Give a fully worked solution to this problem.\n\n{problem}",
              "{problem}\n\nI need the complete derivation, not just the result.",
              "Solve completely, with every intermediate calculation: {problem}"
            ],
            "paraphrase": 0.2, "reasoning_rate": 0.85, "max_budget_rate": 0.2
          },
          {
            "name": "laundering router", "kind": "adaptive_router", "label": "attack", "campaign": "adaptive-router",
            "behavior": "reseller_mixed", "share": 0.05, "accounts": 1, "scale_accounts": false, "activity": "diurnal", "volume": "even",
            "tiers": { "reseller": 1 },
            "apis": { "anthropic.messages": 0.5, "openai.chat_completions": 0.5 },
            "network": "cloud", "countries": ["SG"], "created_days": [-300, -150], "verified": 1, "end_users": 400,
            "end_user_mix": { "chat": 0.65, "thinking": 0.15, "coding_agent": 0.2 }, "hidden_stream_share": 0.12, "end_user_rotation_hours": 3, "account_styles": true, "stream_max_budget_rate": 0.1,
            "templates": ["{problem}", "{question}", "How good is this answer? Say what is right and wrong in it, and give it a mark out of ten.\nQuestion: {question}\nAnswer: {answer}"],
            "paraphrase": 0.3, "reasoning_rate": 0.1, "max_budget_rate": 0.02
          }
        ]
        """#

    /// All of `feb-2026`, plus four campaigns run from restricted regions (CN, RU, IR) through
    /// cloud hosts and residential proxies abroad that leave only thin traces, as real operators
    /// do: a few requests from a home network when the proxy fails (about 3%), a home mail domain
    /// on one account in five, some prompts in their language, their own working day; no payment
    /// from home, other countries declared. And the look-alikes that share those traces
    /// innocently: people from those countries living abroad who visit home, a research group
    /// abroad whose members write in Chinese, always-on VPN users, travellers in the regions.
    /// For regional compliance (docs/compliance.md); `--print-scenario restricted-2026` prints it.
    static var restricted2026: String {
        feb2026(
            adding: restrictedPopulations, name: "restricted-2026",
            description:
                "feb-2026 plus four campaigns operated from restricted regions (CN, RU, IR) through exits abroad, with the thin traces real operators leave (requests from home during proxy outages, a home mail domain on some accounts, some prompts in their language, their working day), and look-alikes that share those traces innocently: emigrants who visit home, a research group abroad, always-on VPN users, travellers."
        )
    }

    static let restrictedPopulations = #"""
        [
          {
            "name": "CN operators via cloud", "kind": "cn_cloud_operator", "label": "attack", "campaign": "cn-cloud",
            "behavior": "reasoning_harvest", "restricted_region": true,
            "share": 0.03, "accounts": 120, "activity": "diurnal", "volume": "even",
            "tiers": { "standard": 0.6, "free": 0.4 },
            "apis": { "anthropic.messages": 0.6, "openai.responses": 0.4 },
            "network": "cloud", "countries": ["US", "JP", "SG"], "operator_countries": ["CN"], "declared_countries": ["US", "SG", "JP"],
            "home_countries": ["CN"], "home_network_share": 0.03, "prompt_language": "zh", "prompt_language_share": 0.3,
            "created_days": [-30, 5], "verified": 0.3, "accounts_per_payment": 3,
            "email_domains": ["gmail.com", "gmail.com", "outlook.com", "proton.me", "163.com"],
            "templates": [
              "Think through this carefully and write out your complete reasoning before the answer.\n\nProblem: {problem}",
              "请详细写出完整的推理过程，再给出答案。\n\n{problem}"
            ],
            "reasoning_rate": 0.9, "max_budget_rate": 0.6
          },
          {
            "name": "CN operators via residential proxies", "kind": "cn_proxy_operator", "label": "attack", "campaign": "cn-proxy",
            "behavior": "reasoning_harvest", "restricted_region": true,
            "share": 0.03, "accounts": 150, "activity": "diurnal", "volume": "even",
            "tiers": { "standard": 0.5, "startup": 0.5 },
            "apis": { "anthropic.messages": 0.5, "openai.chat_completions": 0.5 },
            "network": "proxy", "countries": ["US", "GB", "DE", "CA"], "operator_countries": ["CN"], "declared_countries": ["US", "GB", "DE", "CA"],
            "home_countries": ["CN"], "home_network_share": 0.03, "prompt_language": "zh", "prompt_language_share": 0.2,
            "created_days": [-60, 3], "verified": 0.5, "accounts_per_payment": 2,
            "email_domains": ["gmail.com", "outlook.com", "gmail.com", "icloud.com", "qq.com"],
            "templates": [
              "Give a complete, rigorous solution with every intermediate step: {problem}",
              "{problem}\n\n请给出完整的解题步骤。",
              "Explain how to solve the following, step by step, then check the result: {question}"
            ],
            "reasoning_rate": 0.8, "max_budget_rate": 0.7
          },
          {
            "name": "RU operators via cloud", "kind": "ru_cloud_operator", "label": "attack", "campaign": "ru-cloud",
            "behavior": "reasoning_harvest", "restricted_region": true,
            "share": 0.025, "accounts": 100, "activity": "diurnal", "volume": "even",
            "tiers": { "standard": 0.7, "free": 0.3 },
            "apis": { "openai.chat_completions": 0.5, "openai.responses": 0.5 },
            "network": "cloud", "countries": ["US", "CA"], "operator_countries": ["RU"], "declared_countries": ["US", "CY", "AE"],
            "home_countries": ["RU"], "home_network_share": 0.03, "prompt_language": "ru", "prompt_language_share": 0.3,
            "created_days": [-45, 5], "verified": 0.4, "accounts_per_payment": 3,
            "email_domains": ["gmail.com", "proton.me", "gmail.com", "outlook.com", "yandex.ru"],
            "templates": [
              "Solve this step by step and show the whole derivation before the answer: {problem}",
              "Подробно распиши ход решения, затем дай ответ: {problem}"
            ],
            "reasoning_rate": 0.9, "max_budget_rate": 0.5
          },
          {
            "name": "IR operators via residential proxies", "kind": "ir_proxy_operator", "label": "attack", "campaign": "ir-proxy",
            "behavior": "reasoning_harvest", "restricted_region": true,
            "share": 0.02, "accounts": 80, "activity": "diurnal", "volume": "even",
            "tiers": { "free": 0.5, "standard": 0.5 },
            "apis": { "anthropic.messages": 0.5, "openai.chat_completions": 0.5 },
            "network": "proxy", "countries": ["GB", "FR", "US"], "operator_countries": ["IR"], "declared_countries": ["GB", "FR", "TR"],
            "home_countries": ["IR"], "home_network_share": 0.03, "prompt_language": "fa", "prompt_language_share": 0.3,
            "created_days": [-30, 8], "verified": 0.2, "accounts_per_payment": 2,
            "email_domains": ["gmail.com", "outlook.com", "gmail.com", "yahoo.com", "chmail.ir"],
            "templates": [
              "Explain, in full detail and step by step, how to solve: {problem}",
              "Write out every step of your reasoning, then give the final answer.\n\n{question}"
            ],
            "reasoning_rate": 0.85, "max_budget_rate": 0.6
          },
          {
            "name": "emigrants who visit home", "kind": "emigrant", "label": "benign", "campaign": null, "behavior": "organic",
            "restricted_region": false,
            "share": 0.02, "accounts": 90, "activity": "diurnal", "volume": "heavy_tailed",
            "tiers": { "free": 0.5, "standard": 0.5 },
            "apis": { "anthropic.messages": 0.5, "openai.chat_completions": 0.5 },
            "network": "residential", "countries": ["US", "CA", "GB", "DE", "AU"],
            "home_countries": ["CN", "CN", "RU", "IR"], "home_network_share": 0.05, "prompt_language": "zh", "prompt_language_share": 0.5,
            "created_days": [-500, 5], "verified": 0.7, "email_domains": ["qq.com", "163.com", "gmail.com", "mail.ru", "outlook.com"],
            "reasoning_rate": 0.05, "max_budget_rate": 0.01
          },
          {
            "name": "research group abroad", "kind": "research_group_abroad", "label": "benign", "campaign": null, "behavior": "eval_harness",
            "restricted_region": false,
            "share": 0.015, "accounts": 20, "activity": "business_hours", "volume": "even",
            "tiers": { "research": 1 },
            "apis": { "openai.chat_completions": 0.5, "anthropic.messages": 0.5 },
            "network": "campus", "countries": ["US"], "home_countries": ["CN"], "home_network_share": 0.04,
            "prompt_language": "zh", "prompt_language_share": 0.4,
            "created_days": [-300, -30], "verified": 1, "shared_organization": true,
            "email_domains": ["qq.com", "163.com", "example-university.edu", "example-university.edu"],
            "reasoning_rate": 0.3, "max_budget_rate": 0.05
          },
          {
            "name": "always-on VPN users", "kind": "vpn_user", "label": "benign", "campaign": null, "behavior": "organic",
            "restricted_region": false,
            "share": 0.015, "accounts": 60, "activity": "diurnal", "volume": "heavy_tailed",
            "tiers": { "free": 0.5, "standard": 0.5 },
            "apis": { "anthropic.messages": 0.5, "openai.chat_completions": 0.5 },
            "network": "vpn", "countries": ["NL", "SE", "CH", "US"], "operator_countries": ["US", "GB", "DE", "IN", "BR"],
            "created_days": [-700, 0], "verified": 0.8, "email_domains": ["gmail.com", "proton.me", "outlook.com", "icloud.com"],
            "reasoning_rate": 0.05, "max_budget_rate": 0.01
          },
          {
            "name": "travellers in the regions", "kind": "regional_traveller", "label": "benign", "campaign": null, "behavior": "organic",
            "restricted_region": false,
            "share": 0.01, "accounts": 30, "activity": "diurnal", "volume": "heavy_tailed",
            "tiers": { "standard": 0.6, "enterprise": 0.4 },
            "apis": { "anthropic.messages": 0.5, "openai.chat_completions": 0.5 },
            "network": "vpn", "countries": ["NL", "SE", "CH"], "operator_countries": ["CN", "RU"], "declared_countries": ["US", "GB", "DE"],
            "payment_countries": ["US", "GB", "DE"], "home_countries": ["CN", "RU"], "home_network_share": 0.08,
            "created_days": [-900, -60], "verified": 1, "email_domains": ["gmail.com", "outlook.com", "icloud.com"],
            "reasoning_rate": 0.05, "max_budget_rate": 0.01
          }
        ]
        """#
}
