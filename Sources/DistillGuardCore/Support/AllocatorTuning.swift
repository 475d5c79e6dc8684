#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A larger per-thread allocation cache in glibc for the commands that decode event logs on every
/// core (`analyze`, `inspect`, `eval`, `train`, `demo`).
///
/// Their decoding workers build each event from a few hundred allocations and free a batch of
/// events at a time. glibc keeps 7 free chunks per size on each thread by default; the rest go back
/// to the arena under its lock, and the next batch takes them from there. Keeping 1,000 per size on
/// the thread made `analyze` 2–13% faster on the medium test file (four rounds), the same verdicts
/// byte for byte, peak memory within 4% (docs/benchmarks.md, "glibc's per-thread cache").
///
/// glibc reads its tunables only when a program starts, so the command sets `GLIBC_TUNABLES` and
/// executes itself again, once, before it reads anything. An operator's own `GLIBC_TUNABLES` (even
/// empty) is left alone, and `DISTILLGUARD_ALLOCATOR_TUNING=off` runs the command as it started.
public enum AllocatorTuning {
    public static let tunables = "glibc.malloc.tcache_count=1000"
    public static let environmentVariable = "DISTILLGUARD_ALLOCATOR_TUNING"

    /// The `GLIBC_TUNABLES` value to start again with, or nil to run as started.
    ///
    /// - Throws: a description of the problem when `DISTILLGUARD_ALLOCATOR_TUNING` is neither `on`
    ///   nor `off`.
    public static func tunables(decodesEventLogs: Bool, environment: [String: String]) throws(TuningError) -> String? {
        switch environment[environmentVariable] {
        case nil, "", "on": break
        case "off": return nil
        case let value?: throw TuningError("\(environmentVariable) must be 'on' or 'off' (it is '\(value)')")
        }
        guard decodesEventLogs, environment["GLIBC_TUNABLES"] == nil else { return nil }
        #if os(Linux) && canImport(Glibc)
        return tunables
        #else
        return nil
        #endif
    }

    /// Executes this program again, with the same arguments, standard input and output, and
    /// `GLIBC_TUNABLES` set to `tunables`. Returns only when that is impossible (the executable was
    /// removed or replaced since it started): the command then runs untuned.
    public static func restart(with tunables: String) {
        #if os(Linux)
        setenv("GLIBC_TUNABLES", tunables, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        unsetenv("GLIBC_TUNABLES")
        #endif
    }

    public struct TuningError: Error, CustomStringConvertible {
        public var description: String

        init(_ description: String) { self.description = description }
    }
}
