/// Something that turns a Bearer token into an ``Identity``.
///
/// The OIDC module implements this against an issuer's keys; another service may bring its
/// own. The decision calls it only for methods that take a Bearer, and only with a token that
/// already passed the `authorization` header's syntax check.
public protocol TokenVerifier: Sendable {
  /// Verifies `token` and returns who it names.
  ///
  /// - Parameter token: The credential after `Bearer `; never log it.
  /// - Returns: The identity the token proves.
  /// - Throws: ``AuthError``: UNAUTHENTICATED for a token that does not verify,
  ///   UNAVAILABLE when the keys to check it cannot be had yet. Any other error is
  ///   reported to the caller as UNAUTHENTICATED.
  func verify(token: String) async throws -> Identity
}
