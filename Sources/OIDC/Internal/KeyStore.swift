internal import AuthCore
internal import Logging
internal import Synchronization

/// The issuer's signing keys: cached for a TTL, refreshed by one shared fetch at a time,
/// at a limited rate, and kept through an outage for a grace period.
final class KeyStore: Sendable {
  /// One downloaded key set and when it arrived.
  struct KeySet: Sendable {
    var keys: [String: VerificationKey]
    var fetchedAt: Double
  }

  /// Everything that changes, behind one lock.
  struct State: Sendable {
    var keySet: KeySet?
    /// The `jwks_uri` from the last successful discovery.
    var keySetURL: String?
    /// The refresh in flight; every caller that needs one awaits this instead of fetching.
    var refresh: Task<KeySet, any Error>?
    /// The earliest time a request may trigger another refresh.
    var nextAttemptAt = -Double.infinity
    /// Failed refreshes since the last success; drives the backoff.
    var failures = 0
    /// Whether the current outage was already reported at warning level.
    var outageLogged = false
    /// Why the last refresh failed, for the cause of UNAVAILABLE errors.
    var lastFailure: String?
  }

  /// What a lookup does next, decided under the lock.
  private enum Step {
    case use(VerificationKey)
    case wait(Task<KeySet, any Error>)
    case unknownKey
    case unavailable(String, cause: String?)
  }

  private let state = Mutex(State())
  private let source: KeySource
  private let policy: OIDCVerifier.Configuration.Keys
  private let clock: any WallClock
  private let logger: Logger
  private let onKeysRemoved: @Sendable () -> Void

  init(
    source: KeySource,
    policy: OIDCVerifier.Configuration.Keys,
    clock: any WallClock,
    logger: Logger,
    onKeysRemoved: @escaping @Sendable () -> Void
  ) {
    self.source = source
    self.policy = policy
    self.clock = clock
    self.logger = logger
    self.onKeysRemoved = onKeysRemoved
  }

  /// The key named `keyID`, refreshing the set when it is unknown or stale.
  ///
  /// - Throws: ``Refusal`` for a `kid` the issuer does not publish; ``AuthError`` with
  ///   UNAVAILABLE when no usable key set can be had.
  func key(for keyID: String) async throws -> VerificationKey {
    var mayRefresh = true
    while true {
      let now = clock.secondsSince1970
      let step = state.withLock { state in
        plan(keyID: keyID, now: now, mayRefresh: mayRefresh, state: &state)
      }
      switch step {
      case .use(let key):
        return key
      case .unknownKey:
        throw Refusal(
          "token signed by an unknown key", detail: "kid \(keyID.prefix(64)) is not published")
      case .unavailable(let reason, let cause):
        throw AuthError.unavailable(reason, cause: cause)
      case .wait(let refresh):
        if let keySet = try? await refresh.value, let key = keySet.keys[keyID] {
          return key
        }
        // One refresh per lookup: the second pass decides from what that refresh left.
        mayRefresh = false
      }
    }
  }

  /// Decides a lookup; a pure function of the state and the time, apart from starting
  /// a refresh task. With `mayRefresh` false it neither starts nor joins one.
  private func plan(keyID: String, now: Double, mayRefresh: Bool, state: inout State) -> Step {
    let usable = state.keySet.flatMap { keySet in
      now < keySet.fetchedAt + policy.cacheTTL + policy.gracePeriod ? keySet : nil
    }
    if let usable, let key = usable.keys[keyID] {
      // Past the TTL the cached key still answers, and a refresh runs behind it, so no
      // request waits on an issuer that may be slow or down.
      if now >= usable.fetchedAt + policy.cacheTTL, state.refresh == nil,
        now >= state.nextAttemptAt
      {
        _ = startRefresh(&state)
      }
      return .use(key)
    }
    if mayRefresh, let refresh = state.refresh {
      return .wait(refresh)
    }
    if mayRefresh, now >= state.nextAttemptAt {
      return .wait(startRefresh(&state))
    }
    if usable != nil {
      return .unknownKey
    }
    return .unavailable(
      state.keySet == nil ? "signing keys not loaded yet" : "signing keys expired",
      cause: state.lastFailure)
  }

  private func startRefresh(_ state: inout State) -> Task<KeySet, any Error> {
    let task = Task { try await self.performRefresh() }
    state.refresh = task
    return task
  }

  /// Joins the refresh in flight or starts one now, whatever the rate limit says; for the
  /// background loop, which does its own pacing.
  func refreshNow() async throws -> KeySet {
    let task = state.withLock { state in state.refresh ?? startRefresh(&state) }
    return try await task.value
  }

  /// The wait before the next attempt after `failures` failures in a row.
  func retryDelay(afterFailures failures: Int) -> Double {
    let exponent = Double(min(max(failures - 1, 0), 30))
    return min(policy.initialRetryDelay * Double.pow2(exponent), policy.maximumRetryDelay)
  }

  /// Failed refreshes since the last success.
  var consecutiveFailures: Int {
    state.withLock { $0.failures }
  }

  /// The key set's age class at `now`, for ``OIDCVerifier/readiness``.
  func readiness(now: Double) -> OIDCVerifier.Readiness {
    state.withLock { state in
      guard let keySet = state.keySet else { return .loading }
      if now < keySet.fetchedAt + policy.cacheTTL { return .ready }
      if now < keySet.fetchedAt + policy.cacheTTL + policy.gracePeriod { return .stale }
      return .expired
    }
  }

  private func performRefresh() async throws -> KeySet {
    do {
      let fetched = try await download()
      let now = clock.secondsSince1970
      let keySet = KeySet(keys: fetched.keys, fetchedAt: now)
      let (removed, recovered) = state.withLock { state in
        let removed = state.keySet.map { old in
          old.keys.keys.contains { fetched.keys[$0] == nil }
        }
        let recovered = state.outageLogged
        state.keySet = keySet
        state.keySetURL = fetched.url
        state.refresh = nil
        state.failures = 0
        state.outageLogged = false
        state.lastFailure = nil
        state.nextAttemptAt = now + policy.minimumRefreshInterval
        return (removed ?? false, recovered)
      }

      if removed { onKeysRemoved() }
      for line in fetched.skipped {
        logger.debug("skipped a key in the issuer's key set", metadata: ["oidc.reason": line])
      }
      let metadata = ["oidc.keys": fetched.keys.keys.sorted().joined(separator: ",")]
      if recovered {
        logger.info("signing keys fetched from the issuer again", metadata: metadata)
      } else {
        logger.debug("signing keys fetched from the issuer", metadata: metadata)
      }
      return keySet
    } catch {
      let now = clock.secondsSince1970
      let (first, delay) = state.withLock { state in
        state.refresh = nil
        state.failures += 1
        let delay = retryDelay(afterFailures: state.failures)
        state.nextAttemptAt = now + delay
        let first = !state.outageLogged
        state.outageLogged = true
        state.lastFailure = "\(error)"
        return (first, delay)
      }
      let metadata = ["oidc.error": "\(error)", "oidc.retry_in": "\(delay)"]
      if first {
        // Once per outage, not per request or per retry; the recovery is logged too.
        logger.warning("cannot fetch signing keys from the issuer", metadata: metadata)
      } else {
        logger.debug("still cannot fetch signing keys from the issuer", metadata: metadata)
      }
      throw error
    }
  }

  /// Discovery (once, then again only when the cached `jwks_uri` fails) and the key set.
  private func download() async throws -> (
    keys: [String: VerificationKey], skipped: [String], url: String
  ) {
    let cachedURL = state.withLock { $0.keySetURL }
    var url: String
    if let cachedURL {
      url = cachedURL
    } else {
      url = try await source.discoverKeySetURL()
    }
    var fetched: (keys: [String: VerificationKey], skipped: [String])
    do {
      fetched = try await source.fetchKeys(from: url)
    } catch  where cachedURL != nil {
      url = try await source.discoverKeySetURL()
      fetched = try await source.fetchKeys(from: url)
    }
    guard !fetched.keys.isEmpty else {
      throw KeySource.Failure(
        description: "\(url): no usable key (\(fetched.skipped.joined(separator: "; ")))")
    }
    return (fetched.keys, fetched.skipped, url)
  }
}

extension Double {
  /// 2 raised to `exponent`, for backoff delays.
  fileprivate static func pow2(_ exponent: Double) -> Double {
    var result = 1.0
    for _ in 0..<Int(exponent) { result *= 2 }
    return result
  }
}
