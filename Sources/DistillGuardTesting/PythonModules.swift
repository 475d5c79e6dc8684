import Foundation

/// Whether Python test tooling is present (scripts/install-test-dependencies.sh installs it).
public enum PythonModules {
    /// The interpreter itself (`sys.executable`), not a version manager's shim on PATH: pyenv's
    /// shim rehashes after every pip command, and two tests installing at once make one fail.
    /// `python3` when it cannot be found out (the command then fails with its own message).
    public static let interpreter: String = {
        guard let result = try? ExternalCommand.run(["python3", "-c", "import sys; print(sys.executable)"]), result.status == 0
        else { return "python3" }
        let path = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        return path.hasPrefix("/") && !path.contains("\n") ? path : "python3"
    }()

    /// True when `python3 -c "import NAME, …"` succeeds.
    public static func installed(_ names: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import " + names.joined(separator: ", ")]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
