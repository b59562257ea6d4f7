#if canImport(Glibc)
  internal import Glibc
#endif

/// A source of the current wall-clock time, injected so tests can decide what "now" is.
///
/// The verifier reads it for every decision that depends on time: token expiry and
/// not-before, the key cache's time to live and grace period, and the rate limit on key
/// refreshes. Sleeping between background retries uses real time regardless.
public protocol WallClock: Sendable {
  /// The current time in seconds since 1970-01-01T00:00:00Z.
  var secondsSince1970: Double { get }
}

/// The system's real-time clock.
public struct SystemWallClock: WallClock {
  /// Creates the clock.
  public init() {}

  /// The current time from `clock_gettime(CLOCK_REALTIME)`, in seconds since 1970.
  public var secondsSince1970: Double {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1_000_000_000
  }
}
