import AuthCore
import Logging
import OIDC
import Testing

/// A verifier for `issuer` that trusts the test CA and reads time from `clock`.
func makeVerifier(
  for issuer: TestIssuer,
  clock: ManualClock,
  logs: InMemoryLogHandler? = nil,
  configure: (inout OIDCVerifier.Configuration) -> Void = { _ in }
) throws -> OIDCVerifier {
  var config = OIDCVerifier.Configuration(issuer: issuer.url)
  config.fetch.caBundlePath = TestCertificates.shared.caPath
  config.clock = clock
  if let logs {
    config.logger = Logger(label: "oidc.test", handler: logs)
  }
  configure(&config)
  return try OIDCVerifier(configuration: config)
}

/// The error `body` throws, as an ``AuthError``; records an issue when it throws nothing
/// or something else.
func authError(
  sourceLocation: SourceLocation = #_sourceLocation,
  _ body: () async throws -> Identity
) async -> AuthError? {
  do {
    let identity = try await body()
    Issue.record("expected a refusal, got \(identity)", sourceLocation: sourceLocation)
    return nil
  } catch let error as AuthError {
    return error
  } catch {
    Issue.record("expected an AuthError, got \(error)", sourceLocation: sourceLocation)
    return nil
  }
}

/// Waits until `condition` holds, checking every 20 ms, for at most `limit` seconds.
///
/// For background work the test cannot await directly; the limit only keeps a broken build
/// from hanging, and nothing asserts how long the wait took.
func eventually(limit: Double = 30, _ condition: () throws -> Bool) async rethrows -> Bool {
  let clock = ContinuousClock()
  let deadline = clock.now.advanced(by: .milliseconds(Int64(limit * 1000)))
  while clock.now < deadline {
    if try condition() { return true }
    try? await Task.sleep(for: .milliseconds(20))
  }
  return try condition()
}
