/// Why AuthCore, or a ``TokenVerifier`` it called, refused a call.
///
/// The ``message`` goes back to the caller, so it names what was refused and why but never
/// carries key material or the token. Detail for operators goes in ``cause`` and the logs.
public struct AuthError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The gRPC status the refusal maps to.
  public var code: StatusCode

  /// A short reason a caller can act on.
  public var message: String

  /// Operator-facing detail that is not sent to the caller; never a secret.
  public var cause: String?

  /// Creates an error.
  ///
  /// - Parameters:
  ///   - code: The gRPC status the refusal maps to.
  ///   - message: A short reason for the caller.
  ///   - cause: Operator-facing detail; defaults to none.
  public init(code: StatusCode, message: String, cause: String? = nil) {
    self.code = code
    self.message = message
    self.cause = cause
  }

  /// `UNAUTHENTICATED` with `message`.
  public static func unauthenticated(_ message: String, cause: String? = nil) -> AuthError {
    AuthError(code: .unauthenticated, message: message, cause: cause)
  }

  /// `PERMISSION_DENIED` with `message`.
  public static func permissionDenied(_ message: String, cause: String? = nil) -> AuthError {
    AuthError(code: .permissionDenied, message: message, cause: cause)
  }

  /// `UNAVAILABLE` with `message`.
  public static func unavailable(_ message: String, cause: String? = nil) -> AuthError {
    AuthError(code: .unavailable, message: message, cause: cause)
  }

  /// The code, the message and, when present, the cause.
  public var description: String {
    var text = "\(code): \(message)"
    if let cause { text += " (cause: \(cause))" }
    return text
  }
}
