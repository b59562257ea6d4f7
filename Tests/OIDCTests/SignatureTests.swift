import AuthCore
import Foundation
import OIDC
import Testing

@Suite("Signatures and algorithms")
struct SignatureTests {
  @Test(
    "a token PyJWT signed with a published key verifies",
    arguments: [
      ("rsa", "RS256"), ("rsa", "RS384"), ("rsa", "RS512"),
      ("rsa", "PS256"), ("rsa", "PS384"), ("rsa", "PS512"),
      ("ec256", "ES256"), ("ec384", "ES384"), ("ec521", "ES512"),
    ])
  func validToken(key: String, alg: String) async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    let token = try await issuer.mint(
      key: key, alg: alg, claims: issuer.claims(now: clock.secondsSince1970))

    let identity = try await verifier.verify(token: token)

    #expect(identity.subject == "user-1234")
    #expect(identity.displayName == "alice")
    #expect(identity.roles == ["admin", "viewer"])
    #expect(identity.scopes.isEmpty)
    #expect(identity.provider == .oidc)
  }

  @Test(
    "an RFC 9068 access token (typ at+jwt) verifies, with each algorithm",
    arguments: [
      ("rsa", "RS256", "at+jwt"), ("rsa", "RS512", "application/at+jwt"),
      ("rsa", "PS256", "at+jwt"), ("ec256", "ES256", "at+JWT"), ("ec384", "ES384", "at+jwt"),
      ("rsa", "RS256", "application/jwt"),
      ("ec521", "ES512", "at+jwt"),
    ])
  func accessTokenType(key: String, alg: String, type: String) async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    let token = try await issuer.mint(
      key: key, alg: alg, claims: issuer.claims(now: clock.secondsSince1970),
      header: ["typ": type])

    #expect(try await verifier.verify(token: token).subject == "user-1234")
  }

  @Test(
    "a typ at+jwt token signed by a key the issuer does not publish is refused",
    arguments: [("stray", "RS256", "rsa-1"), ("stray-ec256", "ES256", "ec256-1")])
  func accessTokenTypeStrayKey(key: String, alg: String, kid: String) async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    let token = try await issuer.mint(
      key: key, alg: alg, claims: issuer.claims(now: clock.secondsSince1970),
      header: ["kid": kid, "typ": "at+jwt"])

    let error = try #require(await authError { try await verifier.verify(token: token) })
    #expect(error.code == .unauthenticated)
    #expect(error.message == "invalid token signature")
  }

  @Test("a token type that is not an access token's is refused by name")
  func otherTokenType() async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    let claims = issuer.claims(now: clock.secondsSince1970)

    let idToken = try await issuer.mint(key: "rsa", claims: claims, header: ["typ": "id+jwt"])
    let refused = try #require(await authError { try await verifier.verify(token: idToken) })
    #expect(refused.message == "unsupported token type")

    let numeric = try await issuer.mint(key: "rsa", claims: claims, header: ["typ": 5])
    let malformed = try #require(await authError { try await verifier.verify(token: numeric) })
    #expect(malformed.message == "malformed token")
  }

  @Test("alg none is refused without asking the issuer for keys")
  func algNone() async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    let claims = issuer.claims(now: clock.secondsSince1970)

    for signature in ["", "c2lnbmF0dXJl"] {
      let token =
        try await issuer.command(["cmd": "unsigned", "claims": claims, "signature": signature])[
          "token"] as! String
      let error = try #require(await authError { try await verifier.verify(token: token) })
      #expect(error.code == .unauthenticated)
    }
    #expect(try await issuer.hits().jwks == 0)
  }

  @Test("an HS256 token keyed with the issuer's public key is refused")
  func hmacWithPublicKey() async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    let token =
      try await issuer.command([
        "cmd": "hs256_with_public_key", "key": "rsa",
        "claims": issuer.claims(now: clock.secondsSince1970),
      ])["token"] as! String

    let error = try #require(await authError { try await verifier.verify(token: token) })

    #expect(error.code == .unauthenticated)
    #expect(error.message == "unsupported token algorithm")
  }

  @Test("a header naming alg twice cannot smuggle HS256 past the algorithm check")
  func duplicateAlgorithm() async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    let token =
      try await issuer.command([
        "cmd": "duplicate_alg", "key": "rsa", "claims": issuer.claims(now: clock.secondsSince1970),
      ])["token"] as! String

    let error = try #require(await authError { try await verifier.verify(token: token) })

    #expect(error.code == .unauthenticated)
  }

  @Test("a token signed by a key the issuer does not publish is refused")
  func strayKey() async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    let claims = issuer.claims(now: clock.secondsSince1970)

    let borrowedKid = try await issuer.mint(key: "stray", claims: claims, header: ["kid": "rsa-1"])
    let error = try #require(await authError { try await verifier.verify(token: borrowedKid) })
    #expect(error.message == "invalid token signature")

    let ownKid = try await issuer.mint(key: "stray", claims: claims)
    let unknown = try #require(await authError { try await verifier.verify(token: ownKid) })
    #expect(unknown.message == "token signed by an unknown key")
  }

  @Test(
    "a header algorithm the key does not allow is refused",
    arguments: [
      ("ec256", "ES256", "rsa-1"), ("rsa", "RS256", "ec256-1"), ("ec384", "ES384", "ec256-1"),
    ])
  func algorithmFromKey(key: String, alg: String, kid: String) async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    let token = try await issuer.mint(
      key: key, alg: alg, claims: issuer.claims(now: clock.secondsSince1970), header: ["kid": kid])

    let error = try #require(await authError { try await verifier.verify(token: token) })

    #expect(error.message == "token algorithm does not match its key")
  }

  @Test("a key whose JWK names an alg accepts only that alg")
  func pinnedAlgorithm() async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    let claims = issuer.claims(now: clock.secondsSince1970)

    _ = try await verifier.verify(token: issuer.mint(key: "rsa-ps", alg: "PS256", claims: claims))
    for alg in ["RS256", "PS384"] {
      let token = try await issuer.mint(key: "rsa-ps", alg: alg, claims: claims)
      let error = try #require(await authError { try await verifier.verify(token: token) })
      #expect(error.message == "token algorithm does not match its key")
    }
  }

  @Test("a token without kid is refused")
  func missingKid() async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    let token = try await issuer.mint(
      claims: issuer.claims(now: clock.secondsSince1970), header: ["kid": NSNull()])

    let error = try #require(await authError { try await verifier.verify(token: token) })

    #expect(error.message == "token has no key ID")
  }

  @Test("truncated, altered and garbage tokens are refused")
  func malformed() async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    let token = try await issuer.mint(claims: issuer.claims(now: clock.secondsSince1970))
    let parts = token.split(separator: ".").map(String.init)
    let candidates = [
      "", "garbage", "a.b", "a.b.c.d", "\(parts[0])..\(parts[2])", "\(parts[0]).\(parts[1]).",
      String(token.dropLast(10)), token + ".", token + "=", " " + token, token + "\n",
      "\(parts[0]).\(parts[1]).\(parts[2])==", "\(parts[0]).\(parts[1]).\(parts[2]).\(parts[2])",
      "\(parts[0]).\(parts[1].dropLast(2)).\(parts[2])",
      "\(parts[0]).\(parts[1]).\(parts[2].replacingOccurrences(of: "-", with: "+"))",
      "e30.e30.e30", "!!!.###.$$$",
    ]
    for candidate in candidates where candidate != token {
      let error = try #require(await authError { try await verifier.verify(token: candidate) })
      #expect(error.code == .unauthenticated, "\(candidate.prefix(20))")
    }
    // The untouched token still verifies, so the refusals above are about the changes.
    _ = try await verifier.verify(token: token)
  }

  @Test("a 64 KiB token is refused before any parsing")
  func oversized() async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    var claims = issuer.claims(now: clock.secondsSince1970)
    claims["padding"] = String(repeating: "x", count: 64 * 1024)
    let token = try await issuer.mint(claims: claims)

    let error = try #require(await authError { try await verifier.verify(token: token) })

    #expect(error.message == "token too large")
    #expect(try await issuer.hits().jwks == 0)
  }
}
