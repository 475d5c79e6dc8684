import Foundation

/// The real prompt corpora in `../shared/data` (see its README). The product never depends on
/// them; tests that use them are skipped, with this reason, where the folder is absent.
public enum SharedData {
    /// The folder, found by walking up from the working directory (the package root under `swift test`).
    public static let folder: String? = {
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("../shared/data").standardized.path
            if FileManager.default.fileExists(atPath: candidate + "/sharegpt-a.jsonl.gz") { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }()

    public static var isAvailable: Bool { folder != nil }

    public static let absentReason = "the shared prompt corpora (../shared/data) are not beside this checkout"

    public static func file(_ name: String) -> String? { folder.map { "\($0)/\(name)" } }
}
