internal import AuthCore

/// Validates a verified token's claims and reads the identity out of them.
///
/// libjwt 1.10 validates no claims, so every rule lives here.
struct ClaimsCheck: Sendable {
  let issuer: String
  let audience: String
  let leeway: Double
  let rolesPath: String
  let scopesPath: String

  /// OpenID Connect scopes that grant nothing in our API, dropped from ``Identity/scopes``.
  static let openIDScopes: Set<String> = ["openid", "profile", "email", "offline_access"]

  /// What the claims prove.
  struct Result: Sendable {
    var identity: Identity
    var expiresAt: Double
  }

  /// Checks `payload` at time `now`.
  ///
  /// - Throws: ``Refusal`` naming the first claim that fails.
  func check(payload: [UInt8], now: Double) throws -> Result {
    guard let claims = JSONValue.object(from: payload) else {
      throw Refusal("malformed token", detail: "the payload is not a JSON object")
    }

    guard let tokenIssuer = claims["iss"]?.stringValue else {
      throw Refusal("token has no issuer")
    }
    guard IssuerURL.normalized(tokenIssuer) == IssuerURL.normalized(issuer) else {
      throw Refusal("token is from another issuer", detail: "iss is \(tokenIssuer.prefix(200))")
    }
    try checkAudience(claims["aud"])
    let expiresAt = try checkTimes(claims, now: now)
    guard let subject = claims["sub"]?.stringValue,
      subject.contains(where: { !$0.isWhitespace })
    else {
      throw Refusal("token has no subject")
    }

    let root = JSONValue.object(claims)
    let identity = Identity(
      subject: subject,
      displayName: claims["preferred_username"]?.stringValue,
      roles: Self.strings(at: rolesPath, in: root, splittingOnSpaces: false),
      scopes: scopesPath.isEmpty
        ? []
        : Self.strings(at: scopesPath, in: root, splittingOnSpaces: true)
          .subtracting(Self.openIDScopes),
      provider: .oidc
    )
    return Result(identity: identity, expiresAt: expiresAt)
  }

  private func checkAudience(_ value: JSONValue?) throws {
    switch value {
    case .string(let single) where single == audience:
      return
    case .array(let list) where list.contains(.string(audience)):
      return
    case nil:
      throw Refusal("token has no audience")
    default:
      throw Refusal(
        "token is for another audience", detail: "aud does not contain \(audience)")
    }
  }

  /// Checks `exp` (required), `nbf` and `iat`, each allowing ``leeway`` of clock skew.
  ///
  /// - Returns: `exp`.
  private func checkTimes(_ claims: [String: JSONValue], now: Double) throws -> Double {
    guard let expiry = claims["exp"] else { throw Refusal("token has no expiry") }
    guard let expiresAt = expiry.numberValue, expiresAt.isFinite else {
      throw Refusal("malformed token", detail: "exp is not a number")
    }
    if now >= expiresAt + leeway {
      throw Refusal("token has expired", detail: "exp \(expiresAt), now \(now)")
    }
    if let notBefore = claims["nbf"] {
      guard let value = notBefore.numberValue, value.isFinite else {
        throw Refusal("malformed token", detail: "nbf is not a number")
      }
      if now + leeway < value {
        throw Refusal("token is not valid yet", detail: "nbf \(value), now \(now)")
      }
    }
    if let issuedAt = claims["iat"] {
      guard let value = issuedAt.numberValue, value.isFinite else {
        throw Refusal("malformed token", detail: "iat is not a number")
      }
      if now + leeway < value {
        throw Refusal("token is issued in the future", detail: "iat \(value), now \(now)")
      }
    }
    return expiresAt
  }

  /// The strings at `path`: an array's string elements, or one string.
  ///
  /// A scope claim's string is space-separated (RFC 8693 `scope`, Entra's `scp`), so it is
  /// split. A roles claim's string is one role: splitting it would turn a role whose name has
  /// a space into other roles the identity provider never granted. Anything else gives none,
  /// which grants nothing.
  static func strings(
    at path: String,
    in root: JSONValue,
    splittingOnSpaces: Bool
  ) -> Set<String> {
    switch root.value(atPath: path) {
    case .string(let text) where splittingOnSpaces:
      return Set(text.split(separator: " ").map(String.init))
    case .string(let text):
      return text.isEmpty ? [] : [text]
    case .array(let items):
      return Set(items.compactMap(\.stringValue).filter { !$0.isEmpty })
    default:
      return []
    }
  }
}
