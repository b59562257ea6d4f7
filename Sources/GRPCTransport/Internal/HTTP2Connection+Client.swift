internal import CNGHTTP2

/// Client-side stream handling: requests out, headers, messages and status back.
extension HTTP2Connection {
  struct RequestHead: Sendable {
    var path: String
    var authority: String
    var scheme: String
    var metadata: Metadata
    var timeout: Duration?
    var gzip: Bool
  }

  /// Opens a stream for a call; `completion` gets the stream id or the failure.
  func startClientCall(
    _ head: RequestHead, state: ClientCallState,
    inbound: MessageQueue,
    completion: @Sendable (Result<(Int32, InboundMessages), GRPCStatus>) -> Void
  ) {
    guard let session, !closed, !goingAway else {
      // A call that lost the race with the connection's end (a TLS alert read just after the
      // handshake, say) is told why it ended, not only that it did.
      let reason = closeReason?.description ?? "the connection closed"
      completion(.failure(GRPCStatus(code: .unavailable, message: reason)))
      return
    }
    var headers = [
      (":method", "POST"), (":scheme", head.scheme), (":path", head.path),
      (":authority", head.authority), ("content-type", "application/grpc"), ("te", "trailers"),
      ("user-agent", "openshell-grpc-swift/0.1"), ("grpc-accept-encoding", "gzip,identity"),
    ]
    if let timeout = head.timeout {
      // Eight digits at most; milliseconds cover ~27 hours.
      let milliseconds = max(1, min(timeout.nanoseconds / 1_000_000, 99_999_999))
      headers.append(("grpc-timeout", "\(milliseconds)m"))
    }
    if head.gzip { headers.append(("grpc-encoding", "gzip")) }
    headers.append(contentsOf: head.metadata.wireHeaders)

    var provider = nghttp2_data_provider()
    provider.read_callback = HTTP2Callbacks.readData
    let streamID = withHeaderBlock(headers) { nva, count in
      nghttp2_submit_request(session, nil, nva, count, &provider, nil)
    }
    guard streamID > 0 else {
      completion(
        .failure(
          GRPCStatus(
            code: .unavailable,
            message: "cannot open a stream: \(String(cString: nghttp2_strerror(streamID)))")))
      return
    }

    let stream = H2Stream(id: streamID, maxMessageSize: limits.maxReceiveMessageSize)
    stream.phase = .admitted
    stream.headersSent = true
    stream.call = state
    stream.inbound = inbound
    streams[streamID] = stream
    if let timeout = head.timeout {
      stream.deadlineTimer = loop.schedule(afterNanoseconds: timeout.nanoseconds) { [self] in
        guard let stream = streams[streamID] else { return }
        stream.deadlineTimer = nil
        failClientStream(
          stream, status: GRPCStatus(code: .deadlineExceeded, message: "deadline exceeded"),
          resetCode: NGHTTP2_CANCEL.rawValue)
      }
    }
    completion(.success((streamID, inboundMessages(stream, inbound))))
    flush()
  }

  func finishSending(_ streamID: Int32) {
    guard let stream = streams[streamID], !stream.outboundEnded else { return }
    stream.outboundEnded = true
    resumeData(stream)
    flush()
  }

  func cancelClientStream(_ streamID: Int32) {
    guard let stream = streams[streamID] else { return }
    failClientStream(
      stream, status: GRPCStatus(code: .cancelled, message: "the call was cancelled"),
      resetCode: NGHTTP2_CANCEL.rawValue)
  }

  func clientHeaders(_ stream: H2Stream, endStream: Bool) {
    guard let call = stream.call, stream.phase != .finished else { return }
    var metadata = Metadata()
    for (name, value) in stream.headers where !Metadata.isReserved(name) {
      _ = metadata.appendWire(name: name, value: value)
    }

    if stream.headerBlocks == 1 {
      let httpStatus = stream.header(":status") ?? ""
      if httpStatus != "200" && stream.header("grpc-status") == nil {
        failClientStream(
          stream, status: HTTP2Connection.statusForHTTP(httpStatus), resetCode: nil)
        return
      }
      let contentType = stream.header("content-type") ?? ""
      guard contentType.hasPrefix("application/grpc") else {
        failClientStream(
          stream,
          status: GRPCStatus(code: .internal, message: "unexpected content-type \(contentType)"),
          resetCode: NGHTTP2_CANCEL.rawValue)
        return
      }
      if !endStream {
        let encoding = stream.header("grpc-encoding") ?? "identity"
        stream.inboundGzip = encoding == "gzip"
        call.initialMetadata.succeed(.success(metadata))
        return
      }
    }

    // Trailers, or a Trailers-Only response.
    let status = HTTP2Connection.statusFromTrailers(stream)
    if stream.headerBlocks == 1 { call.initialMetadata.succeed(.success(Metadata())) }
    completeClientStream(stream, status: status, trailers: metadata)
    if !stream.outboundEnded || stream.bufferedOutbound > 0, let session {
      // The server has answered; whatever we still meant to send is moot.
      nghttp2_submit_rst_stream(
        session, UInt8(NGHTTP2_FLAG_NONE.rawValue), stream.id, NGHTTP2_CANCEL.rawValue)
    }
  }

  private func completeClientStream(_ stream: H2Stream, status: GRPCStatus, trailers: Metadata) {
    guard let call = stream.call, stream.phase != .finished else { return }
    stream.phase = .finished
    if let timer = stream.deadlineTimer { loop.cancelTimer(timer) }
    stream.deadlineTimer = nil
    stream.inboundEnded = true
    if status.code == .ok { drainDeframer(stream) }
    if status.code == .ok, let inbound = stream.inbound {
      inbound.finish()
    } else {
      stream.inbound?.finish(throwing: status)
    }
    stream.inbound = nil
    call.initialMetadata.succeed(.failure(status))
    call.status.succeed((status, trailers))
    let waiters = stream.writeWaiters
    stream.writeWaiters = []
    for waiter in waiters { waiter.resume(throwing: status) }
  }

  func failClientStream(_ stream: H2Stream, status: GRPCStatus, resetCode: UInt32?) {
    completeClientStream(stream, status: status, trailers: Metadata())
    if let resetCode, let session {
      nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), stream.id, resetCode)
      flush()
    }
  }

  func clientStreamClosed(_ stream: H2Stream, errorCode: UInt32, reason: TransportError?) {
    let status: GRPCStatus
    if let reason {
      status = GRPCStatus(code: .unavailable, message: reason.message)
    } else if errorCode == NGHTTP2_REFUSED_STREAM.rawValue {
      status = GRPCStatus(code: .unavailable, message: "the server refused the stream")
    } else if errorCode == NGHTTP2_CANCEL.rawValue {
      status = GRPCStatus(code: .cancelled, message: "the server cancelled the stream")
    } else {
      status = GRPCStatus(
        code: .internal, message: "the stream was reset (HTTP/2 error \(errorCode))")
    }
    completeClientStream(stream, status: status, trailers: Metadata())
  }

  static func statusFromTrailers(_ stream: H2Stream) -> GRPCStatus {
    guard let text = stream.header("grpc-status"), let value = Int(text) else {
      return GRPCStatus(code: .internal, message: "the response carried no grpc-status")
    }
    let code = GRPCStatus.Code(rawValue: value) ?? .unknown
    let message = stream.header("grpc-message").map(GRPCStatus.percentDecode) ?? ""
    return GRPCStatus(code: code, message: message)
  }

  static func statusForHTTP(_ status: String) -> GRPCStatus {
    let code: GRPCStatus.Code
    switch status {
    case "400": code = .internal
    case "401": code = .unauthenticated
    case "403": code = .permissionDenied
    case "404": code = .unimplemented
    case "429", "502", "503", "504": code = .unavailable
    default: code = .unknown
    }
    return GRPCStatus(code: code, message: "HTTP status \(status) without grpc-status")
  }
}
