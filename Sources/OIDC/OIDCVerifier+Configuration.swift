public import Logging

extension OIDCVerifier {
  /// Everything an ``OIDCVerifier`` needs to know about the issuer and the tokens it accepts.
  ///
  /// Only the issuer has no default. Every duration is in seconds.
  public struct Configuration: Sendable {
    /// The issuer's URL, such as `https://sso.example.com/realms/openshell`.
    ///
    /// It must be `https://`, or `http://` only for a loopback host (`127.0.0.0/8`, `::1`,
    /// `localhost`). Discovery reads `<issuer>/.well-known/openid-configuration`; tokens
    /// must carry it in `iss`. A trailing slash is ignored when comparing.
    public var issuer: String

    /// The audience tokens must name in `aud`; defaults to `openshell-cli`.
    public var audience: String

    /// Where roles and scopes are found in the token; defaults to ``Claims/defaults``.
    public var claims: Claims

    /// How signing keys are cached and refreshed; defaults to ``Keys/defaults``.
    public var keys: Keys

    /// How the issuer is reached; defaults to ``Fetch/defaults``.
    public var fetch: Fetch

    /// Limits on the tokens themselves; defaults to ``Tokens/defaults``.
    public var tokens: Tokens

    /// The source of "now" for expiry and cache decisions; defaults to ``SystemWallClock``.
    public var clock: any WallClock

    /// Where debug detail about refusals and key refreshes goes; defaults to
    /// ``Logging/Logger/disabled``.
    ///
    /// - Important: The verifier never logs a token or key material.
    public var logger: Logger

    /// Creates a configuration with defaults for everything but the issuer.
    ///
    /// - Parameters:
    ///   - issuer: The issuer's URL.
    ///   - audience: The audience tokens must name; defaults to `openshell-cli`.
    public init(issuer: String, audience: String = "openshell-cli") {
      self.issuer = issuer
      self.audience = audience
      self.claims = .defaults
      self.keys = .defaults
      self.fetch = .defaults
      self.tokens = .defaults
      self.clock = SystemWallClock()
      self.logger = .disabled
    }
  }
}

extension OIDCVerifier.Configuration {
  /// Where in the token's claims the roles and scopes are found.
  public struct Claims: Sendable, Hashable {
    /// A dot-separated path to the roles; defaults to `realm_access.roles` (Keycloak).
    ///
    /// Use `roles` for Microsoft Entra ID and `groups` for Okta. The value may be an array of
    /// strings (non-string elements are skipped) or one string, which is one role (never
    /// split, so a role name with a space cannot become other roles); anything else, or
    /// nothing, gives no roles.
    public var rolesPath: String

    /// A dot-separated path to the scopes; empty, the default, turns scopes off.
    ///
    /// The value may be a space-separated string (`scope`) or an array (`scp`). The OpenID
    /// scopes `openid`, `profile`, `email` and `offline_access` are dropped because they say
    /// nothing about what the caller may do.
    public var scopesPath: String

    /// Creates a claims layout.
    ///
    /// - Parameters:
    ///   - rolesPath: A dot-separated path to the roles.
    ///   - scopesPath: A dot-separated path to the scopes; empty turns scopes off.
    public init(rolesPath: String, scopesPath: String = "") {
      self.rolesPath = rolesPath
      self.scopesPath = scopesPath
    }

    /// Keycloak's layout: roles at `realm_access.roles`, scopes off.
    public static var defaults: Self { Self(rolesPath: "realm_access.roles") }

    /// Microsoft Entra ID's layout: roles at `roles`, scopes at `scp`.
    public static var entra: Self { Self(rolesPath: "roles", scopesPath: "scp") }

    /// Okta's layout: roles at `groups`, scopes at `scp`.
    public static var okta: Self { Self(rolesPath: "groups", scopesPath: "scp") }
  }

  /// How the issuer's signing keys are cached and refreshed.
  public struct Keys: Sendable, Hashable {
    /// How long a fetched key set is trusted before it is fetched again; defaults to 3600.
    public var cacheTTL: Double

    /// How long past ``cacheTTL`` the cached keys keep working while the issuer cannot be
    /// reached; defaults to 3600.
    public var gracePeriod: Double

    /// The least time between two refreshes that a request triggers (a token whose `kid` is
    /// unknown, or an expired key set); defaults to 30.
    ///
    /// This is what keeps a flood of tokens with made-up `kid`s from hammering the issuer:
    /// at most one such refresh runs per interval, and concurrent misses share it.
    public var minimumRefreshInterval: Double

    /// The first wait after a failed fetch; doubled after each further failure up to
    /// ``maximumRetryDelay``. Defaults to 1.
    public var initialRetryDelay: Double

    /// The longest wait between fetch attempts while the issuer is failing; defaults to 60.
    public var maximumRetryDelay: Double

    /// Creates a key cache policy.
    ///
    /// - Parameters:
    ///   - cacheTTL: How long a key set is trusted.
    ///   - gracePeriod: How long past the TTL cached keys serve while the issuer is down.
    ///   - minimumRefreshInterval: The least time between request-triggered refreshes.
    ///   - initialRetryDelay: The first wait after a failed fetch.
    ///   - maximumRetryDelay: The longest wait between attempts.
    public init(
      cacheTTL: Double = 3600,
      gracePeriod: Double = 3600,
      minimumRefreshInterval: Double = 30,
      initialRetryDelay: Double = 1,
      maximumRetryDelay: Double = 60
    ) {
      self.cacheTTL = cacheTTL
      self.gracePeriod = gracePeriod
      self.minimumRefreshInterval = minimumRefreshInterval
      self.initialRetryDelay = initialRetryDelay
      self.maximumRetryDelay = maximumRetryDelay
    }

    /// One-hour TTL, one-hour grace, 30-second refresh interval, retries from 1 s to 60 s.
    public static var defaults: Self { Self() }
  }

  /// How discovery documents and key sets are fetched.
  public struct Fetch: Sendable, Hashable {
    /// A PEM file of CA certificates that verify the issuer's TLS certificate; defaults to
    /// none, which uses the system's trust store.
    public var caBundlePath: String?

    /// The most a whole fetch may take; defaults to 10.
    public var timeout: Double

    /// The most connecting (TCP and TLS) may take; defaults to 5.
    public var connectTimeout: Double

    /// The largest response body accepted; defaults to 1 MiB.
    public var maximumResponseBytes: Int

    /// Creates a fetch policy.
    ///
    /// - Parameters:
    ///   - caBundlePath: CA certificates for the issuer's TLS; none uses the system's.
    ///   - timeout: The most a whole fetch may take.
    ///   - connectTimeout: The most connecting may take.
    ///   - maximumResponseBytes: The largest response body accepted.
    public init(
      caBundlePath: String? = nil,
      timeout: Double = 10,
      connectTimeout: Double = 5,
      maximumResponseBytes: Int = 1 << 20
    ) {
      self.caBundlePath = caBundlePath
      self.timeout = timeout
      self.connectTimeout = connectTimeout
      self.maximumResponseBytes = maximumResponseBytes
    }

    /// The system trust store, a 10-second timeout and a 1 MiB response limit.
    public static var defaults: Self { Self() }
  }

  /// Limits on tokens and the cache of tokens already verified.
  public struct Tokens: Sendable, Hashable {
    /// How far clocks may disagree when checking `exp`, `nbf` and `iat`; defaults to 60.
    public var clockLeeway: Double

    /// The longest token accepted, in bytes; defaults to 16 KiB.
    public var maximumTokenBytes: Int

    /// How many verified tokens are remembered so that repeat calls skip the signature
    /// check; defaults to 10 000. Zero turns the cache off.
    ///
    /// An entry never outlives its token's `exp`, and the cache empties when a key
    /// disappears from the issuer's key set.
    public var verifiedCacheCapacity: Int

    /// Creates token limits.
    ///
    /// - Parameters:
    ///   - clockLeeway: How far clocks may disagree.
    ///   - maximumTokenBytes: The longest token accepted.
    ///   - verifiedCacheCapacity: How many verified tokens are remembered; zero for none.
    public init(
      clockLeeway: Double = 60,
      maximumTokenBytes: Int = 16 * 1024,
      verifiedCacheCapacity: Int = 10_000
    ) {
      self.clockLeeway = clockLeeway
      self.maximumTokenBytes = maximumTokenBytes
      self.verifiedCacheCapacity = verifiedCacheCapacity
    }

    /// A 60-second leeway, 16 KiB tokens and 10 000 remembered tokens.
    public static var defaults: Self { Self() }
  }
}

extension OIDCVerifier.Configuration {
  /// Checks every setting, so a mistake stops the process at start with a clear message.
  ///
  /// - Throws: ``OIDCConfigurationError`` naming the first setting at fault.
  func validate() throws {
    do {
      try IssuerURL.check(issuer, allowQuery: false)
    } catch let error as IssuerURL.Refusal {
      throw OIDCConfigurationError(setting: "issuer", message: error.reason)
    }
    if audience.isEmpty {
      throw OIDCConfigurationError(setting: "audience", message: "must not be empty")
    }
    if !Self.isClaimPath(claims.rolesPath) {
      throw OIDCConfigurationError(
        setting: "claims.rolesPath",
        message: "must be claim names joined by dots, such as realm_access.roles"
      )
    }
    if !claims.scopesPath.isEmpty, !Self.isClaimPath(claims.scopesPath) {
      throw OIDCConfigurationError(
        setting: "claims.scopesPath",
        message: "must be empty or claim names joined by dots, such as scp"
      )
    }

    let durations: [(String, Double)] = [
      ("keys.cacheTTL", keys.cacheTTL),
      ("keys.initialRetryDelay", keys.initialRetryDelay),
      ("keys.maximumRetryDelay", keys.maximumRetryDelay),
      ("fetch.timeout", fetch.timeout),
      ("fetch.connectTimeout", fetch.connectTimeout),
    ]
    for (name, value) in durations where !(value.isFinite && value > 0) {
      throw OIDCConfigurationError(setting: name, message: "must be a positive number of seconds")
    }
    let nonNegative: [(String, Double)] = [
      ("keys.gracePeriod", keys.gracePeriod),
      ("keys.minimumRefreshInterval", keys.minimumRefreshInterval),
      ("tokens.clockLeeway", tokens.clockLeeway),
    ]
    for (name, value) in nonNegative where !(value.isFinite && value >= 0) {
      throw OIDCConfigurationError(setting: name, message: "must be zero or more seconds")
    }
    if fetch.maximumResponseBytes < 1024 {
      throw OIDCConfigurationError(
        setting: "fetch.maximumResponseBytes", message: "must be at least 1024")
    }
    if tokens.maximumTokenBytes < 64 {
      throw OIDCConfigurationError(
        setting: "tokens.maximumTokenBytes", message: "must be at least 64")
    }
    if tokens.verifiedCacheCapacity < 0 {
      throw OIDCConfigurationError(
        setting: "tokens.verifiedCacheCapacity", message: "must be zero or more")
    }
  }

  /// Whether `path` is one or more non-empty names joined by dots.
  private static func isClaimPath(_ path: String) -> Bool {
    !path.isEmpty
      && !path.split(separator: ".", omittingEmptySubsequences: false)
        .contains(where: \.isEmpty)
  }
}
