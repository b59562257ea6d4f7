public import AuthCore
internal import Logging
internal import Synchronization

/// Verifies OIDC Bearer tokens against an issuer's published signing keys.
///
/// The verifier discovers the issuer's key set (`<issuer>/.well-known/openid-configuration`,
/// then `jwks_uri`), caches the keys for ``Configuration/Keys/cacheTTL``, and checks each
/// token strictly: compact form, an algorithm the key allows (RS, PS and ES families; never
/// `none` or HMAC), the signature, then `iss`, `aud`, `exp`, `nbf`, `iat` and `sub`.
///
/// A gateway creates one verifier at start and calls ``start()`` so keys load in the
/// background; until they do, ``verify(token:)`` throws UNAVAILABLE:
///
/// ```swift
/// var config = OIDCVerifier.Configuration(issuer: "https://sso.example.com/realms/openshell")
/// config.fetch.caBundlePath = "/etc/openshell/issuer-ca.pem"
/// config.logger = logger
/// let verifier = try OIDCVerifier(configuration: config)
/// verifier.start()
/// ```
///
/// - Important: Refusals carry a short reason and never the token or key material; the
///   detail goes to the configured logger at debug level.
public final class OIDCVerifier: TokenVerifier, Sendable {
  /// The configuration the verifier was created with.
  public let configuration: Configuration

  private let keyStore: KeyStore
  private let tokenCache: VerifiedTokenCache
  private let claimsCheck: ClaimsCheck
  private let logger: Logger
  private let background = Mutex<Task<Void, Never>?>(nil)

  /// Creates a verifier; no network traffic happens until ``start()`` or the first token.
  ///
  /// - Parameter configuration: The issuer and the rules for its tokens.
  /// - Throws: ``OIDCConfigurationError`` when a setting is invalid, such as an issuer that
  ///   is not a URL or uses `http://` to a host that is not loopback.
  public init(configuration: Configuration) throws {
    try configuration.validate()
    self.configuration = configuration
    self.logger = configuration.logger

    let tokenCache = VerifiedTokenCache(capacity: configuration.tokens.verifiedCacheCapacity)
    let fetcher = HTTPSFetcher(
      caBundlePath: configuration.fetch.caBundlePath,
      timeout: configuration.fetch.timeout,
      connectTimeout: configuration.fetch.connectTimeout,
      maximumBytes: configuration.fetch.maximumResponseBytes
    )
    self.tokenCache = tokenCache
    self.keyStore = KeyStore(
      source: KeySource(issuer: configuration.issuer, fetcher: fetcher),
      policy: configuration.keys,
      clock: configuration.clock,
      logger: configuration.logger,
      onKeysRemoved: { tokenCache.removeAll() }
    )
    self.claimsCheck = ClaimsCheck(
      issuer: configuration.issuer,
      audience: configuration.audience,
      leeway: configuration.tokens.clockLeeway,
      rolesPath: configuration.claims.rolesPath,
      scopesPath: configuration.claims.scopesPath
    )
  }

  deinit {
    background.withLock { $0?.cancel() }
  }

  /// Starts loading the issuer's keys in the background and keeps them fresh.
  ///
  /// Returns at once. While the issuer cannot be reached, loading is retried with
  /// exponential backoff (``Configuration/Keys/initialRetryDelay`` up to
  /// ``Configuration/Keys/maximumRetryDelay``) and the outage is logged once at warning
  /// level. Calling it again while running does nothing. Stop it with ``stop()``.
  public func start() {
    background.withLock { task in
      guard task == nil else { return }
      task = Task { [keyStore, configuration] in
        await Self.refreshLoop(keyStore: keyStore, policy: configuration.keys)
      }
    }
  }

  /// Stops the background refresh that ``start()`` began; cached keys stay usable.
  public func stop() {
    background.withLock { task in
      task?.cancel()
      task = nil
    }
  }

  /// Loads the keys, then refreshes them shortly before each TTL runs out, until cancelled.
  ///
  /// The structured alternative to ``start()``: run it in the gateway's task group and
  /// cancel the group to stop it.
  public func run() async {
    await Self.refreshLoop(keyStore: keyStore, policy: configuration.keys)
  }

  private static func refreshLoop(keyStore: KeyStore, policy: Configuration.Keys) async {
    while !Task.isCancelled {
      let delay: Double
      do {
        _ = try await keyStore.refreshNow()
        // Refresh a little before the TTL ends so requests never find the set stale.
        delay = max(policy.cacheTTL * 0.9, policy.cacheTTL - 60)
      } catch {
        delay = keyStore.retryDelay(afterFailures: keyStore.consecutiveFailures)
      }
      // Real time, not the injected clock: this only paces fetches.
      try? await Task.sleep(for: .milliseconds(Int64(delay * 1000)))
    }
  }

  /// Whether the verifier has keys to check tokens with, for a gateway's health check.
  public var readiness: Readiness {
    keyStore.readiness(now: configuration.clock.secondsSince1970)
  }

  /// Verifies `token` and returns the identity it proves.
  ///
  /// A token verified before and not yet at its `exp` is answered from the verified-token
  /// cache without a signature check.
  ///
  /// - Parameter token: The compact JWS after `Bearer `.
  /// - Returns: The token's subject, `preferred_username`, roles and scopes, with provider
  ///   ``AuthCore/Identity/Provider/oidc``.
  /// - Throws: ``AuthCore/AuthError`` UNAUTHENTICATED with a short reason for a token that
  ///   does not verify; UNAVAILABLE while no signing keys can be had.
  public func verify(token: String) async throws -> Identity {
    do {
      return try await check(token)
    } catch let refusal as Refusal {
      logger.debug("refused a Bearer token", metadata: ["oidc.reason": refusal.detail])
      throw AuthError.unauthenticated(refusal.reason, cause: refusal.detail)
    } catch let error as AuthError {
      logger.debug(
        "could not verify a Bearer token", metadata: ["oidc.reason": error.description])
      throw error
    }
  }

  /// The identity `token` proves when the verified-token cache remembers it and its key set
  /// is still trusted; `nil` sends the token to ``verify(token:)``.
  ///
  /// - Parameter token: The compact JWS after `Bearer `.
  /// - Returns: The remembered identity, or `nil`.
  public func identityWithoutWaiting(token: String) -> Identity? {
    guard tokenCache.isEnabled, token.utf8.count <= configuration.tokens.maximumTokenBytes
    else { return nil }
    return remembered(VerifiedTokenCache.Digest(of: token))
  }

  /// The identity the verified-token cache holds for `token`, for tests.
  func cachedIdentity(for token: String) -> Identity? {
    tokenCache.lookup(.init(of: token), now: configuration.clock.secondsSince1970)
  }

  /// A remembered token answers only while its key set is still trusted, so an outage past
  /// the grace period refuses cached tokens exactly as it refuses new ones.
  private func remembered(_ digest: VerifiedTokenCache.Digest) -> Identity? {
    let now = configuration.clock.secondsSince1970
    guard let identity = tokenCache.lookup(digest, now: now),
      keyStore.readiness(now: now).canVerify
    else { return nil }
    return identity
  }

  private func check(_ text: String) async throws -> Identity {
    guard text.utf8.count <= configuration.tokens.maximumTokenBytes else {
      throw Refusal("token too large", detail: "token of \(text.utf8.count) bytes")
    }
    let digest = tokenCache.isEnabled ? VerifiedTokenCache.Digest(of: text) : nil
    if let digest, let identity = remembered(digest) {
      return identity
    }

    // A signature check costs up to a millisecond of CPU. It runs on the cooperative pool
    // rather than on the caller's preferred executor, which in the gateway is the event loop
    // serving every other call on the connection.
    return try await withTaskExecutorPreference(globalConcurrentExecutor) {
      try await self.checkUncached(text, digest: digest)
    }
  }

  private func checkUncached(
    _ text: String, digest: VerifiedTokenCache.Digest?
  ) async throws -> Identity {
    let token = try CompactToken(text, maximumBytes: configuration.tokens.maximumTokenBytes)
    // Refuse algorithms we never accept before asking for keys, so `none` and HMAC tokens
    // cannot trigger a refresh.
    guard JWSAlgorithm(rawValue: token.algorithmName) != nil else {
      throw Refusal(
        "unsupported token algorithm", detail: "alg \(token.algorithmName.prefix(16))")
    }
    let key = try await keyStore.key(for: token.keyID)
    let algorithm = try SignatureCheck.algorithm(for: token, key: key)
    try SignatureCheck.verify(token, key: key, algorithm: algorithm)

    let now = configuration.clock.secondsSince1970
    let result = try claimsCheck.check(payload: token.payload, now: now)
    if let digest {
      tokenCache.insert(digest, identity: result.identity, expiresAt: result.expiresAt, now: now)
    }
    return result.identity
  }
}
