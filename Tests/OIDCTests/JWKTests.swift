import Testing

@testable import OIDC

@Suite("Keys from JWK parameters")
struct JWKTests {
  /// The P-256 base point, a point certainly on the curve.
  private static let p256X = "axfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5RdiYwpY"
  private static let p256Y = "T-NC4v4af5uO5-tKfA-eFivOM1drMV7Oy7ZAaDe_UfU"

  private func ecKey(x: String = p256X, y: String = p256Y, extra: [String: JSONValue] = [:])
    -> [String: JSONValue]
  {
    var jwk: [String: JSONValue] = [
      "kty": .string("EC"), "crv": .string("P-256"), "kid": .string("k1"), "x": .string(x),
      "y": .string(y),
    ]
    jwk.merge(extra) { _, new in new }
    return jwk
  }

  @Test("an EC key on P-256 builds and allows only ES256")
  func validEC() throws {
    let key = try VerificationKey(jwk: ecKey())
    #expect(key.algorithms == [.es256])
    #expect(String(decoding: key.pem, as: UTF8.self).hasPrefix("-----BEGIN PUBLIC KEY-----"))
  }

  @Test("an EC point that is not on the curve is refused")
  func offCurve() {
    // The base point's y with its last character changed, keeping the encoding canonical so
    // that OpenSSL, not the base64url check, is what refuses it.
    let y = String(Self.p256Y.dropLast()) + "Y"
    let error = #expect(throws: Refusal.self) { try VerificationKey(jwk: ecKey(y: y)) }
    #expect(error?.detail.hasPrefix("EC key k1: ") == true)
  }

  @Test(
    "unusable JWKs are refused",
    arguments: [
      ["use": JSONValue.string("enc")], ["alg": .string("HS256")], ["alg": .string("RS256")],
      ["kty": .string("oct")], ["crv": .string("secp256k1")], ["kid": .string("")],
      ["x": .string("AQAB")], ["key_ops": .array([.string("encrypt")])],
    ] as [[String: JSONValue]])
  func unusable(extra: [String: JSONValue]) {
    #expect(throws: Refusal.self) { try VerificationKey(jwk: ecKey(extra: extra)) }
  }

  @Test("an RSA modulus under 2048 bits is refused")
  func shortRSA() {
    let modulus = [UInt8](repeating: 0xC5, count: 128)  // 1024 bits, odd
    let jwk: [String: JSONValue] = [
      "kty": .string("RSA"), "kid": .string("short"), "n": .string(Base64URL.encode(modulus)),
      "e": .string("AQAB"),
    ]
    #expect(throws: Refusal.self) { try VerificationKey(jwk: jwk) }
  }
}
