import AuthCore
import Foundation
import Logging
import Testing

@testable import OIDC

@Suite("Key cache, refresh and outages")
struct KeyCacheTests {
  @Test("a token with an unknown kid after rotation triggers a refresh and verifies")
  func rotation() async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    let oldToken = try await issuer.mint(claims: issuer.claims(now: clock.secondsSince1970))
    _ = try await verifier.verify(token: oldToken)

    let newKid = try await issuer.rotate()
    clock.advance(by: 31)
    let newToken = try await issuer.mint(claims: issuer.claims(now: clock.secondsSince1970))
    let identity = try await verifier.verify(token: newToken)

    #expect(identity.subject == "user-1234")
    #expect(newKid != "rsa-1")
    #expect(try await issuer.hits().jwks == 2)
    // The old key is gone from the set, so the token it signed no longer passes, even
    // though it verified (and was cached) before.
    let error = try #require(await authError { try await verifier.verify(token: oldToken) })
    #expect(error.message == "token signed by an unknown key")
  }

  @Test("a flood of made-up kids causes at most one refresh per interval")
  func rateLimit() async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    _ = try await verifier.verify(
      token: issuer.mint(claims: issuer.claims(now: clock.secondsSince1970)))
    clock.advance(by: 31)
    let claims = issuer.claims(now: clock.secondsSince1970)
    var tokens: [String] = []
    for index in 0..<40 {
      tokens.append(try await issuer.mint(claims: claims, header: ["kid": "made-up-\(index)"]))
    }

    await withTaskGroup(of: Void.self) { group in
      for token in tokens {
        group.addTask {
          let error = await authError { try await verifier.verify(token: token) }
          #expect(error?.code == .unauthenticated)
        }
      }
    }

    #expect(try await issuer.hits().jwks == 2)
  }

  @Test("with no refresh interval, an unknown kid costs one refresh and is unauthenticated")
  func unknownKidWithoutInterval() async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock) {
      $0.keys.minimumRefreshInterval = 0
    }
    let claims = issuer.claims(now: clock.secondsSince1970)
    _ = try await verifier.verify(token: issuer.mint(claims: claims))

    let token = try await issuer.mint(claims: claims, header: ["kid": "made-up"])
    let error = try #require(await authError { try await verifier.verify(token: token) })

    #expect(error.code == .unauthenticated)
    #expect(try await issuer.hits().jwks == 2)
  }

  @Test("concurrent misses on a new kid share one refresh")
  func singleFlight() async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock) {
      $0.tokens.verifiedCacheCapacity = 0
    }
    _ = try await verifier.verify(
      token: issuer.mint(claims: issuer.claims(now: clock.secondsSince1970)))
    _ = try await issuer.rotate(keepOld: true)
    clock.advance(by: 31)
    let token = try await issuer.mint(claims: issuer.claims(now: clock.secondsSince1970))

    let verified = await withTaskGroup(of: Bool.self) { group in
      for _ in 0..<32 {
        group.addTask { (try? await verifier.verify(token: token)) != nil }
      }
      return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
    }

    #expect(verified == 32)
    #expect(try await issuer.hits().jwks == 2)
    #expect(try await issuer.hits().discovery == 1)
  }

  @Test("concurrent first calls share one discovery and one key fetch")
  func coldSingleFlight() async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    let token = try await issuer.mint(
      key: "ec256", alg: "ES256", claims: issuer.claims(now: clock.secondsSince1970))

    let verified = await withTaskGroup(of: Bool.self) { group in
      for _ in 0..<32 {
        group.addTask { (try? await verifier.verify(token: token)) != nil }
      }
      return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
    }

    #expect(verified == 32)
    let hits = try await issuer.hits()
    #expect(hits.discovery == 1)
    #expect(hits.jwks == 1)
  }

  @Test("with the issuer down, cached keys work until the TTL and grace run out")
  func outage() async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let logs = InMemoryLogHandler()
    let verifier = try makeVerifier(for: issuer, clock: clock, logs: logs) {
      $0.keys.cacheTTL = 600
      $0.keys.gracePeriod = 600
      $0.tokens.verifiedCacheCapacity = 0
    }
    _ = try await verifier.verify(
      token: issuer.mint(claims: issuer.claims(now: clock.secondsSince1970)))
    try await issuer.setDown(true)

    // Past the TTL: the cached key answers while a refresh fails behind it.
    clock.advance(by: 601)
    _ = try await verifier.verify(
      token: issuer.mint(claims: issuer.claims(now: clock.secondsSince1970)))
    #expect(await eventually { logs.records.contains { $0.level == .warning } })
    for _ in 0..<3 {
      clock.advance(by: 60)
      _ = try await verifier.verify(
        token: issuer.mint(claims: issuer.claims(now: clock.secondsSince1970)))
    }
    #expect(verifier.readiness == .stale)

    // Past the TTL and the grace: no key is trusted any more.
    clock.advance(by: 420)
    let error = try #require(
      await authError {
        try await verifier.verify(
          token: issuer.mint(claims: issuer.claims(now: clock.secondsSince1970)))
      })
    #expect(error.code == .unavailable)
    #expect(verifier.readiness == .expired)
    #expect(logs.records.filter { $0.level >= .warning }.count == 1)

    // The issuer comes back: the next refresh restores service and says so.
    try await issuer.setDown(false)
    clock.advance(by: 120)
    _ = try await verifier.verify(
      token: issuer.mint(claims: issuer.claims(now: clock.secondsSince1970)))
    #expect(verifier.readiness == .ready)
    #expect(logs.records.contains { $0.level == .info && $0.message.contains("again") })
  }

  @Test("a remembered token is refused once its keys are past the grace period")
  func cachedTokenAfterGrace() async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock) {
      $0.keys.cacheTTL = 600
      $0.keys.gracePeriod = 600
    }
    var claims = issuer.claims(now: clock.secondsSince1970)
    claims["exp"] = Int(clock.secondsSince1970) + 100_000
    let token = try await issuer.mint(claims: claims)
    _ = try await verifier.verify(token: token)
    #expect(verifier.cachedIdentity(for: token) != nil)
    #expect(verifier.identityWithoutWaiting(token: token) != nil)
    try await issuer.setDown(true)

    clock.advance(by: 1201)
    // The cache still holds the token, but neither path answers from it any more.
    #expect(verifier.cachedIdentity(for: token) != nil)
    #expect(verifier.identityWithoutWaiting(token: token) == nil)
    let error = try #require(await authError { try await verifier.verify(token: token) })

    #expect(error.code == .unavailable)
  }

  @Test("started with the issuer down, calls are unavailable until keys load")
  func startWhileDown() async throws {
    let issuer = try await TestIssuer.start()
    try await issuer.setDown(true)
    let clock = ManualClock()
    let logs = InMemoryLogHandler()
    let verifier = try makeVerifier(for: issuer, clock: clock, logs: logs) {
      $0.keys.initialRetryDelay = 0.05
      $0.keys.maximumRetryDelay = 0.2
    }
    verifier.start()
    defer { verifier.stop() }
    let token = try await issuer.mint(claims: issuer.claims(now: clock.secondsSince1970))

    let error = try #require(await authError { try await verifier.verify(token: token) })
    #expect(error.code == .unavailable)
    #expect(verifier.readiness == .loading)
    #expect(await eventually { logs.records.contains { $0.level == .warning } })

    try await issuer.setDown(false)
    #expect(await eventually { verifier.readiness == .ready })
    _ = try await verifier.verify(token: token)
    #expect(logs.records.filter { $0.level == .warning }.count == 1)
  }

  @Test("logs never contain the token or its signature")
  func logsStayClean() async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let logs = InMemoryLogHandler()
    let verifier = try makeVerifier(for: issuer, clock: clock, logs: logs)
    var claims = issuer.claims(now: clock.secondsSince1970)
    let good = try await issuer.mint(claims: claims)
    claims["aud"] = "other"
    let bad = try await issuer.mint(claims: claims)
    let stray = try await issuer.mint(key: "stray", claims: claims, header: ["kid": "rsa-1"])

    _ = try await verifier.verify(token: good)
    _ = await authError { try await verifier.verify(token: bad) }
    _ = await authError { try await verifier.verify(token: stray) }

    #expect(logs.records.count >= 2)
    for token in [good, bad, stray] {
      let signature = String(token.split(separator: ".")[2])
      for record in logs.records {
        let text = record.message + record.metadata.values.joined(separator: " ")
        #expect(!text.contains(signature))
        #expect(!text.contains(token.split(separator: ".")[1]))
      }
    }
  }
}
