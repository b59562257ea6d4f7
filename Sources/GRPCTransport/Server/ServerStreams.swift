/// The request messages of a streaming call, decoded as the handler reads them.
///
/// Reading is what opens the HTTP/2 window: a handler that stops reading holds back the peer.
public struct RequestMessages<Message>: AsyncSequence {
  /// The decoded message type.
  public typealias Element = Message

  let inbound: InboundMessages
  let deserialize: @Sendable ([UInt8]) throws -> Message

  /// Iterates the messages; throws `INVALID_ARGUMENT` for one that does not decode and
  /// `CANCELLED` when the peer resets the stream.
  public struct AsyncIterator: AsyncIteratorProtocol {
    var base: InboundMessages.AsyncIterator
    let deserialize: @Sendable ([UInt8]) throws -> Message

    /// The next message, or `nil` once the peer half-closed.
    public mutating func next() async throws -> Message? {
      guard let bytes = try await base.next() else { return nil }
      do {
        return try deserialize(bytes)
      } catch {
        throw GRPCStatus(code: .invalidArgument, message: "the request message did not decode")
      }
    }
  }

  /// Makes the iterator.
  public func makeAsyncIterator() -> AsyncIterator {
    AsyncIterator(base: inbound.makeAsyncIterator(), deserialize: deserialize)
  }
}

/// Sends response messages on a server-streaming or bidirectional call.
public struct ResponseWriter<Message>: Sendable {
  let sink: ServerStreamSink
  let serialize: @Sendable (Message) throws -> [UInt8]

  /// Sends one message, waiting while the peer's window and our buffer are full.
  ///
  /// - Parameter message: The message.
  /// - Throws: ``GRPCStatus`` `CANCELLED` when the stream has closed.
  public func write(_ message: Message) async throws {
    let bytes: [UInt8]
    do {
      bytes = try serialize(message)
    } catch {
      throw GRPCStatus(code: .internal, message: "the response message did not encode")
    }
    try await sink.send(bytes)
  }
}
