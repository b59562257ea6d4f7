internal import CNGHTTP2
import Logging

/// The C callbacks nghttp2 calls during `mem_recv` and `mem_send`; each forwards to the
/// connection named by the session's user data.
enum HTTP2Callbacks {
  static func connection(_ user: UnsafeMutableRawPointer?) -> HTTP2Connection {
    Unmanaged<HTTP2Connection>.fromOpaque(user!).takeUnretainedValue()
  }

  static func install(_ callbacks: OpaquePointer) {
    nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks) { _, frame, user in
      let connection = HTTP2Callbacks.connection(user)
      let header = frame!.pointee.hd
      connection.beginHeaders(streamID: header.stream_id)
      return 0
    }

    nghttp2_session_callbacks_set_on_header_callback(callbacks) {
      _, frame, name, nameLength, value, valueLength, _, user in
      let connection = HTTP2Callbacks.connection(user)
      let accepted = connection.header(
        streamID: frame!.pointee.hd.stream_id,
        name: UnsafeBufferPointer(start: name, count: nameLength),
        value: UnsafeBufferPointer(start: value, count: valueLength))
      return accepted ? 0 : NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue
    }

    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, user in
      let connection = HTTP2Callbacks.connection(user)
      let header = frame!.pointee.hd
      let endStream = header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
      if connection.logger.isEnabled(.trace) {
        connection.logger.trace(
          "frame received",
          metadata: [
            "h2.type": "\(header.type)", "h2.stream": "\(header.stream_id)",
            "h2.flags": "\(header.flags)", "h2.server": "\(connection.isServer)",
          ])
      }
      switch UInt32(header.type) {
      case NGHTTP2_HEADERS.rawValue:
        connection.headersComplete(streamID: header.stream_id, endStream: endStream)
      case NGHTTP2_DATA.rawValue:
        if endStream { connection.inboundEnded(streamID: header.stream_id) }
      case NGHTTP2_GOAWAY.rawValue:
        connection.goAwayReceived()
      default:
        break
      }
      return 0
    }

    nghttp2_session_callbacks_set_on_frame_send_callback(callbacks) { _, frame, user in
      let header = frame!.pointee.hd
      guard UInt32(header.type) == NGHTTP2_HEADERS.rawValue,
        header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
      else { return 0 }
      HTTP2Callbacks.connection(user).responseEnded(streamID: header.stream_id)
      return 0
    }

    nghttp2_session_callbacks_set_on_frame_not_send_callback(callbacks) {
      _, frame, errorCode, user in
      // nghttp2 drops a frame it cannot send (a header block over its size limit, a stream
      // that closed meanwhile) and only says so here; left alone, the call would wait for
      // an answer that never comes.
      let header = frame!.pointee.hd
      guard UInt32(header.type) == NGHTTP2_HEADERS.rawValue else { return 0 }
      HTTP2Callbacks.connection(user).headersNotSent(
        streamID: header.stream_id, errorCode: errorCode)
      return 0
    }

    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) {
      _, _, streamID, data, length, user in
      let connection = HTTP2Callbacks.connection(user)
      let proceed = connection.dataReceived(
        streamID: streamID, bytes: UnsafeRawBufferPointer(start: data, count: length))
      return proceed ? 0 : NGHTTP2_ERR_PAUSE.rawValue
    }

    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) {
      _, streamID, errorCode, user in
      let connection = HTTP2Callbacks.connection(user)
      if connection.logger.isEnabled(.trace) {
        connection.logger.trace(
          "stream closed",
          metadata: [
            "h2.stream": "\(streamID)", "h2.error": "\(errorCode)",
            "h2.server": "\(connection.isServer)",
          ])
      }
      if let stream = connection.streams[streamID] {
        connection.streamClosed(stream, errorCode: errorCode, reason: nil)
      }
      return 0
    }
  }

  static let readData: nghttp2_data_source_read_callback = {
    _, streamID, buffer, length, flags, _, user in
    let connection = HTTP2Callbacks.connection(user)
    let (count, dataFlags) = connection.readData(
      streamID: streamID, into: buffer!, length: length)
    flags!.pointee |= dataFlags
    return count
  }
}
