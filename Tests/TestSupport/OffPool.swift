import Dispatch

/// Runs blocking work (waiting on a child process or a pipe) on a Dispatch thread instead of a
/// thread of Swift's cooperative pool.
///
/// The pool has only as many threads as the machine has cores; a test that blocks one stalls
/// every other test running in parallel, in-process servers included, until it returns.
///
/// - Parameter body: The blocking work.
/// - Returns: What `body` returned.
/// - Throws: What `body` threw.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
  }
}
