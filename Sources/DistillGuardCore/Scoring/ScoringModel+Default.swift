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
        {"format":"distillguard-model-1","signals":["cot_elicitation_rate","rubric_grading_rate","sensitive_rewrite_rate","reasoning_request_rate","maximal_budget_rate","repeat_sampling_rate","template_concentration","template_spread","harvest_template_share","capability_concentration","output_input_ratio","timing_regularity","hour_flatness","account_youth","education_or_research_tier","unverified","network_rotation","cloud_share","new_model_pivot","shared_payment","volume","harvest_substream"],"weights":[1.040238780456844,0.17037526233669895,0.08532423710465244,2.702581015475361,3.473739260258222,0.19058486723242765,-0.2847592094550549,-0.9674989703904486,1.4692713288471955,1.1543276596233853,-0.6798737100465291,-0.5252427592278401,-0.17570488635766762,1.8248317864930768,-0.9571020297750901,0.3126291460067771,1.920175903239116,0.7287904648586871,0.1603030083225535,2.6900769864237764,0.06077083506227213,0.3439912998929863],"bias":-4.013012549513439,"attack_threshold":0.5,"review_threshold":0.3,"minimum_exchanges":5,"substream_share":0.1}
        """#
}
