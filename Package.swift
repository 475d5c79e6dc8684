// swift-tools-version:6.1
import PackageDescription

/// One set of compiler settings for every target: Swift 6 strict concurrency and explicit existentials.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "distillguard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "distillguard", targets: ["distillguard"]),
        .library(name: "DistillGuardCore", targets: ["DistillGuardCore"]),
        .library(name: "DistillGuardStore", targets: ["DistillGuardStore"]),
        .library(name: "DistillGuardServer", targets: ["DistillGuardServer"]),
        .library(name: "DistillGuardSimulator", targets: ["DistillGuardSimulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(
            name: "DistillGuardCore",
            dependencies: ["CZlib", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DistillGuardStore",
            dependencies: [
                "DistillGuardCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DistillGuardServer",
            dependencies: [
                "DistillGuardCore",
                "DistillGuardStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DistillGuardSimulator",
            dependencies: ["DistillGuardCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DistillGuardTesting",
            dependencies: [
                "DistillGuardCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "distillguard-mock-upstream",
            dependencies: [
                "DistillGuardTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/MockUpstream",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "distillguard-loadgen",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Benchmarks/LoadGenerator",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "distillguard-watermark-proof",
            dependencies: [
                "DistillGuardCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/WatermarkProof",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "distillguard",
            dependencies: [
                "DistillGuardCore",
                "DistillGuardStore",
                "DistillGuardServer",
                "DistillGuardSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DistillGuardCoreTests",
            dependencies: ["DistillGuardCore", "DistillGuardTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DistillGuardStoreTests",
            dependencies: [
                "DistillGuardStore", "DistillGuardTesting", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DistillGuardServerTests",
            dependencies: [
                "DistillGuardServer",
                "DistillGuardStore",
                "DistillGuardTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DistillGuardSimulatorTests",
            dependencies: ["DistillGuardSimulator", "DistillGuardTesting", "distillguard"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DistillGuardCLITests",
            dependencies: ["distillguard", "DistillGuardTesting"],
            swiftSettings: swiftSettings
        ),
    ]
)
