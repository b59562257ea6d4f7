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
  ],
  targets: [
    // MARK: - Pure Swift libraries

    .target(name: "Logging", swiftSettings: swiftSettings),
    .target(name: "AuthCore", swiftSettings: swiftSettings),

    // MARK: - Tests

  ]
)
