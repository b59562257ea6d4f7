import Synchronization

/// A value set once, on the event loop, and awaited by any number of tasks.
final class Promise<Value: Sendable>: Sendable {
  private enum State {
    case waiting([CheckedContinuation<Value, Never>])
    case done(Value)
  }

  private let state = Mutex<State>(.waiting([]))

  /// Sets the value; later calls are ignored so the first outcome wins.
  func succeed(_ value: Value) {
    let waiters = state.withLock { state -> [CheckedContinuation<Value, Never>] in
      guard case .waiting(let waiters) = state else { return [] }
      state = .done(value)
      return waiters
    }
    for waiter in waiters { waiter.resume(returning: value) }
  }

  var currentValue: Value? {
    state.withLock { state in
      if case .done(let value) = state { return value }
      return nil
    }
  }

  func get() async -> Value {
    await withCheckedContinuation { continuation in
      let value = state.withLock { state -> Value? in
        switch state {
        case .done(let value):
          return value
        case .waiting(var waiters):
          waiters.append(continuation)
          state = .waiting(waiters)
          return nil
        }
      }
      if let value { continuation.resume(returning: value) }
    }
  }
}

/// Messages received on one stream, in order, as the loop decoded them.
///
/// Taking a message tells the loop, which then opens the HTTP/2 window again: a reader that
/// stops reading stops the peer, not the process's memory.
struct InboundMessages: AsyncSequence, Sendable {
  typealias Element = [UInt8]

  let queue: MessageQueue
  let onConsumed: @Sendable (Int) -> Void

  struct AsyncIterator: AsyncIteratorProtocol {
    let queue: MessageQueue
    let onConsumed: @Sendable (Int) -> Void

    mutating func next() async throws -> [UInt8]? {
      let message = try await queue.next()
      if let message { onConsumed(message.count) }
      return message
    }
  }

  func makeAsyncIterator() -> AsyncIterator {
    AsyncIterator(queue: queue, onConsumed: onConsumed)
  }
}
