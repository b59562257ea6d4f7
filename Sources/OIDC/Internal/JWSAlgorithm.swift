internal import CJWT

/// The signature algorithms the verifier accepts. `none` and every HMAC algorithm are
/// absent on purpose: a public key must never serve as a shared secret.
enum JWSAlgorithm: String, Sendable, CaseIterable {
  case rs256 = "RS256"
  case rs384 = "RS384"
  case rs512 = "RS512"
  case ps256 = "PS256"
  case ps384 = "PS384"
  case ps512 = "PS512"
  case es256 = "ES256"
  case es384 = "ES384"
  case es512 = "ES512"

  /// The algorithms an RSA key can check.
  static let rsa: [JWSAlgorithm] = [.rs256, .rs384, .rs512, .ps256, .ps384, .ps512]

  /// libjwt's identifier, or `nil` for RSA-PSS, which libjwt 1.10 does not implement.
  var libjwtAlgorithm: jwt_alg_t? {
    switch self {
    case .rs256: JWT_ALG_RS256
    case .rs384: JWT_ALG_RS384
    case .rs512: JWT_ALG_RS512
    case .es256: JWT_ALG_ES256
    case .es384: JWT_ALG_ES384
    case .es512: JWT_ALG_ES512
    case .ps256, .ps384, .ps512: nil
    }
  }

  /// The length of each of `r` and `s` in an ECDSA signature (RFC 7518 section 3.4): the
  /// curve's field size in bytes; 0 for RSA.
  var ecdsaHalfLength: Int {
    switch self {
    case .es256: 32
    case .es384: 48
    case .es512: 66
    default: 0
    }
  }

  /// OpenSSL's digest name for the algorithm.
  var digestName: String {
    switch self {
    case .rs256, .ps256, .es256: "SHA256"
    case .rs384, .ps384, .es384: "SHA384"
    case .rs512, .ps512, .es512: "SHA512"
    }
  }
}
