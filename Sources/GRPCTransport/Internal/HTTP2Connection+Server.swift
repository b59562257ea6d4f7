internal import CNGHTTP2
import Logging

/// Server-side stream handling: request validation, admission, handlers, responses.
extension HTTP2Connection {
  private var shared: ServerShared {
    guard case .server(let shared) = role else { preconditionFailure("server role expected") }
    return shared
  }

  func serverRequestHeaders(_ stream: H2Stream) {
    guard !stream.headersOversized else {
      // Refused before any interceptor could see the call (its headers are incomplete), so
      // the transport logs it, with the field names the gateway's refusal lines use.
      logger.notice(
        "call refused",
        metadata: [
          "auth.method": stream.header(":path") ?? "(not received)",
          "auth.principal": "unknown", "auth.code": "\(GRPCStatus.Code.resourceExhausted)",
          "auth.reason": "the request's header list is over its limit",
          "net.peer": remoteAddress,
        ])
      refuse(
        stream,
        GRPCStatus(
          code: .resourceExhausted,
          message: "the request's header list is over \(limits.maxHeaderListSize) bytes"))
      return
    }
    guard stream.header(":method") == "POST" else {
      respondHTTPError(stream, status: "405")
      return
    }
    guard let contentType = stream.header("content-type"),
      contentType == "application/grpc" || contentType.hasPrefix("application/grpc+")
        || contentType.hasPrefix("application/grpc;")
    else {
      respondHTTPError(stream, status: "415")
      return
    }
    let path = stream.header(":path") ?? ""
    guard path.hasPrefix("/") else {
      refuse(stream, GRPCStatus(code: .unimplemented, message: "malformed method path"))
      return
    }

    var metadata = Metadata()
    for (name, value) in stream.headers where !Metadata.isReserved(name) {
      guard metadata.appendWire(name: name, value: value) else {
        refuse(stream, GRPCStatus(code: .internal, message: "bad base64 in \(name)"))
        return
      }
    }

    if let timeout = stream.header("grpc-timeout") {
      guard let nanoseconds = HTTP2Connection.parseTimeout(timeout) else {
        refuse(stream, GRPCStatus(code: .internal, message: "malformed grpc-timeout"))
        return
      }
      let id = stream.id
      stream.deadlineTimer = loop.schedule(afterNanoseconds: nanoseconds) { [self] in
        guard let stream = streams[id], stream.phase != .finished else { return }
        stream.deadlineTimer = nil
        stream.handlerTask?.cancel()
        finishServerStream(
          id, status: GRPCStatus(code: .deadlineExceeded, message: "deadline exceeded"),
          trailers: Metadata())
      }
    }

    let head = CallHead(path: path, metadata: metadata, peer: peer, remoteAddress: remoteAddress)
    stream.phase = .awaitingAdmission
    let id = stream.id
    // Most decisions need no waiting (a public method, a certificate, a token verified
    // before); they are made here, while nghttp2 is still on this HEADERS frame, so the body
    // behind it already finds the call admitted or refused.
    let immediate =
      if let interceptor = shared.interceptor {
        interceptor.admitImmediately(head)
      } else {
        Admission.admit(metadata: metadata)
      }
    if let immediate {
      guard let call = admissionDecided(id, head: head, admission: immediate) else { return }
      stream.handlerTask = Task(executorPreference: loop) { await call.run() }
      return
    }
    guard let interceptor = shared.interceptor else { return }
    // Only a decision that waits can meet its body undecided; the hold's grace counts from here.
    stream.awaitingSince = monotonicNanoseconds()
    let connection = self
    // One task decides and then runs the handler. It prefers the loop, so a decision that
    // needs nothing else (no token to verify, or a cached one) and a handler that awaits
    // nothing elsewhere never leave this thread. Cancelling it (a reset, the deadline) also
    // ends a decision still in progress.
    stream.handlerTask = Task(executorPreference: loop) {
      let admission = await interceptor.admit(head)
      if !connection.loop.inEventLoop {
        // An interceptor isolated to an actor of its own can return there; come back.
        await withCheckedContinuation { continuation in
          connection.loop.execute { continuation.resume() }
        }
      }
      guard let call = connection.admissionDecided(id, head: head, admission: admission) else {
        return
      }
      await call.run()
    }
  }

  /// Refuses the call, or readies it to run; `nil` when it is refused or already gone.
  func admissionDecided(
    _ streamID: Int32, head: CallHead, admission: Admission
  ) -> AdmittedCall? {
    guard let stream = streams[streamID], stream.phase == .awaitingAdmission, !closed else {
      return nil
    }
    defer { if inputHeldFor == streamID { releaseHeldInputIfDecided() } }
    let metadata: Metadata
    let context: (any Sendable)?
    switch admission.verdict {
    case .refuse(let status):
      logger.debug(
        "call refused at the header stage",
        metadata: ["grpc.path": head.path, "grpc.status": "\(status.code)"])
      refuse(stream, status)
      queueFlush()
      return nil
    case .admit(let admitted, let value):
      metadata = admitted
      context = value
    }

    guard let handler = shared.router.handlers[head.path] else {
      refuse(stream, GRPCStatus(code: .unimplemented, message: "unknown method \(head.path)"))
      queueFlush()
      return nil
    }
    let encoding = stream.header("grpc-encoding") ?? "identity"
    guard encoding == "identity" || encoding == "gzip" else {
      refuse(
        stream,
        GRPCStatus(code: .unimplemented, message: "unsupported grpc-encoding \(encoding)"),
        extra: [("grpc-accept-encoding", HTTP2Connection.acceptedEncodings)])
      queueFlush()
      return nil
    }

    stream.phase = .admitted
    stream.inboundGzip = encoding == "gzip"
    stream.outboundGzip = encoding == "gzip"

    let messages = MessageQueue()
    stream.inbound = messages
    let inbound = inboundMessages(stream, messages)
    if !stream.pendingData.isEmpty {
      let pending = stream.pendingData
      preDecisionBytes -= pending.count
      stream.pendingData = []
      pending.withUnsafeBytes { deliver(stream, $0) }
    }
    drainDeframer(stream)

    let sink = ServerStreamSink(
      connection: self, streamID: streamID, response: ResponseMetadata(),
      gzip: stream.outboundGzip)
    let serverContext = ServerContext(
      path: head.path, metadata: metadata, peer: head.peer, remoteAddress: head.remoteAddress,
      admission: context, response: sink.response)
    queueFlush()
    return AdmittedCall(handler: handler, inbound: inbound, sink: sink, context: serverContext)
  }

  func serverSend(
    _ streamID: Int32, bytes: [UInt8], initial: Metadata,
    completion: CheckedContinuation<Void, any Error>
  ) {
    guard let stream = streams[streamID], stream.phase == .admitted else {
      completion.resume(throwing: GRPCStatus(code: .cancelled, message: "the stream closed"))
      return
    }
    if !stream.headersSent { sendResponseHeaders(stream, initial: initial) }
    enqueue(streamID, bytes: bytes, completion: completion)
  }

  func serverSendFinal(_ streamID: Int32, bytes: [UInt8], initial: Metadata) {
    guard let stream = streams[streamID], stream.phase == .admitted else { return }
    if !stream.headersSent { sendResponseHeaders(stream, initial: initial) }
    enqueue(streamID, bytes: bytes, completion: nil)
  }

  private func sendResponseHeaders(_ stream: H2Stream, initial: Metadata) {
    if !stream.outboundGzip && initial.count == 0 {
      submitResponse(stream, headers: .plainResponse, endStream: false)
      return
    }
    var headers = [(":status", "200"), ("content-type", "application/grpc")]
    if stream.outboundGzip { headers.append(("grpc-encoding", "gzip")) }
    headers.append(("grpc-accept-encoding", HTTP2Connection.acceptedEncodings))
    headers.append(contentsOf: initial.wireHeaders)
    submitResponse(stream, headers: headers, endStream: false)
  }

  /// Ends a call with a status; Trailers-Only when no headers went out yet.
  func finishServerStream(
    _ streamID: Int32, status: GRPCStatus, trailers: Metadata, initial: Metadata = Metadata()
  ) {
    guard let stream = streams[streamID], stream.phase != .finished, !closed else { return }
    if let timer = stream.deadlineTimer { loop.cancelTimer(timer) }
    stream.deadlineTimer = nil
    if status.code == .ok {
      stream.inbound?.finish()
    } else {
      stream.inbound?.finish(throwing: status)
    }
    stream.inbound = nil
    stream.phase = .finished
    if inputHeldFor == streamID { releaseHeldInputIfDecided() }

    if !stream.headersSent && initial.count > 0 { sendResponseHeaders(stream, initial: initial) }
    let plainOK = status.code == .ok && status.message.isEmpty && trailers.count == 0
    var fields: [(String, String)] = []
    if !(plainOK && stream.headersSent) {
      fields.append(("grpc-status", "\(status.code.rawValue)"))
      if !status.message.isEmpty {
        fields.append(("grpc-message", GRPCStatus.percentEncode(status.message)))
      }
      fields.append(contentsOf: trailers.wireHeaders)
    }

    if stream.headersSent {
      if plainOK {
        stream.staticTrailers = .okTrailers
      } else {
        stream.trailers = fields
      }
      stream.outboundEnded = true
      resumeData(stream)
    } else {
      submitResponse(
        stream, headers: [(":status", "200"), ("content-type", "application/grpc")] + fields,
        endStream: true)
    }
    releaseUnread(stream)
    queueFlush()
  }

  private func refuse(_ stream: H2Stream, _ status: GRPCStatus, extra: [(String, String)] = []) {
    var fields = [
      (":status", "200"), ("content-type", "application/grpc"),
      ("grpc-status", "\(status.code.rawValue)"),
    ]
    if !status.message.isEmpty {
      fields.append(("grpc-message", GRPCStatus.percentEncode(status.message)))
    }
    fields.append(contentsOf: extra)
    stream.phase = .refused
    if let timer = stream.deadlineTimer { loop.cancelTimer(timer) }
    submitResponse(stream, headers: fields, endStream: true)
    releaseUnread(stream)
  }

  private func respondHTTPError(_ stream: H2Stream, status: String) {
    stream.phase = .refused
    submitResponse(stream, headers: [(":status", status)], endStream: true)
    releaseUnread(stream)
    flush()
  }

  /// Returns window credit for body bytes that will never be read.
  private func releaseUnread(_ stream: H2Stream) {
    consume(stream.id, stream.pendingData.count + stream.deferredConsume)
    preDecisionBytes -= stream.pendingData.count
    stream.pendingData = []
    stream.deferredConsume = 0
  }

  /// Parses `grpc-timeout` (`1-8 digits` + `H M S m u n`) into nanoseconds.
  static func parseTimeout(_ text: String) -> UInt64? {
    guard let unit = text.last, (2...9).contains(text.count),
      let value = UInt64(text.dropLast())
    else { return nil }
    let scale: UInt64
    switch unit {
    case "H": scale = 3_600_000_000_000
    case "M": scale = 60_000_000_000
    case "S": scale = 1_000_000_000
    case "m": scale = 1_000_000
    case "u": scale = 1000
    case "n": scale = 1
    default: return nil
    }
    let (result, overflow) = value.multipliedReportingOverflow(by: scale)
    return overflow ? UInt64.max / 2 : result
  }
}

extension HTTP2Connection {
  /// The message encodings the server reads and writes.
  static let acceptedEncodings = "gzip,identity"
}

/// An admitted call, ready for its handler.
///
/// The handler runs on the loop's executor; what it awaits elsewhere (a database queue, an
/// actor) moves it there and back, and CPU-heavy work belongs off the loop in the handler's
/// own hands.
struct AdmittedCall: Sendable {
  let handler: Router.Handler
  let inbound: InboundMessages
  let sink: ServerStreamSink
  let context: ServerContext

  /// Runs the handler and ends the stream with its outcome.
  func run() async {
    let status: GRPCStatus
    var final: [UInt8]?
    do {
      final = try await handler(inbound, sink, context)
      status = .ok
    } catch let error as GRPCStatus {
      status = error
    } catch let error as any GRPCStatusConvertible {
      status = error.makeGRPCStatus()
    } catch is CancellationError {
      status = GRPCStatus(code: .cancelled, message: "the call was cancelled")
    } catch {
      status = GRPCStatus(code: .unknown, message: "the handler failed")
    }
    sink.finish(status, final: final)
  }
}
