import Testing

@testable import GRPCTransport

@Suite("MessageQueue: a stream's messages between the loop and its reader")
struct MessageQueueTests {
  @Test("messages queued before the reader asks come out in order, then the clean end")
  func queuedThenRead() async throws {
    let queue = MessageQueue()
    queue.yield([1])
    queue.yield([2, 2])
    queue.finish()
    #expect(try await queue.next() == [1])
    #expect(try await queue.next() == [2, 2])
    #expect(try await queue.next() == nil)
    #expect(try await queue.next() == nil)
  }

  @Test("a reader waiting on an empty queue gets the next message and then the end")
  func readerWaits() async throws {
    let queue = MessageQueue()
    let reader = Task { () -> [[UInt8]] in
      var seen: [[UInt8]] = []
      while let message = try await queue.next() { seen.append(message) }
      return seen
    }
    for value in 0..<50 { queue.yield([UInt8(value)]) }
    queue.finish()
    #expect(try await reader.value == (0..<50).map { [UInt8($0)] })
  }

  @Test("the error a queue is finished with reaches the reader once, after the messages")
  func errorOnce() async throws {
    struct Failure: Error, Equatable {}
    let queue = MessageQueue()
    queue.yield([7])
    queue.finish(throwing: Failure())
    queue.yield([8])
    queue.finish()
    #expect(try await queue.next() == [7])
    await #expect(throws: Failure.self) { try await queue.next() }
    #expect(try await queue.next() == nil)
  }

  @Test("a waiting reader that is cancelled ends with nil, as AsyncThrowingStream does")
  func cancelledReader() async throws {
    let queue = MessageQueue()
    let reader = Task { try await queue.next() }
    reader.cancel()
    #expect(try await reader.value == nil)
    // The queue still takes messages; a new reader is not cancelled.
    queue.yield([3])
    #expect(try await queue.next() == [3])
  }

  @Test("a reader waiting when the error arrives gets the error, then the end")
  func errorToWaiter() async throws {
    struct Failure: Error {}
    let queue = MessageQueue()
    let reader = Task { try await queue.next() }
    try await Task.sleep(for: .milliseconds(20))
    queue.finish(throwing: Failure())
    await #expect(throws: Failure.self) { try await reader.value }
    #expect(try await queue.next() == nil)
  }
}
