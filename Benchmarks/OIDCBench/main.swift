// Measures OIDCVerifier's throughput on one core: tokens verified per second with every call
// checking the signature (verified-token cache off) and with the cache on.
//
// Usage: oidc-bench <issuer-url> <seconds> <label=token>...
// Run through Benchmarks/oidc-bench.sh, which starts a local issuer and mints the tokens.

import AuthCore
import OIDC

#if canImport(Glibc)
  import Glibc
#endif

let arguments = CommandLine.arguments
guard arguments.count >= 4, let seconds = Double(arguments[2]) else {
  print("usage: oidc-bench <issuer-url> <seconds> <label=token>...")
  exit(2)
}
let issuer = arguments[1]

/// Verifies `token` in a loop for `seconds` and returns verifications per second.
func measure(_ verifier: OIDCVerifier, token: String, seconds: Double) async throws -> Double {
  // The first call loads the keys (and fills the cache when it is on); not timed.
  _ = try await verifier.verify(token: token)
  let clock = ContinuousClock()
  let start = clock.now
  let deadline = start.advanced(by: .milliseconds(Int64(seconds * 1000)))
  var count = 0
  while clock.now < deadline {
    for _ in 0..<100 {
      _ = try await verifier.verify(token: token)
    }
    count += 100
  }
  let elapsed = start.duration(to: clock.now)
  let elapsedSeconds =
    Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
  return Double(count) / elapsedSeconds
}

for pair in arguments.dropFirst(3) {
  guard let equals = pair.firstIndex(of: "=") else { continue }
  let label = pair[..<equals]
  let token = String(pair[pair.index(after: equals)...])
  for cached in [false, true] {
    var config = OIDCVerifier.Configuration(issuer: issuer)
    config.tokens.verifiedCacheCapacity = cached ? 10_000 : 0
    let verifier = try OIDCVerifier(configuration: config)
    let rate = try await measure(verifier, token: token, seconds: seconds)
    print("swift \(label) \(cached ? "cached" : "cold") \(Int(rate))")
  }
}
