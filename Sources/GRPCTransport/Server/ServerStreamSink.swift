/// A handler's way back to its stream: everything hops onto the connection's loop.
final class ServerStreamSink: Sendable {
  let connection: HTTP2Connection
  let streamID: Int32
  let response: ResponseMetadata
  let gzip: Bool

  init(connection: HTTP2Connection, streamID: Int32, response: ResponseMetadata, gzip: Bool) {
    self.connection = connection
    self.streamID = streamID
    self.response = response
    self.gzip = gzip
  }

  /// Frames (and compresses) off the loop, then queues on it.
  func send(_ message: [UInt8]) async throws {
    var framed: [UInt8] = []
    if gzip {
      MessageFramer.frame(try Gzip.compress(message), compressed: true, into: &framed)
    } else {
      MessageFramer.frame(message, compressed: false, into: &framed)
    }
    let bytes = framed
    let connection = connection
    let streamID = streamID
    let initial = response.initial
    try await withCheckedThrowingContinuation { continuation in
      connection.loop.execute {
        connection.serverSend(streamID, bytes: bytes, initial: initial, completion: continuation)
      }
    }
  }

  func finish(_ status: GRPCStatus) {
    let connection = connection
    let streamID = streamID
    let initial = response.initial
    let trailing = response.trailing
    connection.loop.execute {
      connection.finishServerStream(
        streamID, status: status, trailers: trailing, initial: initial)
    }
  }
}
