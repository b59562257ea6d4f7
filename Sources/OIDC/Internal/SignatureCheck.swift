internal import CJWT
internal import COpenSSL

/// Checks a token's signature with the one key its `kid` named, under the one algorithm
/// that key allows and the header asked for.
enum SignatureCheck {
  /// Picks the algorithm: the header's `alg` must be one the key allows.
  ///
  /// This runs before any library sees the token, so libjwt never gets to choose the
  /// algorithm from the header (the HS256-with-a-public-key confusion).
  static func algorithm(for token: CompactToken, key: VerificationKey) throws -> JWSAlgorithm {
    guard let algorithm = JWSAlgorithm(rawValue: token.algorithmName) else {
      throw Refusal(
        "unsupported token algorithm",
        detail: "alg \(token.algorithmName.prefix(16)) is refused")
    }
    guard key.algorithms.contains(algorithm) else {
      throw Refusal(
        "token algorithm does not match its key",
        detail: "alg \(algorithm.rawValue) is not allowed for key \(key.keyID)")
    }
    return algorithm
  }

  /// Verifies the signature.
  ///
  /// - Throws: ``Refusal`` when it does not verify.
  static func verify(_ token: CompactToken, key: VerificationKey, algorithm: JWSAlgorithm) throws {
    let libjwtReadsType = try checkType(token)
    if let expected = algorithm.libjwtAlgorithm, libjwtReadsType {
      try verifyWithLibJWT(token, key: key, expected: expected)
    } else {
      try verifyWithOpenSSL(token, key: key, algorithm: algorithm)
    }
  }

  /// Checks the header's `typ` and says whether libjwt 1.10 can take the token.
  ///
  /// A missing `typ` or `JWT` is what libjwt accepts. RFC 9068 access tokens say `at+jwt`
  /// (Okta, Auth0 and others issue them), which libjwt 1.10 refuses inside `jwt_decode`
  /// whatever the signature; their signature is checked with OpenSSL against the same key
  /// instead, as RSA-PSS always is; so is `application/jwt`, the long form of `JWT` that
  /// libjwt does not know. Any other type is not an access token.
  ///
  /// - Returns: Whether libjwt can check the token.
  /// - Throws: ``Refusal`` for a `typ` that is not a string or not one of these.
  static func checkType(_ token: CompactToken) throws -> Bool {
    guard let value = token.header["typ"] else { return true }
    guard let type = value.stringValue?.lowercased() else {
      throw Refusal("malformed token", detail: "the header's typ is not a string")
    }
    switch type {
    case "jwt": return true
    // RFC 7515 section 4.1.9: `application/jwt` is `JWT` spelled in full.
    case "at+jwt", "application/at+jwt", "application/jwt": return false
    default:
      throw Refusal(
        "unsupported token type", detail: "typ \(type.prefix(32)) is not an access token type")
    }
  }

  // Known cost: libjwt 1.10 takes the key as PEM and parses it again on every call, and
  // under OpenSSL 3.0 that decode, not the signature, dominates (RS256 and ES256 verify at
  // about a fifth of PyJWT's rate cold; see Benchmarks/README.md). The verified-token cache
  // hides it for repeated tokens; removing it means checking RS and ES with the EVP_PKEY we
  // already hold, as PS does, instead of through libjwt.
  private static func verifyWithLibJWT(
    _ token: CompactToken, key: VerificationKey, expected: jwt_alg_t
  ) throws {
    var jwt: OpaquePointer?
    let status = key.pem.withUnsafeBufferPointer { pem in
      jwt_decode(&jwt, token.text, pem.baseAddress, Int32(pem.count))
    }
    defer { jwt_free(jwt) }
    // libjwt leaves OpenSSL errors behind on a bad signature; clear them so they are not
    // blamed on the next key built on this thread.
    let openSSLDetail = VerificationKey.drainErrors()
    // Known shortcoming: libjwt also parses the payload, so claims jansson cannot read (an
    // `exp` of 1e20) fail here and are reported as a bad signature, not a malformed token.
    guard status == 0, let jwt else {
      throw Refusal(
        "invalid token signature",
        detail: "libjwt refused the token (errno \(status)): \(openSSLDetail)")
    }
    // Checked again after decoding: the algorithm libjwt actually used must be the one we
    // chose. The parsers can disagree: with `alg` twice in the header, JSONDecoder keeps the
    // first and jansson (inside libjwt) the last, so `RS256` then `HS256` would otherwise
    // pass as an HMAC keyed with our PEM. A test forges exactly that token.
    guard jwt_get_alg(jwt) == expected else {
      throw Refusal(
        "invalid token signature", detail: "libjwt verified under a different algorithm")
    }
  }

  /// Checks the signature with OpenSSL against the key we already hold: RSA-PSS, which
  /// libjwt 1.10 does not implement, and tokens whose `typ` libjwt refuses.
  private static func verifyWithOpenSSL(
    _ token: CompactToken, key: VerificationKey, algorithm: JWSAlgorithm
  ) throws {
    let input = Array(token.signingInput.utf8)
    let signature = token.signature
    let result: Int32 =
      switch algorithm {
      case .ps256, .ps384, .ps512:
        COpenSSL_oidc_verify_rsa(
          key.key, algorithm.digestName, 1, input, input.count, signature, signature.count)
      case .rs256, .rs384, .rs512:
        COpenSSL_oidc_verify_rsa(
          key.key, algorithm.digestName, 0, input, input.count, signature, signature.count)
      case .es256, .es384, .es512:
        COpenSSL_oidc_verify_ecdsa_jws(
          key.key, algorithm.digestName, algorithm.ecdsaHalfLength, input, input.count,
          signature, signature.count)
      }
    let openSSLDetail = VerificationKey.drainErrors()
    guard result == 1 else {
      throw Refusal(
        "invalid token signature",
        detail: "OpenSSL \(algorithm.rawValue) check failed (\(result)): \(openSSLDetail)")
    }
  }
}
