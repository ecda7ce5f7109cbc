// swift-tools-version:6.1
// Portrait: a real-time user-profiling platform. The target list mirrors the layers in
// docs/ARCHITECTURE.md: C shims → clients → pure core → services → one executable.
import PackageDescription

/// A `.systemLibrary` target over a Debian `-dev` package found through pkg-config.
func systemLibrary(_ name: String, pkgConfig: String, apt: String) -> Target {
    .systemLibrary(name: name, pkgConfig: pkgConfig, providers: [.apt([apt])])
}

let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let metrics: Target.Dependency = .product(name: "Metrics", package: "swift-metrics")

let package = Package(
    name: "Portrait",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "portrait", targets: ["portrait"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // The Redis client's async face; also what Hummingbird runs on (same version).
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        // HTTP parts between NIO's HTTP/1 codec and Hummingbird (MalformedRequestHandler); Hummingbird's own dependency.
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
    ],
    targets: [
        // C shims: nothing but the headers and the link line.
        systemLibrary("CRdKafka", pkgConfig: "rdkafka", apt: "librdkafka-dev"),
        systemLibrary("CMariaDB", pkgConfig: "libmariadb", apt: "libmariadb-dev"),
        systemLibrary("CHiredis", pkgConfig: "hiredis", apt: "libhiredis-dev"),
        systemLibrary("CZlib", pkgConfig: "zlib", apt: "zlib1g-dev"),

        // Clients: the only code that touches the C libraries.
        .target(name: "Kafka", dependencies: ["CRdKafka", logging]),
        .target(name: "CivilCalendar"),
        .target(name: "MySQL", dependencies: ["CivilCalendar", "CMariaDB", logging]),
        .target(
            name: "Redis",
            dependencies: ["CHiredis", logging, .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")]
        ),
        // Input history beyond Kafka's retention: gzip segments on local disk.
        .target(name: "EventArchive", dependencies: ["CZlib"]),

        // Pure core: no I/O, no C.
        // The one JSON value of the API, the scheduler and learning, with its byte writer.
        .target(name: "JSON"),
        .target(name: "StreamEngine"),
        .target(name: "StreamEngineTesting", dependencies: ["StreamEngine"]),
        .target(name: "Learning", dependencies: ["JSON"]),
        .target(name: "TagLang"),
        .target(name: "PortraitCore", dependencies: ["TagLang"]),

        // Connectors and workloads: the pure core wired to files (and later to the clients).
        .target(name: "Connectors", dependencies: ["StreamEngine"]),
        .target(name: "EngineWorkloads", dependencies: ["StreamEngine", "Connectors"]),
        .target(name: "LearningWorkloads", dependencies: ["Learning"]),

        // Services.
        .target(name: "PortraitIngest", dependencies: ["MySQL", "Kafka", logging, .product(name: "Metrics", package: "swift-metrics")]),
        .target(name: "PortraitConfig", dependencies: ["MySQL", "Redis", .product(name: "Yams", package: "Yams")]),
        .target(name: "PortraitMetadata", dependencies: ["MySQL", "Kafka", "PortraitCore", logging]),
        .target(name: "PortraitScheduler", dependencies: ["JSON", "MySQL", "PortraitCore", logging, .product(name: "Yams", package: "Yams")]),
        .target(name: "PortraitProcessor", dependencies: ["CivilCalendar", "JSON", "Kafka", "Redis", "StreamEngine", "EventArchive", "PortraitCore", "TagLang", logging, metrics]),
        // PortraitProcessor only for ProfileKeys: the feature table reads the processor's own layout.
        .target(name: "PortraitModels", dependencies: ["JSON", "Learning", "MySQL", "Redis", "PortraitCore", "TagLang", "PortraitProcessor", logging]),
        // Saved segments, their plans on the tag bitmaps and their sizing: shared by the API and
        // the scheduler's segment_sizes job, so the job runners need no HTTP server.
        .target(name: "PortraitSegments", dependencies: ["MySQL", "Redis", "PortraitCore", "PortraitMetadata", "PortraitProcessor", "TagLang"]),
        .target(
            name: "PortraitAPI",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdCore", package: "hummingbird"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                "CivilCalendar", "JSON", "Redis", "MySQL", "Kafka", "PortraitCore", "PortraitMetadata", "PortraitProcessor", "TagLang", "PortraitScheduler", "PortraitModels", "PortraitSegments",
                logging, metrics,
            ]
        ),
        // The runners `portrait schedule` hands each job kind to.
        .target(name: "PortraitJobs", dependencies: ["JSON", "PortraitScheduler", "PortraitModels", "PortraitSegments", "PortraitProcessor", "PortraitMetadata", "PortraitCore", "TagLang", "MySQL", "Redis", logging]),

        // The one executable.
        .executableTarget(
            name: "portrait",
            dependencies: [
                "JSON", "Kafka", "MySQL", "Redis", "EventArchive", "PortraitConfig", "PortraitMetadata", "PortraitCore", "PortraitIngest", "PortraitProcessor", "PortraitAPI", "PortraitScheduler", "PortraitModels", "PortraitJobs",
                .product(name: "Yams", package: "Yams"), "StreamEngine", "EngineWorkloads", "LearningWorkloads",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                logging, metrics,
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            // jemalloc instead of glibc's malloc: the processor allocates on its loop and frees on
            // its flush threads, where glibc's arenas cost ≈ 8 % of its CPU (Benchmarks/README.md).
            linkerSettings: [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]
        ),

        // Tests. Pure-module tests run anywhere; IntegrationTests needs `scripts/services up`.
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "PortraitConfigTests", dependencies: ["PortraitConfig"]),
        .testTarget(name: "StreamEngineTests", dependencies: ["StreamEngine", "StreamEngineTesting"]),
        .testTarget(
            name: "EngineWorkloadsTests", dependencies: ["EngineWorkloads", "StreamEngine", "Connectors"],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "LearningTests", dependencies: ["JSON", "Learning", "LearningWorkloads"]),
        .testTarget(name: "TagLangTests", dependencies: ["TagLang"]),
        .testTarget(name: "BinlogDecoderTests", dependencies: ["MySQL"]),
        .testTarget(name: "CDCIntegrationTests", dependencies: ["MySQL", "Kafka", "Redis", "EventArchive", "PortraitIngest", "PortraitCore", "PortraitProcessor", logging]),
        .testTarget(name: "PortraitCoreTests", dependencies: ["PortraitCore", "TagLang"]),
        .testTarget(name: "ProcessorTests", dependencies: ["PortraitProcessor", "EventArchive", "Kafka", logging, "PortraitCore", "TagLang", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "SchedulerTests", dependencies: ["JSON", "PortraitScheduler", "MySQL", "PortraitMetadata", logging]),
        .testTarget(
            name: "JobRunnerTests",
            dependencies: ["JSON", "PortraitJobs", "PortraitScheduler", "PortraitModels", "Learning", "MySQL", "Redis", "PortraitMetadata", "PortraitCore", "PortraitProcessor", logging]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["Kafka", "MySQL", "Redis", "PortraitMetadata", "PortraitConfig", "PortraitCore", "PortraitProcessor"]
        ),
        // The Redis client's async face against the real Redis (`scripts/services up`).
        .testTarget(name: "RedisClientTests", dependencies: ["Redis", .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(
            name: "ModelTests",
            dependencies: ["PortraitModels", "Learning", "MySQL", "Redis", "Kafka", "PortraitMetadata", "PortraitCore", "PortraitProcessor", "TagLang", logging]
        ),
        .testTarget(
            name: "APITests",
            dependencies: [
                "PortraitAPI", "JSON", .product(name: "HummingbirdTesting", package: "hummingbird"),
                "Kafka", "MySQL", "Redis", "PortraitMetadata", "PortraitCore", "PortraitProcessor", "TagLang", "PortraitScheduler", "PortraitModels", "PortraitSegments",
                .product(name: "Yams", package: "Yams"), logging,
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
