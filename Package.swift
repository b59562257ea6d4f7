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
    .library(name: "OIDC", targets: ["OIDC"]),
  ],
  targets: [
    // MARK: - Pure Swift libraries

    .target(name: "Logging", swiftSettings: swiftSettings),
    .target(name: "AuthCore", swiftSettings: swiftSettings),
    .target(name: "OpenShellAPI", swiftSettings: swiftSettings),
    .target(name: "OpenShellCLI", swiftSettings: swiftSettings),

    // MARK: - OIDC

    .target(
      name: "OIDC",
      dependencies: ["AuthCore", "Logging", "COpenSSL", "CJWT", "CCurl"],
      swiftSettings: swiftSettings
    ),

    // MARK: - The gateway

    .target(
      name: "OpenShellGateway",
      dependencies: [
        "AuthCore", "Logging", "OpenShellAPI", "OpenShellCLI", "COpenSSL", "CSQLite",
      ],
      swiftSettings: swiftSettings
    ),

    // MARK: - The sandbox supervisor

    .target(
      name: "OpenShellSandbox",
      dependencies: ["AuthCore", "Logging", "OpenShellAPI", "OpenShellCLI"],
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

    // MARK: - Benchmarks

    .executableTarget(
      name: "oidc-bench",
      dependencies: ["OIDC", "AuthCore"],
      path: "Benchmarks/OIDCBench",
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
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(
      name: "CCurl",
      pkgConfig: "libcurl",
      providers: [.apt(["libcurl4-openssl-dev"])]
    ),
    .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

    // MARK: - Tests

    .testTarget(
      name: "AuthCoreTests",
      dependencies: ["AuthCore", "OpenShellAPI"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "OpenShellAPITests",
      dependencies: ["OpenShellAPI"],
      exclude: ["Python"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "OIDCTests",
      dependencies: ["OIDC", "AuthCore", "Logging"],
      resources: [.copy("TestSupport/issuer.py")],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "OpenShellGatewayTests",
      dependencies: ["OpenShellGateway", "AuthCore"],
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
  ]
)
