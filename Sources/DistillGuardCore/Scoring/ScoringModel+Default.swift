extension ScoringModel {
    /// The model shipped with DistillGuard: the output of `distillguard train` on simulated feb-2026
    /// traffic (training seeds in docs/detection.md, never the evaluation seeds), pasted verbatim.
    public static let `default`: ScoringModel = {
        do {
            return try ScoringModel(json: try JSONParser.parse(defaultJSON), source: "built-in model")
        } catch {
            preconditionFailure("the built-in model does not parse: \(error)")
        }
    }()

    static let defaultJSON = #"""
        {"format":"distillguard-model-1","signals":["cot_elicitation_rate","rubric_grading_rate","sensitive_rewrite_rate","reasoning_request_rate","maximal_budget_rate","repeat_sampling_rate","template_concentration","template_spread","harvest_template_share","capability_concentration","output_input_ratio","timing_regularity","hour_flatness","account_youth","education_or_research_tier","unverified","network_rotation","cloud_share","new_model_pivot","shared_payment","volume","harvest_substream","partner_indicator","answer_continuation"],"weights":[1.4039117110037949,1,1,1.5,1.5,-0.1386244462931374,-0.7251267419047068,0.3236097500036826,1.9118952748372082,0.22384722418959127,0.4155184086742934,1.5,1.309966995915734,1.238884890798329,-1.0706708878333047,0.20509981499190347,2.1498072249959446,0.8458529067862243,0.16626374841562105,3.2793542908109714,-0.022329668291924017,1,1,-1.6944781043364956],"bias":-5.750850087829714,"attack_threshold":0.6533623197261095,"review_threshold":0.3,"minimum_exchanges":5,"substream_share":0.1}
        """#
}
