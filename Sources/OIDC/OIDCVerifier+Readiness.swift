extension OIDCVerifier {
  /// Whether a verifier holds signing keys, and how fresh they are.
  public struct Readiness: Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
      case loading
      case ready
      case stale
      case expired
    }

    private let kind: Kind

    /// No key set has loaded yet; Bearer calls answer UNAVAILABLE.
    public static let loading = Readiness(kind: .loading)

    /// Keys loaded within the cache TTL.
    public static let ready = Readiness(kind: .ready)

    /// Past the TTL but within the grace period: the issuer could not be reached, and
    /// the cached keys still answer.
    public static let stale = Readiness(kind: .stale)

    /// Past the TTL and the grace period; Bearer calls answer UNAVAILABLE until a refresh
    /// succeeds.
    public static let expired = Readiness(kind: .expired)

    /// Whether Bearer tokens can be verified now (``ready`` or ``stale``).
    public var canVerify: Bool { kind == .ready || kind == .stale }

    /// `loading`, `ready`, `stale` or `expired`.
    public var description: String {
      switch kind {
      case .loading: "loading"
      case .ready: "ready"
      case .stale: "stale"
      case .expired: "expired"
      }
    }
  }
}
