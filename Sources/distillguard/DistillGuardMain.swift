import ArgumentParser
import Dispatch
import DistillGuardCore
import Foundation
import NIOCore
import NIOPosix

/// The process entry point: parses the command line, starts again with glibc's larger per-thread
/// cache for the commands that decode event logs (`AllocatorTuning`), chooses where Swift
/// concurrency runs, then runs the command.
///
/// The servers (`gateway`, `serve`) run their tasks on NIO's event loops, the threads that already
/// do their network I/O, instead of Swift's own thread pool: a proxied request then no longer hops
/// between the two for every read and write. Measured on the gateway at 1,000 requests/s, that hop
/// cost about a sixth of its CPU time (docs/benchmarks.md). Nothing in the servers blocks a task:
/// engine work and forwarding run on threads of their own. `DISTILLGUARD_EXECUTOR=dispatch`
/// keeps Swift's pool, to compare.
@main
enum DistillGuardMain {
    static func main() {
        let command: any ParsableCommand
        do {
            command = try DistillGuardCommand.parseAsRoot()
        } catch {
            DistillGuardCommand.exit(withError: error)
        }
        do {
            let environment = ProcessInfo.processInfo.environment
            if let tunables = try AllocatorTuning.tunables(decodesEventLogs: decodesEventLogs(command), environment: environment) {
                AllocatorTuning.restart(with: tunables)
            }
        } catch {
            DistillGuardCommand.exit(withError: CommandFailure(error.description))
        }
        do {
            if try ConcurrencyExecutor.choose(for: command, environment: ProcessInfo.processInfo.environment) == .eventLoops {
                NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
            }
        } catch {
            DistillGuardCommand.exit(withError: error)
        }
        let parsed = ParsedCommand(command)
        Task {
            do {
                try await parsed.run()
            } catch {
                DistillGuardCommand.exit(withError: error)
            }
            exit(0)
        }
        dispatchMain()
    }
}

/// The commands whose decoding workers gain from glibc's larger per-thread cache (`AllocatorTuning`).
private func decodesEventLogs(_ command: any ParsableCommand) -> Bool {
    command is AnalyzeCommand || command is InspectCommand || command is EvalCommand || command is TrainCommand
        || command is DemoCommand
}

/// Where Swift concurrency runs its tasks (see `DistillGuardMain`).
enum ConcurrencyExecutor: String {
    /// NIO's event loops (the default for `gateway` and `serve`).
    case eventLoops = "event-loops"
    /// Swift's own global pool (the default for every other command).
    case dispatch

    static let environmentVariable = "DISTILLGUARD_EXECUTOR"

    static func choose(for command: any ParsableCommand, environment: [String: String]) throws -> ConcurrencyExecutor {
        let isServer = command is GatewayCommand || command is ServeCommand
        guard let value = environment[environmentVariable], !value.isEmpty else { return isServer ? .eventLoops : .dispatch }
        guard let executor = ConcurrencyExecutor(rawValue: value) else {
            throw CommandFailure("\(environmentVariable) must be 'event-loops' or 'dispatch' (it is '\(value)')")
        }
        return isServer ? executor : .dispatch
    }
}

/// The parsed command, handed to the task that runs it (parsing happens before that task exists).
private struct ParsedCommand: @unchecked Sendable {
    let command: any ParsableCommand

    init(_ command: any ParsableCommand) { self.command = command }

    func run() async throws {
        if var command = command as? any AsyncParsableCommand {
            try await command.run()
        } else {
            var command = command
            try command.run()
        }
    }
}
