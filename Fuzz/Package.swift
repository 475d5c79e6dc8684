// swift-tools-version:6.1
import PackageDescription

/// Coverage-guided fuzzing of DistillGuard's parsers with libFuzzer (see README.md). Built apart
/// from the product, with libFuzzer and AddressSanitizer, by `scripts/fuzz.sh` (which says why its flags are as they are).
let package = Package(
    name: "distillguard-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "distillguard", path: "..")
    ],
    targets: [
        .executableTarget(
            name: "distillguard-fuzz",
            dependencies: [.product(name: "DistillGuardCore", package: "distillguard")],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny"), .enableUpcomingFeature("MemberImportVisibility")]
        )
    ]
)
