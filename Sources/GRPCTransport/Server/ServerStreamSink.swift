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

  func frame(_ message: [UInt8]) throws -> [UInt8] {
    var framed: [UInt8] = []
    if gzip {
      MessageFramer.frame(try Gzip.compress(message), compressed: true, into: &framed)
    } else {
      MessageFramer.frame(message, compressed: false, into: &framed)
    }
    return framed
  }

  /// Frames (and compresses) off the loop, then queues on it.
  func send(_ message: [UInt8]) async throws {
    let bytes = try frame(message)
    let connection = connection
    let streamID = streamID
    let initial = response.initial
    try await withCheckedThrowingContinuation { continuation in
      connection.loop.execute {
        connection.serverSend(streamID, bytes: bytes, initial: initial, completion: continuation)
      }
    }
  }

  /// Ends the call; `final`, when given, is sent just before the status in the same hop.
  func finish(_ status: GRPCStatus, final: [UInt8]? = nil) {
    var status = status
    var framed: [UInt8]?
    if let final {
      do {
        framed = try frame(final)
      } catch {
        status = GRPCStatus(code: .internal, message: "the response did not compress")
      }
    }
    let bytes = framed
    let finalStatus = status
    let connection = connection
    let streamID = streamID
    let initial = response.initial
    let trailing = response.trailing
    connection.loop.execute {
      if let bytes { connection.serverSendFinal(streamID, bytes: bytes, initial: initial) }
      connection.finishServerStream(
        streamID, status: finalStatus, trailers: trailing, initial: initial)
    }
  }
}
