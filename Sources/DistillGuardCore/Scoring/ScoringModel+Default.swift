extension ScoringModel {
    /// The model shipped with DistillGuard: the output of `distillguard train` on simulated adaptive-2026
    /// traffic (training seeds in docs/detection.md, never the evaluation seeds), pasted verbatim.
    public static let `default`: ScoringModel = {
        do {
            return try ScoringModel(json: try JSONParser.parse(defaultJSON), source: "built-in model")
        } catch {
            preconditionFailure("the built-in model does not parse: \(error)")
        }
    }()

    static let defaultJSON = #"""
        {"format":"distillguard-model-1","signals":["cot_elicitation_rate","rubric_grading_rate","sensitive_rewrite_rate","reasoning_request_rate","maximal_budget_rate","repeat_sampling_rate","template_concentration","template_spread","harvest_template_share","capability_concentration","output_input_ratio","timing_regularity","hour_flatness","account_youth","education_or_research_tier","unverified","network_rotation","cloud_share","new_model_pivot","shared_payment","volume","harvest_substream","partner_indicator","answer_continuation"],"weights":[1,1,1,1.5,1.5,-0.2878524335384529,0.8656157095643341,0.752170415648594,3.4172107719329157,0.3219093933443947,1.2681936941462824,1.5,1.4699476657511863,0.7768218115257275,-1.5834171638516115,0.4048438605595,2.7519747533830845,-0.6071272494777057,0.06940795294972142,2.0490648368383564,-0.50410713736219,1,1,-2.0973277198706226],"bias":-6.106856347127857,"attack_threshold":0.8701153350125054,"review_threshold":0.3,"minimum_exchanges":5,"substream_share":0.06}
        """#
}
