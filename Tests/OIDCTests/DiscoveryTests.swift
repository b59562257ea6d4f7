import AuthCore
import Foundation
import Logging
import OIDC
import Testing

@Suite("Discovery and transport")
struct DiscoveryTests {
  @Test("a discovery document naming another issuer leaves the verifier unavailable")
  func issuerMismatch() async throws {
    let issuer = try await TestIssuer.start()
    try await issuer.command(["cmd": "configure", "advertised_issuer": "https://other.example.com"])
    let clock = ManualClock()
    let logs = InMemoryLogHandler()
    let verifier = try makeVerifier(for: issuer, clock: clock, logs: logs)
    let token = try await issuer.mint(claims: issuer.claims(now: clock.secondsSince1970))

    let error = try #require(await authError { try await verifier.verify(token: token) })

    #expect(error.code == .unavailable)
    #expect(error.cause?.contains("https://other.example.com") == true)
    #expect(try await issuer.hits().jwks == 0)
    let warning = try #require(logs.records.first { $0.level == .warning })
    #expect(warning.metadata["oidc.error"]?.contains("is not") == true)
  }

  @Test("a jwks_uri over http to a host that is not loopback is refused")
  func plainKeySetURL() async throws {
    let issuer = try await TestIssuer.start()
    try await issuer.command(["cmd": "configure", "jwks_uri": "http://keys.example.com/jwks"])
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    let token = try await issuer.mint(claims: issuer.claims(now: clock.secondsSince1970))

    let error = try #require(await authError { try await verifier.verify(token: token) })

    #expect(error.code == .unavailable)
  }

  @Test("a key set larger than the response limit is refused")
  func oversizedKeySet() async throws {
    let issuer = try await TestIssuer.start()
    try await issuer.command(["cmd": "configure", "jwks_uri": issuer.url + "/huge"])
    let clock = ManualClock()
    let logs = InMemoryLogHandler()
    let verifier = try makeVerifier(for: issuer, clock: clock, logs: logs)
    let token = try await issuer.mint(claims: issuer.claims(now: clock.secondsSince1970))

    let error = try #require(await authError { try await verifier.verify(token: token) })

    #expect(error.code == .unavailable)
    let warning = try #require(logs.records.first { $0.level == .warning })
    #expect(warning.metadata["oidc.error"]?.contains("larger than") == true)
  }

  @Test("a fetch that outlasts its timeout leaves the verifier unavailable")
  func fetchTimeout() async throws {
    let issuer = try await TestIssuer.start()
    try await issuer.command(["cmd": "stall", "seconds": 5])
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock) { $0.fetch.timeout = 0.5 }
    let token = try await issuer.mint(claims: issuer.claims(now: clock.secondsSince1970))

    let error = try #require(await authError { try await verifier.verify(token: token) })

    #expect(error.code == .unavailable)
    #expect(error.cause?.lowercased().contains("timed out") == true)
  }

  @Test("an issuer whose certificate the trust store does not know is unavailable")
  func untrustedCertificate() async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock) { $0.fetch.caBundlePath = nil }
    let token = try await issuer.mint(claims: issuer.claims(now: clock.secondsSince1970))

    let error = try #require(await authError { try await verifier.verify(token: token) })

    #expect(error.code == .unavailable)
    #expect(try await issuer.hits().discovery == 0)
  }

  @Test("plain http to an issuer on a loopback address works")
  func loopbackHTTP() async throws {
    let issuer = try await TestIssuer.start(plain: true)
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)

    let identity = try await verifier.verify(
      token: issuer.mint(claims: issuer.claims(now: clock.secondsSince1970)))

    #expect(identity.subject == "user-1234")
  }

  @Test(
    "an issuer that is not a URL, or http:// off loopback, is refused at start",
    arguments: [
      "http://sso.example.com/realms/x", "sso.example.com", "ftp://sso.example.com",
      "https://", "https://user:pw@sso.example.com", "https://sso.example.com/?realm=x",
      "http://127.0.0.1.example.com", "http://10.0.0.1:8080", "",
    ])
  func invalidIssuer(issuer: String) throws {
    let error = #expect(throws: OIDCConfigurationError.self) {
      try OIDCVerifier(configuration: .init(issuer: issuer))
    }
    #expect(error?.setting == "issuer")
  }

  @Test(
    "https issuers and http to loopback are accepted",
    arguments: [
      "https://sso.example.com/realms/x", "https://sso.example.com/", "http://127.0.0.1:8080",
      "http://localhost:8080/realms/x", "http://[::1]:9000",
    ])
  func validIssuer(issuer: String) throws {
    _ = try OIDCVerifier(configuration: .init(issuer: issuer))
  }

  @Test("other invalid settings name themselves")
  func invalidSettings() throws {
    var config = OIDCVerifier.Configuration(issuer: "https://sso.example.com")
    config.keys.cacheTTL = 0
    let error = #expect(throws: OIDCConfigurationError.self) {
      try OIDCVerifier(configuration: config)
    }
    #expect(error?.setting == "keys.cacheTTL")

    config = OIDCVerifier.Configuration(issuer: "https://sso.example.com")
    config.claims.rolesPath = "realm_access..roles"
    let rolesError = #expect(throws: OIDCConfigurationError.self) {
      try OIDCVerifier(configuration: config)
    }
    #expect(rolesError?.setting == "claims.rolesPath")
  }

  @Test("the defaults are the documented ones")
  func defaults() {
    let config = OIDCVerifier.Configuration(issuer: "https://sso.example.com")
    #expect(config.audience == "openshell-cli")
    #expect(config.keys.cacheTTL == 3600)
    #expect(config.claims.rolesPath == "realm_access.roles")
    #expect(config.claims.scopesPath == "")
    #expect(config.tokens.clockLeeway == 60)
    #expect(config.fetch.caBundlePath == nil)
  }
}
