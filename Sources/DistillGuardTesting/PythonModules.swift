import Foundation

/// Whether Python test tooling is present (scripts/install-test-dependencies.sh installs it).
public enum PythonModules {
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
