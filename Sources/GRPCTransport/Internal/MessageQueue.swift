import Synchronization

/// The messages of one stream, queued by the loop and taken by one reading task.
///
/// It does what `AsyncThrowingStream<[UInt8], any Error>` did here, without the generic
/// machinery: on the hot path that type's metadata lookups, locks and per-stream allocations
/// cost more than the rest of a unary call's dispatch. A message already queued is taken
/// without suspending. Cancelling the reader ends a pending ``next()`` with `nil`, as the
/// standard stream does.
final class MessageQueue: Sendable {
  private struct State {
    var messages: [[UInt8]] = []
    var head = 0
    var end: End?
    var waiter: UnsafeContinuation<[UInt8]?, any Error>?
    /// The reader was cancelled before it began to wait; its wait ends at once.
    var readerCancelled = false

    enum End {
      case finished
      case failed(any Error)
    }

    /// The next outcome that needs no waiting: a queued message, or the end.
    mutating func takeReady() -> Result<[UInt8]?, any Error>? {
      if head < messages.count {
        let message = messages[head]
        messages[head] = []
        head += 1
        if head == messages.count {
          messages.removeAll(keepingCapacity: true)
          head = 0
        }
        return .success(message)
      }
      switch end {
      case nil:
        guard readerCancelled else { return nil }
        readerCancelled = false
        return .success(nil)
      case .finished:
        return .success(nil)
      case .failed(let error):
        // The error is reported once; the sequence is over after it.
        end = .finished
        return .failure(error)
      }
    }
  }

  private let state = Mutex(State())

  /// Queues a message; ignored once the queue has ended.
  func yield(_ message: [UInt8]) {
    let waiter = state.withLock { state -> UnsafeContinuation<[UInt8]?, any Error>? in
      guard state.end == nil else { return nil }
      if let waiter = state.waiter {
        state.waiter = nil
        return waiter
      }
      state.messages.append(message)
      return nil
    }
    waiter?.resume(returning: message)
  }

  /// Ends the queue after the messages already in it; a later call changes nothing.
  ///
  /// - Parameter error: What the reader gets once the queued messages are taken; `nil` for a
  ///   clean end.
  func finish(throwing error: (any Error)? = nil) {
    let waiter = state.withLock { state -> UnsafeContinuation<[UInt8]?, any Error>? in
      guard state.end == nil else { return nil }
      state.end = error.map { .failed($0) } ?? .finished
      guard let waiter = state.waiter else { return nil }
      state.waiter = nil
      // A waiting reader means the queue is empty, so the end is its next outcome.
      if error != nil { state.end = .finished }
      return waiter
    }
    guard let waiter else { return }
    if let error {
      waiter.resume(throwing: error)
    } else {
      waiter.resume(returning: nil)
    }
  }

  /// The next message, `nil` at a clean end or once the reading task is cancelled.
  ///
  /// - Throws: The error the queue was finished with, once.
  func next() async throws -> [UInt8]? {
    if let ready = state.withLock({ $0.takeReady() }) { return try ready.get() }

    return try await withTaskCancellationHandler {
      try await withUnsafeThrowingContinuation { continuation in
        let ready = state.withLock { state -> Result<[UInt8]?, any Error>? in
          if let ready = state.takeReady() { return ready }
          precondition(state.waiter == nil, "a MessageQueue has one reader at a time")
          state.waiter = continuation
          return nil
        }
        if let ready { continuation.resume(with: ready) }
      }
    } onCancel: {
      // Either the reader is waiting, and is woken with the end, or it has not got there yet
      // and finds the flag when it does.
      let waiter = state.withLock { state -> UnsafeContinuation<[UInt8]?, any Error>? in
        guard let waiter = state.waiter else {
          state.readerCancelled = true
          return nil
        }
        state.waiter = nil
        return waiter
      }
      waiter?.resume(returning: nil)
    }
  }
}
