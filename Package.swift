// swift-tools-version:6.1
import PackageDescription

/// Settings every target of ours shares (the apple/swift-log habit: one list, applied in a loop).
let sharedSwiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    // Nonisolated async functions run on their caller's executor (SE-0461): a connection's loop
    // runs on its channel's event loop, and the session, dialogue and store calls it awaits stay
    // there instead of hopping to the global pool and back for every message.
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
]

let package = Package(
    name: "motcua",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "motcua", targets: ["Bot"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // System ICU (libicu-dev), reached only through the C bridge below: a Swift module
        // must not import both this and Foundation (see docs/ARCHITECTURE.md).
        .systemLibrary(
            name: "CICU",
            pkgConfig: "icu-i18n",
            providers: [.apt(["libicu-dev"])]
        ),
        // A C target whose public header uses only <stdint.h> types: NFC, lower case and
        // word boundaries over UTF-16, implemented with ICU.
        .target(name: "ICUBridge", dependencies: ["CICU"]),
        .target(name: "Retrieval", dependencies: ["ICUBridge"]),
        .target(
            name: "Dialogue",
            dependencies: [
                "Retrieval",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SHA-256 of handler tokens (only the hash is stored).
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "Adapters",
            dependencies: [
                "Dialogue", "Retrieval",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // The gateways' HTTPS clients (Telegram Bot API, Zalo OA API) and Zalo's signatures.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "Bot",
            dependencies: [
                "Adapters", "Dialogue", "Retrieval",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "RetrievalTests", dependencies: ["Retrieval"]),
        .testTarget(
            name: "DialogueTests",
            dependencies: ["Dialogue", "Retrieval", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "AdaptersTests",
            dependencies: [
                "Adapters", "Dialogue", "Retrieval",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ]
)

for target in package.targets where target.type != .system {
    if target.name == "ICUBridge" { continue }
    target.swiftSettings = (target.swiftSettings ?? []) + sharedSwiftSettings
}
