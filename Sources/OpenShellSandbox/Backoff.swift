/// Reconnection delays: exponential, capped, with full jitter.
///
/// Full jitter (a uniform draw between zero and the exponential bound) spreads a fleet of
/// supervisors that lost the same gateway, so they do not reconnect in lockstep.
public struct Backoff: Sendable {
  /// The first bound; defaults to 500 ms.
  public var initial: Duration
  /// The largest bound; defaults to 30 s.
  public var maximum: Duration
  private var attempt = 0
  private var random: @Sendable (Double) -> Double

  /// Creates a backoff.
  ///
  /// - Parameters:
  ///   - initial: The first bound.
  ///   - maximum: The cap.
  ///   - random: Draws a uniform value in `0...bound`; injectable for tests.
  public init(
    initial: Duration = .milliseconds(500),
    maximum: Duration = .seconds(30),
    random: @escaping @Sendable (Double) -> Double = { Double.random(in: 0...$0) }
  ) {
    self.initial = initial
    self.maximum = maximum
    self.random = random
  }

  /// The bound for the next attempt, before jitter.
  public var currentBound: Duration {
    let factor = Double(1 << min(attempt, 30))
    let bound = Self.seconds(initial) * factor
    return .milliseconds(Int64(min(bound, Self.seconds(maximum)) * 1000))
  }

  /// The delay before the next attempt; each call doubles the bound up to the cap.
  public mutating func next() -> Duration {
    let bound = Self.seconds(currentBound)
    attempt += 1
    return .milliseconds(Int64(random(bound) * 1000))
  }

  /// Starts over after a success.
  public mutating func reset() {
    attempt = 0
  }

  private static func seconds(_ duration: Duration) -> Double {
    let parts = duration.components
    return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
  }
}
