internal import CNGHTTP2
import Logging

/// Frame events from nghttp2, routed by the connection's role.
extension HTTP2Connection {
  func beginHeaders(streamID: Int32) {
    if let stream = streams[streamID] {
      stream.headers.removeAll()
      stream.headerBytes = 0
      stream.headersOversized = false
      return
    }
    guard isServer else { return }
    streams[streamID] = H2Stream(id: streamID, maxMessageSize: limits.maxReceiveMessageSize)
  }

  /// Records one header field; `false` resets the stream (a response's header list too
  /// large, on a client).
  func header(
    streamID: Int32, name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>
  ) -> Bool {
    guard let stream = streams[streamID] else { return true }
    // RFC 9113's accounting: name + value + 32 per field, checked on every field so an
    // oversized block is never all held.
    stream.headerBytes += name.count + value.count + 32
    if stream.headerBytes > limits.maxHeaderListSize {
      guard isServer else {
        logger.debug(
          "response header list too large; resetting the stream",
          metadata: ["h2.remote": remoteAddress, "h2.stream": "\(streamID)"])
        return false
      }
      // The rest of the block is decoded (HPACK needs it) but not kept; the call is then
      // refused with a status the caller can read (see `serverRequestHeaders`).
      stream.headersOversized = true
      return true
    }
    stream.headers.append(
      (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
    return true
  }

  func headersComplete(streamID: Int32, endStream: Bool) {
    guard let stream = streams[streamID] else { return }
    stream.headerBlocks += 1
    if isServer {
      if stream.headerBlocks == 1 { serverRequestHeaders(stream) }
      if endStream { inboundEnded(streamID: streamID) }
    } else {
      clientHeaders(stream, endStream: endStream)
    }
  }

  /// Takes a chunk of a DATA frame; `false` pauses input (``holdInput(for:waited:)``).
  func dataReceived(streamID: Int32, bytes: UnsafeRawBufferPointer) -> Bool {
    guard let stream = streams[streamID] else {
      if let session { nghttp2_session_consume_connection(session, bytes.count) }
      return true
    }
    if isServer {
      switch stream.phase {
      case .awaitingAdmission:
        // The interceptor is still deciding. nghttp2 counts this chunk as delivered, so it
        // is kept (one chunk, at most one frame either way).
        stream.pendingData.append(contentsOf: bytes)
        preDecisionBytes += bytes.count
        let waited = monotonicNanoseconds() - stream.awaitingSince
        if waited >= HTTP2Connection.holdGrace
          && preDecisionBytes <= HTTP2Connection.preDecisionBudget
        {
          // A slow decision (a key fetch): keep a bounded amount of its body rather than
          // stall every other call on the connection.
          return true
        }
        // Everything after this chunk waits unparsed.
        holdInput(for: streamID, waited: waited)
        return false
      case .admitted:
        deliver(stream, bytes)
      case .receivingHeaders, .refused, .finished:
        consume(streamID, bytes.count)
      }
    } else {
      deliver(stream, bytes)
    }
    return true
  }

  func inboundEnded(streamID: Int32) {
    guard let stream = streams[streamID] else { return }
    stream.inboundEnded = true
    if !isServer || stream.phase == .admitted { drainDeframer(stream) }
  }

  /// The server's last HEADERS went out; a client still sending is told to stop
  /// (RST_STREAM NO_ERROR, RFC 9113 8.1) so the stream does not linger half-closed. Done
  /// here, after the send, because nghttp2 would otherwise emit the reset first.
  func responseEnded(streamID: Int32) {
    guard isServer, let session, let stream = streams[streamID], !stream.inboundEnded else {
      return
    }
    nghttp2_submit_rst_stream(
      session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, NGHTTP2_NO_ERROR.rawValue)
  }

  /// A HEADERS frame could not be sent: the stream is reset, so both ends learn it ended.
  func headersNotSent(streamID: Int32, errorCode: Int32) {
    logger.debug(
      "could not send a header block; resetting the stream",
      metadata: [
        "h2.remote": remoteAddress, "h2.stream": "\(streamID)",
        "h2.error": String(cString: nghttp2_strerror(errorCode)),
      ])
    guard let session, streams[streamID] != nil else { return }
    nghttp2_submit_rst_stream(
      session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, NGHTTP2_INTERNAL_ERROR.rawValue)
  }

  func goAwayReceived() {
    goingAway = true
    if case .client(let shared) = role { shared.connectionGoingAway(self) }
  }
}
