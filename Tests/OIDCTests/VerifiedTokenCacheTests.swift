import AuthCore
import Testing

@testable import OIDC

@Suite("Verified-token cache")
struct VerifiedTokenCacheTests {
  private let identity = Identity(subject: "s", provider: .oidc)

  @Test("an entry answers until its exp and not after")
  func expiry() {
    let cache = VerifiedTokenCache(capacity: 10)
    let digest = VerifiedTokenCache.Digest(of: "a.b.c")
    cache.insert(digest, identity: identity, expiresAt: 100, now: 50)

    #expect(cache.lookup(digest, now: 99.9) == identity)
    #expect(cache.lookup(digest, now: 100) == nil)
    #expect(cache.lookup(VerifiedTokenCache.Digest(of: "a.b.d"), now: 50) == nil)
  }

  @Test("the cache never holds more than its capacity and evicts the oldest first")
  func bounded() {
    let cache = VerifiedTokenCache(capacity: 8)
    for index in 0..<100 {
      cache.insert(.init(of: "token-\(index)"), identity: identity, expiresAt: 1000, now: 0)
      #expect(cache.count <= 8)
    }
    #expect(cache.lookup(.init(of: "token-99"), now: 1) != nil)
    #expect(cache.lookup(.init(of: "token-0"), now: 1) == nil)
  }

  @Test("a capacity of zero remembers nothing")
  func disabled() {
    let cache = VerifiedTokenCache(capacity: 0)
    let digest = VerifiedTokenCache.Digest(of: "a.b.c")
    cache.insert(digest, identity: identity, expiresAt: 100, now: 0)
    #expect(cache.lookup(digest, now: 1) == nil)
  }

  @Test("repeated verification of one token is answered from the cache")
  func verifierUsesCache() async throws {
    let issuer = try await TestIssuer.start()
    let clock = ManualClock()
    let verifier = try makeVerifier(for: issuer, clock: clock)
    let token = try await issuer.mint(claims: issuer.claims(now: clock.secondsSince1970))
    #expect(verifier.identityWithoutWaiting(token: token) == nil)
    _ = try await verifier.verify(token: token)

    let cached = verifier.cachedIdentity(for: token)
    #expect(cached?.subject == "user-1234")
    #expect(verifier.identityWithoutWaiting(token: token)?.subject == "user-1234")
    // Only a token verified before is vouched for: a tampered copy is not.
    #expect(verifier.identityWithoutWaiting(token: token + "A") == nil)
  }
}
