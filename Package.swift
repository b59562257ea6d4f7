// swift-tools-version:6.0
import PackageDescription

/// Settings every Swift target shares, so no module drifts from the language mode we agreed.
let swiftSettings: [SwiftSetting] = [
  .swiftLanguageMode(.v6),
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("InternalImportsByDefault"),
  .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
  name: "openshell-auth",
  products: [
    .library(name: "AuthCore", targets: ["AuthCore"]),
    .library(name: "Logging", targets: ["Logging"]),
    .library(name: "OpenShellAPI", targets: ["OpenShellAPI"]),
    .library(name: "GRPCTransport", targets: ["GRPCTransport"]),
    .library(name: "OIDC", targets: ["OIDC"]),
    .library(name: "OpenShellClient", targets: ["OpenShellClient"]),
    .executable(name: "openshell-gateway", targets: ["GatewayBin"]),
    .executable(name: "openshell-sandbox", targets: ["SandboxBin"]),
  ],
  targets: [
    // MARK: - Pure Swift libraries

    .target(name: "Logging", swiftSettings: swiftSettings),
    .target(name: "AuthCore", swiftSettings: swiftSettings),
    .target(name: "OpenShellAPI", swiftSettings: swiftSettings),
    .target(name: "OpenShellCLI", dependencies: ["Logging"], swiftSettings: swiftSettings),

    // MARK: - Transport and OIDC

    .target(
      name: "GRPCTransport",
      dependencies: ["AuthCore", "Logging", "COpenSSL", "CNGHTTP2", "CZlib", "CEpoll"],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "OIDC",
      dependencies: ["AuthCore", "Logging", "COpenSSL", "CJWT", "CCurl"],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "OpenShellClient",
      dependencies: ["GRPCTransport", "Logging", "OpenShellAPI"],
      swiftSettings: swiftSettings
    ),

    // MARK: - The gateway

    .target(
      name: "OpenShellGateway",
      dependencies: [
        "AuthCore", "Logging", "OpenShellAPI", "OpenShellCLI", "OpenShellClient", "GRPCTransport",
        "OIDC", "COpenSSL", "CSQLite",
      ],
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "GatewayBin",
      dependencies: ["OpenShellGateway", "OpenShellCLI", "Logging"],
      swiftSettings: swiftSettings
    ),

    // MARK: - The sandbox supervisor

    .target(
      name: "OpenShellSandbox",
      dependencies: [
        "AuthCore", "Logging", "OpenShellAPI", "OpenShellCLI", "OpenShellClient", "GRPCTransport",
      ],
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "SandboxBin",
      dependencies: ["OpenShellSandbox", "OpenShellCLI", "OpenShellAPI", "Logging"],
      swiftSettings: swiftSettings
    ),

    // MARK: - Examples

    .executableTarget(
      name: "AuthDecisionDemo",
      dependencies: ["AuthCore"],
      path: "Examples/AuthDecisionDemo",
      exclude: ["README.md"],
      swiftSettings: swiftSettings
    ),

    .executableTarget(
      name: "user-client",
      dependencies: ["OpenShellClient", "OpenShellAPI", "OpenShellCLI", "GRPCTransport"],
      path: "Examples/UserClient",
      exclude: ["README.md"],
      swiftSettings: swiftSettings
    ),

    // MARK: - Benchmarks

    .executableTarget(
      name: "oidc-bench",
      dependencies: ["OIDC", "AuthCore"],
      path: "Benchmarks/OIDCBench",
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "transport-bench-server",
      dependencies: ["GRPCTransport"],
      path: "Benchmarks/TransportBenchServer",
      swiftSettings: swiftSettings
    ),

    // MARK: - C libraries from Debian's packages

    .systemLibrary(
      name: "COpenSSL",
      pkgConfig: "openssl",
      providers: [.apt(["libssl-dev"])]
    ),
    .systemLibrary(
      name: "CNGHTTP2",
      pkgConfig: "libnghttp2",
      providers: [.apt(["libnghttp2-dev"])]
    ),
    .systemLibrary(name: "CJWT", pkgConfig: "libjwt", providers: [.apt(["libjwt-dev"])]),
    .systemLibrary(name: "CEpoll"),
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(
      name: "CCurl",
      pkgConfig: "libcurl",
      providers: [.apt(["libcurl4-openssl-dev"])]
    ),
    .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

    // MARK: - Tests

    .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: swiftSettings),
    .testTarget(
      name: "AuthCoreTests",
      dependencies: ["AuthCore", "OpenShellAPI"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "OpenShellAPITests",
      dependencies: ["TestSupport", "OpenShellAPI"],
      exclude: ["Python"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "GRPCTransportTests",
      dependencies: ["TestSupport", "GRPCTransport", "AuthCore", "Logging"],
      exclude: ["Peers"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "OIDCTests",
      dependencies: ["TestSupport", "OIDC", "AuthCore", "Logging"],
      resources: [.copy("TestSupport/issuer.py")],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "LoggingTests",
      dependencies: ["Logging"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "OpenShellGatewayTests",
      dependencies: ["TestSupport", "OpenShellGateway", "AuthCore"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "OpenShellSandboxTests",
      dependencies: ["OpenShellSandbox", "OpenShellAPI"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "OpenShellCLITests",
      dependencies: ["OpenShellCLI"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "GatewayEndToEndTests",
      dependencies: ["TestSupport", "GatewayBin", "SandboxBin", "OpenShellAPI"],
      exclude: ["Python"],
      swiftSettings: swiftSettings
    ),
  ]
)
