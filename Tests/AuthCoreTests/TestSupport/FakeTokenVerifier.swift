import AuthCore
import Synchronization

/// A verifier that knows a fixed set of tokens, standing in for OIDC in decision tests.
///
/// Like the OIDC verifier's cache, it vouches without waiting only for tokens it has
/// verified before.
final class FakeTokenVerifier: TokenVerifier {
  private let identities: [String: Identity]
  private let failures: [String: AuthError]
  private let calls = Mutex(0)
  private let remembered = Mutex<Set<String>>([])

  init(_ identities: [String: Identity], failures: [String: AuthError] = [:]) {
    self.identities = identities
    self.failures = failures
  }

  /// How many times the decision asked for a verification.
  var verifyCount: Int { calls.withLock { $0 } }

  func verify(token: String) async throws -> Identity {
    calls.withLock { $0 += 1 }
    if let failure = failures[token] { throw failure }
    guard let identity = identities[token] else {
      throw AuthError.unauthenticated("the Bearer token is not valid")
    }
    remembered.withLock { _ = $0.insert(token) }
    return identity
  }

  func identityWithoutWaiting(token: String) -> Identity? {
    remembered.withLock { $0.contains(token) } ? identities[token] : nil
  }
}
