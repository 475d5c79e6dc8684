import Logging

extension LoggingSystem {
    /// Logs to standard error at `level` (the `--log-level` option of `gateway` and `serve`).
    static func bootstrapStandardError(level text: String) throws {
        guard let level = Logger.Level(rawValue: text) else { throw CommandFailure("--log-level: unknown level '\(text)'") }
        bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
