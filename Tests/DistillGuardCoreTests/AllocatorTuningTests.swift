import DistillGuardCore
import Testing

/// When the commands that decode event logs start again with glibc's larger per-thread cache.
struct AllocatorTuningTests {
    #if os(Linux) && canImport(Glibc)
    static let expected: String? = AllocatorTuning.tunables
    #else
    static let expected: String? = nil
    #endif

    @Test func tunesOnlyTheCommandsThatDecodeEventLogs() throws {
        #expect(try AllocatorTuning.tunables(decodesEventLogs: true, environment: [:]) == Self.expected)
        #expect(try AllocatorTuning.tunables(decodesEventLogs: false, environment: [:]) == nil)
        #expect(Self.expected == nil || Self.expected == "glibc.malloc.tcache_count=1000")
    }

    @Test func leavesTheOperatorsOwnTunablesAlone() throws {
        for value in ["", "glibc.malloc.arena_max=2"] {
            #expect(try AllocatorTuning.tunables(decodesEventLogs: true, environment: ["GLIBC_TUNABLES": value]) == nil)
        }
    }

    @Test func isSwitchedOffAndOnByItsVariable() throws {
        let name = AllocatorTuning.environmentVariable
        #expect(try AllocatorTuning.tunables(decodesEventLogs: true, environment: [name: "off"]) == nil)
        #expect(try AllocatorTuning.tunables(decodesEventLogs: true, environment: [name: "on"]) == Self.expected)
        #expect(try AllocatorTuning.tunables(decodesEventLogs: true, environment: [name: ""]) == Self.expected)
        #expect(try AllocatorTuning.tunables(decodesEventLogs: false, environment: [name: "on"]) == nil)
    }

    @Test func namesTheVariableAndTheValueItCannotRead() {
        #expect {
            try AllocatorTuning.tunables(decodesEventLogs: false, environment: ["DISTILLGUARD_ALLOCATOR_TUNING": "yes"])
        } throws: { error in
            "\(error)" == "DISTILLGUARD_ALLOCATOR_TUNING must be 'on' or 'off' (it is 'yes')"
        }
    }
}
