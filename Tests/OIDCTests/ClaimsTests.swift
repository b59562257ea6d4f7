import AuthCore
import Foundation
import OIDC
import Testing

@Suite("Claims")
struct ClaimsTests {
  @Test("a token from another issuer is refused")
  func wrongIssuer() async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    var claims = issuer.claims(now: clock.secondsSince1970)
    claims["iss"] = "https://evil.example.com"

    let error = try #require(
      await authError { try await verifier.verify(token: issuer.mint(claims: claims)) })

    #expect(error.message == "token is from another issuer")
  }

  @Test("iss with a trailing slash matches the configured issuer")
  func issuerTrailingSlash() async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    var claims = issuer.claims(now: clock.secondsSince1970)
    claims["iss"] = issuer.url + "/"

    _ = try await verifier.verify(token: issuer.mint(claims: claims))
  }

  /// Each case is the `aud` claim as JSON text and whether it names ours.
  @Test(
    "the audience must name ours",
    arguments: [
      (#"["openshell-cli"]"#, true), (#"["other", "openshell-cli"]"#, true),
      (#""openshell-cli""#, true), (#""other""#, false), (#"["other"]"#, false),
      ("[]", false), ("7", false), (#""openshell-cli-x""#, false),
    ])
  func audience(json: String, accepted: Bool) async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    let value = try JSONSerialization.jsonObject(
      with: Data(json.utf8), options: .fragmentsAllowed)
    let token = try await issuer.mint(
      claims: issuer.claims(now: clock.secondsSince1970, audience: value))

    if accepted {
      _ = try await verifier.verify(token: token)
    } else {
      let error = try #require(await authError { try await verifier.verify(token: token) })
      #expect(error.message == "token is for another audience")
    }
  }

  @Test("missing aud, exp or sub is refused", arguments: ["aud", "exp", "sub", "iss"])
  func missingClaim(name: String) async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    var claims = issuer.claims(now: clock.secondsSince1970)
    claims[name] = nil

    let error = try #require(
      await authError { try await verifier.verify(token: issuer.mint(claims: claims)) })

    #expect(error.code == .unauthenticated)
    #expect(error.message.hasPrefix("token has no"))
  }

  @Test("a subject that is only whitespace is refused", arguments: [" ", "  \t", "\n"])
  func blankSubject(subject: String) async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    var claims = issuer.claims(now: clock.secondsSince1970)
    claims["sub"] = subject

    let error = try #require(
      await authError { try await verifier.verify(token: issuer.mint(claims: claims)) })

    #expect(error.message == "token has no subject")
  }

  /// Each case sets one time claim relative to now and says whether the 60 s leeway lets it
  /// through.
  @Test(
    "exp, nbf and iat are checked with the leeway",
    arguments: [
      ("exp", -61.0, false), ("exp", -60.0, false), ("exp", -59.0, true), ("exp", 1.0, true),
      ("nbf", 61.0, false), ("nbf", 60.0, true), ("nbf", 0.0, true),
      ("iat", 61.0, false), ("iat", 60.0, true), ("iat", -3600.0, true),
    ])
  func timeClaims(name: String, offset: Double, accepted: Bool) async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    let now = clock.secondsSince1970
    var claims = issuer.claims(now: now)
    claims[name] = Int(now + offset)

    let token = try await issuer.mint(claims: claims)

    if accepted {
      _ = try await verifier.verify(token: token)
    } else {
      let error = try #require(await authError { try await verifier.verify(token: token) })
      #expect(error.code == .unauthenticated)
    }
  }

  @Test("a token that verified stops verifying once the clock passes exp and the leeway")
  func expiresLater() async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    let token = try await issuer.mint(claims: issuer.claims(now: clock.secondsSince1970))
    _ = try await verifier.verify(token: token)

    clock.advance(by: 300 + 61)
    let error = try #require(await authError { try await verifier.verify(token: token) })

    #expect(error.message == "token has expired")
  }

  @Test("exp as a string is refused")
  func expNotNumber() async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    var claims = issuer.claims(now: clock.secondsSince1970)
    claims["exp"] = "\(Int(clock.secondsSince1970) + 300)"

    let error = try #require(
      await authError { try await verifier.verify(token: issuer.mint(claims: claims)) })

    #expect(error.message == "malformed token")
  }

  /// Claim layouts of Keycloak, Entra ID and Okta, and the shapes scopes come in; the extra
  /// claims are JSON text.
  @Test(
    "roles and scopes are read in each claim shape",
    arguments: [
      (
        OIDCVerifier.Configuration.Claims.defaults,
        #"{"realm_access": {"roles": ["admin"]}, "scope": "openid sandbox.read"}"#,
        ["admin"] as Set<String>, [] as Set<String>
      ),
      (
        .entra, #"{"roles": ["Sandbox.Admin", "x"], "scp": "sandbox.read openid profile"}"#,
        ["Sandbox.Admin", "x"], ["sandbox.read"]
      ),
      (
        .okta, #"{"groups": ["ops"], "scp": ["sandbox.write", "offline_access", "email"]}"#,
        ["ops"], ["sandbox.write"]
      ),
      (
        OIDCVerifier.Configuration.Claims(rolesPath: "roles", scopesPath: "scope"),
        #"{"roles": "solo", "scope": "a b  c"}"#, ["solo"], ["a", "b", "c"]
      ),
      (
        OIDCVerifier.Configuration.Claims(rolesPath: "resource.app.roles", scopesPath: "scp"),
        #"{"resource": {"app": {"roles": ["deep", 3]}}, "scp": 5}"#, ["deep"], []
      ),
      (
        .defaults, #"{"realm_access": {"roles": "viewer openshell-admin"}}"#,
        ["viewer openshell-admin"], []
      ),
      (.entra, "{}", [], []),
      (.defaults, #"{"realm_access": ["admin"]}"#, [], []),
    ] as [(OIDCVerifier.Configuration.Claims, String, Set<String>, Set<String>)])
  func rolesAndScopes(
    layout: OIDCVerifier.Configuration.Claims, extraJSON: String, roles: Set<String>,
    scopes: Set<String>
  ) async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock) { $0.claims = layout }
    let extra = try #require(
      JSONSerialization.jsonObject(with: Data(extraJSON.utf8)) as? [String: Any])
    var claims = issuer.claims(now: clock.secondsSince1970)
    claims["realm_access"] = nil
    claims.merge(extra) { _, new in new }

    let identity = try await verifier.verify(token: issuer.mint(claims: claims))

    #expect(identity.roles == roles)
    #expect(identity.scopes == scopes)
  }
}
