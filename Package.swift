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
    .library(name: "GRPCTransport", targets: ["GRPCTransport"]),
  ],
  targets: [
    // MARK: - Pure Swift libraries

    .target(name: "Logging", swiftSettings: swiftSettings),
    .target(name: "AuthCore", swiftSettings: swiftSettings),
    .target(
      name: "GRPCTransport",
      dependencies: ["AuthCore", "Logging", "COpenSSL", "CNGHTTP2", "CZlib", "CEpoll"],
      swiftSettings: swiftSettings
    ),

    .executableTarget(
      name: "TransportBench",
      dependencies: ["GRPCTransport"],
      path: "Sources/TransportBench",
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

    .testTarget(
      name: "GRPCTransportTests",
      dependencies: ["GRPCTransport", "AuthCore", "Logging"],
      exclude: ["Peers"],
      swiftSettings: swiftSettings
    ),
  ]
)
