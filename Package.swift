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
        .executable(name: "motcua", targets: ["Bot"]),
        // Speed figures, the load generator and the echo ceiling: not linked into the daemon.
        .executable(name: "motcua-bench", targets: ["MotcuaBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Operations: metrics (the swift-metrics API, exposed in Prometheus's text format) and TLS.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
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

        // Sources/Dialogue: the domain (conversations, the desk, reports, the catalogue) and the
        // store protocols it owns; Storage, in its subfolder, implements them on GRDB.
        .target(
            name: "Dialogue",
            dependencies: [
                "Retrieval",
                // SHA-256 of handler tokens (only the hash is stored).
                .product(name: "Crypto", package: "swift-crypto"),
                // What the daemon measures, recorded through the API only (the backend is passed in).
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            exclude: ["Storage", "PostgresStorage"]
        ),
        .target(
            name: "Storage",
            dependencies: ["Dialogue", "Retrieval", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Sources/Dialogue/Storage"
        ),
        // The same store protocols on PostgreSQL (PostgresNIO), for several daemons on one database.
        .target(
            name: "PostgresStorage",
            dependencies: [
                "Dialogue", "Retrieval",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Dialogue/PostgresStorage"
        ),

        // Sources/Adapters: one target a process boundary. Wire is what every side of a
        // connection shares; Server is the daemon's side; Clients and Gateways are other
        // processes' sides and never see the server.
        .target(
            name: "Wire",
            dependencies: ["Dialogue", "Retrieval", .product(name: "NIOCore", package: "swift-nio")],
            path: "Sources/Adapters/Wire"
        ),
        .target(
            name: "Server",
            dependencies: [
                "Wire", "Dialogue", "Retrieval",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            path: "Sources/Adapters/Server"
        ),
        .target(
            name: "Clients",
            dependencies: [
                "Wire", "Dialogue",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Sources/Adapters/Clients"
        ),
        .target(
            name: "Gateways",
            dependencies: [
                "Wire", "Clients", "Dialogue",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // The HTTPS clients (Telegram Bot API, Zalo OA API) and Zalo's signatures.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/Adapters/Gateways"
        ),
        // HTTP and the WebSocket at /ws (the same JSON protocol, a frame a line), on Hummingbird.
        .target(
            name: "Web",
            dependencies: [
                "Server", "Wire", "Dialogue", "ReportFormats",
                // SHA-256 of the console's session ids (only the hash is kept).
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Sources/Adapters/Web"
        ),
        .target(name: "ReportFormats", dependencies: ["Wire", "Dialogue"], path: "Sources/Adapters/Reports"),
        // The session fuzzer: run by the tests and by `motcua-bench fuzz`, never by the daemon.
        .target(name: "Fuzzing", dependencies: ["Server", "Wire", "Dialogue", "Retrieval"], path: "Sources/Adapters/Fuzzing"),

        // Sources/Bot: the daemon's assembly, the options both executables share, the `motcua`
        // command and, apart, the `motcua-bench` command.
        .target(
            name: "Daemon",
            dependencies: [
                "Storage", "PostgresStorage", "Dialogue", "Retrieval",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/Bot/Daemon"
        ),
        .target(
            name: "CommandOptions",
            dependencies: [
                "Daemon", "Storage", "PostgresStorage", "Dialogue", "Retrieval",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Bot/Options"
        ),
        .executableTarget(
            name: "Bot",
            dependencies: [
                "CommandOptions", "Daemon", "Server", "Web", "Clients", "Gateways", "ReportFormats", "Storage", "Wire",
                "Dialogue", "Retrieval",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            exclude: ["Daemon", "Options", "Bench"]
        ),
        .executableTarget(
            name: "MotcuaBench",
            dependencies: [
                "CommandOptions", "Daemon", "Server", "Clients", "Gateways", "Wire", "Fuzzing", "ReportFormats", "Storage", "Dialogue", "Retrieval",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            path: "Sources/Bot/Bench"
        ),
        .testTarget(name: "RetrievalTests", dependencies: ["Retrieval"]),
        .testTarget(
            name: "DialogueTests",
            dependencies: [
                "Dialogue", "Storage", "PostgresStorage", "Daemon", "Retrieval", .product(name: "GRDB", package: "GRDB.swift"),
                // The `motcua` commands that work on the store (`privacy`), run as parsed.
                "Bot", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "AdaptersTests",
            dependencies: [
                "Wire", "Server", "Web", "Clients", "Gateways", "ReportFormats", "Fuzzing", "Daemon", "Storage",
                "PostgresStorage", "Dialogue", "Retrieval",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // Operations: the serve command's options, a daemon's metrics, certificates made in the test.
                "Bot", "CommandOptions",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ]
)

for target in package.targets where target.type != .system {
    if target.name == "ICUBridge" { continue }
    target.swiftSettings = (target.swiftSettings ?? []) + sharedSwiftSettings
}
