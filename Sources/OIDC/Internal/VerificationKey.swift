internal import COpenSSL
internal import Foundation

/// One public key from the issuer's JWKS, ready to check signatures.
///
/// Holds the OpenSSL key (for RSA-PSS, which we check with OpenSSL directly) and its PEM
/// encoding (what libjwt 1.10 takes for RSA PKCS#1 v1.5 and ECDSA).
///
/// `@unchecked Sendable` because of the `EVP_PKEY` pointer: the key is fully built before
/// `init` returns and never mutated afterwards, and OpenSSL 3 allows one key to be used by
/// verify operations on several threads at once. `deinit` frees it once no one holds it.
final class VerificationKey: @unchecked Sendable {
  /// The key's `kid`.
  let keyID: String
  /// The algorithms this key may check: the JWK's `alg` when it names one, otherwise
  /// every algorithm of the key's type (for EC, the one its curve implies).
  let algorithms: [JWSAlgorithm]
  /// The SubjectPublicKeyInfo in PEM, for libjwt.
  let pem: [UInt8]
  /// The OpenSSL key.
  let key: OpaquePointer

  /// The RSA modulus size we refuse below; shorter keys can be factored.
  static let minimumRSABits: Int32 = 2048

  /// Builds a key from one JWK object.
  ///
  /// - Throws: ``Refusal`` describing why the JWK is unusable; the caller skips it.
  init(jwk: [String: JSONValue]) throws {
    guard let keyID = jwk["kid"]?.stringValue, !keyID.isEmpty else {
      throw Refusal("unusable key", detail: "a key has no kid")
    }
    if let use = jwk["use"], use != .string("sig") {
      throw Refusal("unusable key", detail: "key \(keyID) is not for signatures")
    }
    if case .array(let operations)? = jwk["key_ops"], !operations.contains(.string("verify")) {
      throw Refusal("unusable key", detail: "key \(keyID) does not allow verify")
    }

    let pinned: JWSAlgorithm?
    if let name = jwk["alg"] {
      guard let text = name.stringValue, let algorithm = JWSAlgorithm(rawValue: text) else {
        throw Refusal("unusable key", detail: "key \(keyID) names an unsupported alg")
      }
      pinned = algorithm
    } else {
      pinned = nil
    }

    let built: (OpaquePointer, [JWSAlgorithm])
    switch jwk["kty"]?.stringValue {
    case "RSA":
      built = try Self.rsaKey(jwk, keyID: keyID)
    case "EC":
      built = try Self.ecKey(jwk, keyID: keyID)
    default:
      throw Refusal("unusable key", detail: "key \(keyID) has an unsupported kty")
    }
    var algorithms = built.1
    if let pinned {
      guard algorithms.contains(pinned) else {
        EVP_PKEY_free(built.0)
        throw Refusal("unusable key", detail: "key \(keyID) pins an alg its type cannot use")
      }
      algorithms = [pinned]
    }

    var buffer = [CChar](repeating: 0, count: 16 * 1024)
    let length = COpenSSL_oidc_public_key_pem(built.0, &buffer, buffer.count)
    guard length > 0 else {
      EVP_PKEY_free(built.0)
      throw Refusal("unusable key", detail: "key \(keyID): \(Self.drainErrors())")
    }

    self.keyID = keyID
    self.algorithms = algorithms
    self.pem = buffer[..<Int(length)].map { UInt8(bitPattern: $0) }
    self.key = built.0
  }

  deinit {
    EVP_PKEY_free(key)
  }

  private static func rsaKey(
    _ jwk: [String: JSONValue], keyID: String
  ) throws -> (OpaquePointer, [JWSAlgorithm]) {
    guard let n = jwk["n"]?.stringValue.flatMap({ Base64URL.decode(Substring($0)) }),
      let e = jwk["e"]?.stringValue.flatMap({ Base64URL.decode(Substring($0)) })
    else {
      throw Refusal("unusable key", detail: "RSA key \(keyID) lacks a valid n or e")
    }
    guard let key = COpenSSL_oidc_rsa_public_key(n, n.count, e, e.count) else {
      throw Refusal("unusable key", detail: "RSA key \(keyID): \(drainErrors())")
    }
    let bits = COpenSSL_oidc_key_bits(key)
    guard bits >= minimumRSABits else {
      EVP_PKEY_free(key)
      throw Refusal("unusable key", detail: "RSA key \(keyID) has only \(bits) bits")
    }
    return (key, JWSAlgorithm.rsa)
  }

  private static func ecKey(
    _ jwk: [String: JSONValue], keyID: String
  ) throws -> (OpaquePointer, [JWSAlgorithm]) {
    let curve: (name: String, size: Int, algorithm: JWSAlgorithm)
    switch jwk["crv"]?.stringValue {
    case "P-256": curve = ("P-256", 32, .es256)
    case "P-384": curve = ("P-384", 48, .es384)
    case "P-521": curve = ("P-521", 66, .es512)
    default:
      throw Refusal("unusable key", detail: "EC key \(keyID) has an unsupported crv")
    }
    guard let x = jwk["x"]?.stringValue.flatMap({ Base64URL.decode(Substring($0)) }),
      let y = jwk["y"]?.stringValue.flatMap({ Base64URL.decode(Substring($0)) }),
      x.count == curve.size, y.count == curve.size
    else {
      throw Refusal(
        "unusable key", detail: "EC key \(keyID) lacks x or y of \(curve.size) bytes")
    }
    guard let key = COpenSSL_oidc_ec_public_key(curve.name, x, y, curve.size) else {
      throw Refusal("unusable key", detail: "EC key \(keyID): \(drainErrors())")
    }
    return (key, [curve.algorithm])
  }

  /// Empties OpenSSL's error queue into one line for the debug log.
  static func drainErrors() -> String {
    var buffer = [CChar](repeating: 0, count: 1024)
    let count = COpenSSL_oidc_drain_errors(&buffer, buffer.count)
    if count == 0 { return "no OpenSSL error recorded" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
