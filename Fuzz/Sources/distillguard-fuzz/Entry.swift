#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libFuzzer's entry point: runs the target named by `DG_FUZZ_TARGET` on one input. A failed
/// property stops the run like a crash (libFuzzer saves the input as `crash-…`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzTarget.selected.run(bytes)
    return 0
}

/// Stops the run with the property that failed, for the crash report.
func require(_ condition: @autoclosure () -> Bool, _ property: @autoclosure () -> String) {
    guard !condition() else { return }
    report("property failed: \(property())")
    abort()
}

/// Writes a line to standard error.
func report(_ message: String) {
    var line = message + "\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

enum FuzzTarget: String, CaseIterable {
    case json, event, stream, watermark, prose, policy, gateway, stix, networks

    static let selected: FuzzTarget = {
        let name = getenv("DG_FUZZ_TARGET").map { String(cString: $0) } ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            report("set DG_FUZZ_TARGET to one of: \(allCases.map(\.rawValue).joined(separator: ", ")) (got '\(name)')")
            exit(2)
        }
        return target
    }()

    func run(_ bytes: [UInt8]) {
        switch self {
        case .json: JSONTarget.run(bytes)
        case .event: EventTarget.run(bytes)
        case .stream: StreamTarget.run(bytes)
        case .watermark: WatermarkTarget.run(bytes)
        case .prose: ProseTarget.run(bytes)
        case .policy: ConfigurationTargets.policy(bytes)
        case .gateway: ConfigurationTargets.gateway(bytes)
        case .stix: STIXTarget.run(bytes)
        case .networks: NetworksTarget.run(bytes)
        }
    }
}

/// Cuts `bytes` into pieces whose sizes come from `seed` (so a failing split is reproducible from
/// the input alone): every split point is exercised over a run, including one byte at a time.
func pieces<T>(_ items: [T], seed: UInt8) -> [ArraySlice<T>] {
    var result: [ArraySlice<T>] = []
    var start = 0
    var state = UInt32(seed) &* 2_654_435_761 | 1
    while start < items.count {
        state ^= state << 13
        state ^= state >> 17
        state ^= state << 5
        let size = seed % 4 == 0 ? 1 : Int(state % 17) + 1
        let end = min(start + size, items.count)
        result.append(items[start..<end])
        start = end
    }
    return result
}
