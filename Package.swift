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
    .library(name: "OIDC", targets: ["OIDC"]),
  ],
  targets: [
    // MARK: - Pure Swift libraries

    .target(name: "Logging", swiftSettings: swiftSettings),
    .target(name: "AuthCore", swiftSettings: swiftSettings),
    .target(
      name: "OIDC",
      dependencies: ["AuthCore", "Logging", "COpenSSL", "CJWT", "CCurl"],
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
      name: "OIDCTests",
      dependencies: ["OIDC", "AuthCore", "Logging"],
      resources: [.copy("TestSupport/issuer.py")],
      swiftSettings: swiftSettings
    ),
  ]
)
