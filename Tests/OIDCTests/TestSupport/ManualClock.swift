import OIDC
import Synchronization

/// A clock the test sets, so expiry and cache decisions happen at chosen times.
final class ManualClock: WallClock {
  private let now: Mutex<Double>

  init(_ start: Double = SystemWallClock().secondsSince1970.rounded(.down)) {
    now = Mutex(start)
  }

  var secondsSince1970: Double {
    now.withLock { $0 }
  }

  func advance(by seconds: Double) {
    now.withLock { $0 += seconds }
  }
}
