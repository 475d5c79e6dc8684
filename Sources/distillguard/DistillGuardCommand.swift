import ArgumentParser

/// The command tree; `DistillGuardMain` parses and runs it.
struct DistillGuardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distillguard",
        abstract: "Detect and stop distillation campaigns against LLM APIs.",
        discussion: """
            Reads API exchange logs (JSON Lines; see docs/event-format.md), finds accounts and
            clusters of accounts that harvest a model's outputs, and explains each verdict.
            """,
        version: DistillGuardVersion.current,
        subcommands: [
            DemoCommand.self, SimulateCommand.self, AnalyzeCommand.self, EvalCommand.self, TrainCommand.self, InspectCommand.self,
            IntelCommand.self, GatewayCommand.self, ServeCommand.self, WatermarkCommand.self, AttributeCommand.self,
        ]
    )
}

enum DistillGuardVersion {
    static let current = "0.1.0"
}
