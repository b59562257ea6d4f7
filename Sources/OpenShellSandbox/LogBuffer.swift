import Synchronization

/// Log lines waiting to reach the gateway, oldest first, bounded in size.
///
/// A line leaves the buffer only when the gateway acknowledged the batch that carried it, so
/// a gateway that restarts mid-push loses nothing the buffer still holds. When the buffer is
/// full the oldest line is dropped and counted, because a supervisor must never block the
/// sandbox's workload on a slow gateway.
public final class LogBuffer<Line: Sendable>: Sendable {
  private struct State {
    var lines: [Line] = []
    var head = 0
    var dropped = 0
  }

  private let state = Mutex(State())

  /// The most lines held at once.
  public let capacity: Int

  /// Creates an empty buffer.
  ///
  /// - Parameter capacity: The most lines held at once; defaults to 10,000.
  public init(capacity: Int = 10_000) {
    precondition(capacity > 0, "a log buffer needs room for at least one line")
    self.capacity = capacity
  }

  /// Adds a line, dropping the oldest when full.
  public func append(_ line: Line) {
    state.withLock { state in
      state.lines.append(line)
      if state.lines.count - state.head > capacity {
        state.head += 1
        state.dropped += 1
      }
      // Compact once the consumed prefix dominates, so memory stays bounded by capacity.
      if state.head > capacity {
        state.lines.removeFirst(state.head)
        state.head = 0
      }
    }
  }

  /// The oldest lines, up to `limit`, without removing them.
  public func peek(limit: Int) -> [Line] {
    state.withLock { state in
      Array(state.lines[state.head..<min(state.lines.count, state.head + limit)])
    }
  }

  /// Removes the `count` oldest lines after the gateway acknowledged them.
  ///
  /// Lines dropped for room while the batch was in flight shift the window; only lines still
  /// held are removed.
  public func acknowledge(_ count: Int, droppedBefore: Int) {
    state.withLock { state in
      let alreadyGone = max(0, state.dropped - droppedBefore)
      let remove = max(0, min(count - alreadyGone, state.lines.count - state.head))
      state.head += remove
      if state.head == state.lines.count {
        state.lines.removeAll(keepingCapacity: true)
        state.head = 0
      }
    }
  }

  /// How many lines are waiting.
  public var count: Int {
    state.withLock { $0.lines.count - $0.head }
  }

  /// How many lines were dropped for room since the buffer was made.
  public var dropped: Int {
    state.withLock { $0.dropped }
  }
}
