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

  /// The identity `token` proves, when that is known without waiting: typically a token
  /// verified before, remembered and still trusted.
  ///
  /// A server asks this while it parses a call's headers, so it must not block, and must
  /// answer only what ``verify(token:)`` would answer now. The default knows nothing.
  ///
  /// - Parameter token: The credential after `Bearer `; never log it.
  /// - Returns: The identity, or `nil` when only ``verify(token:)`` can tell.
  func identityWithoutWaiting(token: String) -> Identity?
}

extension TokenVerifier {
  /// Knows nothing without waiting; every token goes to ``verify(token:)``.
  public func identityWithoutWaiting(token: String) -> Identity? { nil }
}
