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
        {"format":"distillguard-model-1","signals":["cot_elicitation_rate","rubric_grading_rate","sensitive_rewrite_rate","reasoning_request_rate","maximal_budget_rate","repeat_sampling_rate","template_concentration","template_spread","harvest_template_share","capability_concentration","output_input_ratio","timing_regularity","hour_flatness","account_youth","education_or_research_tier","unverified","network_rotation","cloud_share","new_model_pivot","shared_payment","volume","harvest_substream","partner_indicator","answer_continuation"],"weights":[1,1,1,1.5,1.5,-0.288983671572914,0.8667753979835743,0.7387799349418526,3.418846960567559,0.3224078831249801,1.270892260366042,1.5,1.4708674959096708,0.7769186807013704,-1.583237671784323,0.4055584689419355,2.753179826538755,-0.6084032149416514,0.06891754192822061,2.0496149875680034,-0.504241874200208,1,1,-2.0987998421540395],"bias":-6.103284391024189,"attack_threshold":0.8697055621292265,"review_threshold":0.3,"minimum_exchanges":5,"substream_share":0.1}
        """#
}
