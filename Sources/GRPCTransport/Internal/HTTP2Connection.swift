internal import AuthCore
internal import CEpoll
internal import CNGHTTP2
internal import Glibc
import Logging
import Synchronization

/// One TCP connection: socket I/O, optional TLS, and the nghttp2 session over them.
///
/// Everything here runs on ``loop``'s thread. Handler tasks and client callers reach the
/// connection only through `loop.execute`, passing `Sendable` values.
// Safe to share: every stored property is read and written only on `loop`'s thread; other
// threads hold a reference solely to schedule work onto that loop with `execute`.
final class HTTP2Connection: EventLoopWatcher, @unchecked Sendable {
  enum Role {
    case server(ServerShared)
    case client(ClientShared)
  }

  let loop: EventLoop
  let fd: Int32
  let role: Role
  let remoteAddress: String
  let logger: Logger
  let limits: ConnectionLimits
  var tls: TLSSession?
  var session: OpaquePointer?
  /// How deep the loop is inside `nghttp2_session_mem_recv`/`mem_send`. nghttp2 must not be
  /// re-entered from its own callbacks, and its session must outlive the call it is in: a
  /// flush asked for inside a callback is deferred to the call's end, and so is deleting the
  /// session of a connection that failed inside one (deleting it there was a use after free).
  private var nghttp2Depth = 0
  private var flushDeferred = false
  private var flushing = false
  private var sessionToDelete: OpaquePointer?
  var streams: [Int32: H2Stream] = [:]
  var peer: PeerCertificate?
  var closed = false
  /// Why the connection closed, for calls that arrive after it did.
  var closeReason: TransportError?
  var goingAway = false
  var readyWaiters: [(Result<Void, TransportError>) -> Void] = []
  var ready = false
  var connecting = false

  /// The stream whose DATA paused input: it arrived before the interceptor decided on the
  /// stream, so nothing after it is parsed until the decision is in.
  var inputHeldFor: Int32?
  /// Input received while paused, in order, not yet given to nghttp2. Bounded: reading stops
  /// while input is held, so it holds at most what one read brought in.
  private var heldInput: [UInt8] = []
  /// Body bytes kept for calls still awaiting their decision (see ``holdGrace``).
  var preDecisionBytes = 0
  private var holdTimer: UInt64?
  private var releaseQueued = false

  private var outbound: [UInt8] = []
  private var outboundOffset = 0
  private var watchingWrite = false
  private var watchingRead = true
  private var flushQueued = false
  private var handshakeTimer: UInt64?
  private var idleTimer: UInt64?
  private var expiryTimer: UInt64?
  private var keepaliveTimer: UInt64?
  private var lastActivity = monotonicNanoseconds()
  private static let outboundHighWater = 1 << 20

  init(
    loop: EventLoop, fd: Int32, role: Role, remoteAddress: String, tls: TLSSession?,
    limits: ConnectionLimits, logger: Logger
  ) {
    self.loop = loop
    self.fd = fd
    self.role = role
    self.remoteAddress = remoteAddress
    self.tls = tls
    self.limits = limits
    self.logger = logger
  }

  var isServer: Bool {
    if case .server = role { return true }
    return false
  }

  // MARK: - Start

  /// Registers with the loop; a server starts its handshake, a client waits for `connect`.
  func start(connecting: Bool, handshakeTimeout: Duration?) {
    self.connecting = connecting
    let events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | (connecting ? EPOLLOUT.rawValue : 0)
    watchingWrite = connecting
    loop.register(fd: fd, events: events, watcher: self)
    if let handshakeTimeout {
      handshakeTimer = loop.schedule(afterNanoseconds: handshakeTimeout.nanoseconds) {
        [self] in
        guard !ready else { return }
        fail(TransportError(code: .handshakeFailed, message: "handshake timed out"))
      }
    }
    if !connecting { beginProtocol() }
  }

  private func beginProtocol() {
    if tls == nil {
      startHTTP2()
    } else {
      stepHandshake()
    }
  }

  private func stepHandshake() {
    guard let tls, !tls.handshakeDone else { return }
    switch tls.handshake() {
    case .needMore:
      flushSocket()
    case .failed(let reason):
      flushSocket()
      logger.debug(
        "TLS handshake failed", metadata: ["tls.remote": remoteAddress, "tls.error": reason])
      fail(TransportError(code: .handshakeFailed, message: "TLS handshake failed", cause: reason))
    case .done:
      guard tls.negotiatedH2 else {
        logger.debug("peer did not negotiate ALPN h2", metadata: ["tls.remote": remoteAddress])
        fail(
          TransportError(code: .handshakeFailed, message: "the peer did not negotiate ALPN h2"))
        return
      }
      peer = tls.verifiedPeer()
      if let peer { scheduleCertificateExpiry(peer.notAfter) }
      startHTTP2()
    }
  }

  private func startHTTP2() {
    if let handshakeTimer { loop.cancelTimer(handshakeTimer) }
    handshakeTimer = nil
    var callbacks: OpaquePointer?
    nghttp2_session_callbacks_new(&callbacks)
    HTTP2Callbacks.install(callbacks!)
    var options: OpaquePointer?
    nghttp2_option_new(&options)
    // Windows are reopened as messages are taken, so a slow reader holds back its peer.
    nghttp2_option_set_no_auto_window_update(options, 1)
    nghttp2_option_set_max_outbound_ack(options, 1000)
    nghttp2_option_set_max_settings(options, 32)
    nghttp2_option_set_stream_reset_rate_limit(options, 1000, 100)
    nghttp2_option_set_max_continuations(options, 16)
    let user = Unmanaged.passUnretained(self).toOpaque()
    var session: OpaquePointer?
    if isServer {
      nghttp2_session_server_new2(&session, callbacks, user, options)
    } else {
      nghttp2_session_client_new2(&session, callbacks, user, options)
    }
    nghttp2_session_callbacks_del(callbacks)
    nghttp2_option_del(options)
    self.session = session

    var settings = [
      nghttp2_settings_entry(
        settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue),
        value: UInt32(limits.maxConcurrentStreams)),
      nghttp2_settings_entry(
        settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
        value: UInt32(initialStreamWindow)),
      nghttp2_settings_entry(
        settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue),
        value: UInt32(limits.maxHeaderListSize)),
    ]
    if !isServer { settings.removeFirst() }
    nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), settings, settings.count)
    nghttp2_session_set_local_window_size(
      session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, Int32(limits.connectionWindow))

    ready = true
    let waiters = readyWaiters
    readyWaiters = []
    for waiter in waiters { waiter(.success(())) }
    armIdleTimer()
    armKeepalive()
    flush()
  }

  /// The per-stream window granted before a stream is admitted.
  ///
  /// Open from the start, so a call's body can follow its headers without waiting a round
  /// trip. No body reaches a handler or a buffer of its own before the interceptor decides:
  /// a decision that needs no waiting is made while the HEADERS frame is parsed, before the
  /// DATA behind it, and a DATA frame that arrives for a call still undecided pauses the
  /// connection's input until the decision is in, or has taken ``holdGrace``
  /// (``holdInput(for:waited:)``).
  var initialStreamWindow: Int { limits.streamWindow }

  // MARK: - Socket events

  func handleEvents(_ events: UInt32) {
    if closed { return }
    if connecting {
      guard events & (EPOLLOUT.rawValue | EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 else {
        return
      }
      var error: Int32 = 0
      var length = socklen_t(MemoryLayout<Int32>.size)
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
      guard error == 0 else {
        fail(
          TransportError(
            code: .connectFailed, message: "could not connect to \(remoteAddress)",
            cause: errnoText(error)))
        return
      }
      connecting = false
      updateInterest()
      beginProtocol()
      return
    }

    if events & EPOLLOUT.rawValue != 0 {
      flushSocket()
      if outbound.count - outboundOffset < HTTP2Connection.outboundHighWater { flush() }
    }
    if events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue)
      != 0
    {
      readSocket(hangup: events & (EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0)
    }
  }

  private func readSocket(hangup: Bool) {
    var buffer = loop.borrowReadBuffer()
    defer { loop.returnReadBuffer(buffer) }
    var rounds = 0
    while !closed && inputHeldFor == nil && rounds < 16 {
      rounds += 1
      let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if count > 0 {
        lastActivity = monotonicNanoseconds()
        buffer.withUnsafeBytes { received(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        if count < buffer.count { break }
        continue
      }
      if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { break }
      if count < 0 && errno == EINTR { continue }
      fail(TransportError(code: .connectionClosed, message: "the peer closed the connection"))
      return
    }
    if hangup && !closed {
      fail(TransportError(code: .connectionClosed, message: "the connection was reset"))
      return
    }
    queueFlush()
  }

  private func received(_ bytes: UnsafeRawBufferPointer) {
    guard let tls else {
      feedHTTP2(bytes)
      return
    }
    tls.feed(bytes)
    if !tls.handshakeDone {
      stepHandshake()
      if closed || !tls.handshakeDone { return }
    }
    let healthy = tls.readPlaintext { plaintext in
      if !closed { feedHTTP2(plaintext) }
    }
    if !healthy && !closed {
      let reason = tls.failureReason.map { ": \($0)" } ?? ""
      fail(TransportError(code: .connectionClosed, message: "the TLS session ended\(reason)"))
    }
  }

  private func feedHTTP2(_ bytes: UnsafeRawBufferPointer) {
    guard let session, !closed else { return }
    if inputHeldFor != nil {
      heldInput.append(contentsOf: bytes)
      return
    }
    let result = insideNGHTTP2 {
      nghttp2_session_mem_recv(
        session, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count)
    }
    if result >= 0, inputHeldFor != nil, !closed {
      // nghttp2 stopped after the DATA chunk that paused it; the rest waits, unparsed.
      heldInput.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[result...]))
      updateInterest()
    }
    if result < 0, !closed {
      logger.debug(
        "HTTP/2 error; closing the connection",
        metadata: [
          "h2.remote": remoteAddress,
          "h2.error": String(cString: nghttp2_strerror(Int32(result))),
        ])
      // Flood and protocol errors leave a GOAWAY queued; send it, then close.
      flush(force: true)
      fail(
        TransportError(
          code: .connectionClosed,
          message: "HTTP/2 protocol error: \(String(cString: nghttp2_strerror(Int32(result))))"))
    }
  }

  // MARK: - Output

  /// Moves nghttp2's pending frames through TLS to the socket.
  /// Runs one nghttp2 entry point, then does what its callbacks had to defer.
  private func insideNGHTTP2<T>(_ body: () -> T) -> T {
    nghttp2Depth += 1
    let result = body()
    nghttp2Depth -= 1
    guard nghttp2Depth == 0 else { return result }
    if let doomed = sessionToDelete {
      sessionToDelete = nil
      nghttp2_session_del(doomed)
    } else if flushDeferred, !closed, !flushing {
      flushDeferred = false
      flush()
    }
    return result
  }

  func flush(force: Bool = false) {
    guard nghttp2Depth == 0 else {
      flushDeferred = true
      return
    }
    guard let session, !closed || force else { return }
    // The loop below drains everything nghttp2 has queued, including what its callbacks
    // queue meanwhile, so a flush they ask for is already covered.
    flushing = true
    defer {
      flushing = false
      flushDeferred = false
    }
    // With TLS, frames are gathered first so one record carries many small frames.
    var plaintext: [UInt8] = []
    var drained = false
    while outbound.count - outboundOffset + plaintext.count < HTTP2Connection.outboundHighWater {
      var data: UnsafePointer<UInt8>?
      let count = insideNGHTTP2 { nghttp2_session_mem_send(session, &data) }
      // A callback may have closed the connection; the session, and `data` with it, is gone.
      guard self.session != nil else { return }
      if count < 0 {
        fail(TransportError(code: .connectionClosed, message: "HTTP/2 send error"))
        return
      }
      if count == 0 {
        drained = true
        break
      }
      let bytes = UnsafeRawBufferPointer(start: data, count: count)
      if tls != nil {
        plaintext.append(contentsOf: bytes)
      } else {
        outbound.append(contentsOf: bytes)
      }
    }
    if let tls, !plaintext.isEmpty {
      _ = plaintext.withUnsafeBytes { tls.writePlaintext($0) }
      tls.takeOutput(into: &outbound)
    }
    flushSocket()
    if !drained && !closed && outbound.count == outboundOffset {
      // Stopping at the high-water mark relies on EPOLLOUT to come back, but the socket took
      // everything, so no such event will come; nor will a peer whose window is already open
      // send a frame that would. Come back after the loop has served its other work.
      queueFlush()
      return
    }

    if !closed && nghttp2_session_want_read(session) == 0
      && nghttp2_session_want_write(session) == 0 && outbound.count == outboundOffset
    {
      fail(TransportError(code: .connectionClosed, message: "the HTTP/2 session ended"))
    } else if goingAway && streams.isEmpty && !closed && outbound.count == outboundOffset {
      fail(TransportError(code: .connectionClosed, message: "the connection drained"))
    }
  }

  /// Flushes once the loop has run the work queued so far, so the answers of many calls that
  /// finished in one pass leave in one TLS record and one `send`.
  func queueFlush() {
    guard !flushQueued else { return }
    flushQueued = true
    loop.whenQueueDrained { [self] in
      flushQueued = false
      flush()
    }
  }

  private func flushSocket() {
    if let tls { tls.takeOutput(into: &outbound) }
    while outboundOffset < outbound.count {
      let count = outbound.withUnsafeBytes { buffer in
        send(
          fd, buffer.baseAddress! + outboundOffset, buffer.count - outboundOffset,
          Int32(MSG_NOSIGNAL))
      }
      if count > 0 {
        outboundOffset += count
        continue
      }
      if count < 0 && errno == EINTR { continue }
      if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { break }
      closeNow()
      return
    }
    if outboundOffset == outbound.count {
      outbound.removeAll(keepingCapacity: outbound.capacity <= 1 << 20)
      outboundOffset = 0
    } else if outboundOffset > 1 << 20 {
      outbound.removeFirst(outboundOffset)
      outboundOffset = 0
    }
    updateInterest()
  }

  /// Watches for output room while output waits, and for input unless input is held.
  private func updateInterest() {
    let write = connecting || outboundOffset < outbound.count
    let read = inputHeldFor == nil
    guard write != watchingWrite || read != watchingRead, !closed else { return }
    watchingWrite = write
    watchingRead = read
    // Level-triggered: a peer's half-close (RDHUP) would be reported again and again while
    // input is held, so it is watched only with input. HUP and ERR are always reported.
    loop.modify(
      fd: fd,
      events: (read ? EPOLLIN.rawValue | EPOLLRDHUP.rawValue : 0)
        | (write ? EPOLLOUT.rawValue : 0))
  }

  // MARK: - Held input

  /// How long a call's body may stop its connection's input while the call's decision is
  /// made. Decisions that wait at all are nearly always a signature check, well under this;
  /// one that waits on the issuer (a key fetch) must not stall every other call on the
  /// connection for as long as the fetch takes.
  static let holdGrace: UInt64 = 50_000_000
  /// How many body bytes of undecided calls a connection keeps, once their decisions have
  /// outlasted ``holdGrace``; past it, input stops again until a decision is in.
  static let preDecisionBudget = 64 * 1024

  /// Pauses input at a DATA frame for `streamID`, whose admission is still undecided.
  ///
  /// Called from nghttp2's data callback, which then returns `NGHTTP2_ERR_PAUSE`; the rest of
  /// the input is kept unparsed and the socket is not read until the decision is in, or
  /// until the decision has taken ``holdGrace`` (`waited` of it already spent) and the
  /// connection still has room in ``preDecisionBudget``.
  func holdInput(for streamID: Int32, waited: UInt64) {
    inputHeldFor = streamID
    guard waited < Self.holdGrace else { return }
    holdTimer = loop.schedule(afterNanoseconds: Self.holdGrace - waited) { [self] in
      holdTimer = nil
      guard inputHeldFor == streamID, preDecisionBytes < Self.preDecisionBudget else { return }
      releaseHeldInput()
    }
  }

  /// Resumes input once the stream that paused it is decided, refused or gone.
  func releaseHeldInputIfDecided() {
    guard let id = inputHeldFor else { return }
    if let stream = streams[id], stream.phase == .awaitingAdmission { return }
    releaseHeldInput()
  }

  private func releaseHeldInput() {
    guard !closed, !releaseQueued else { return }
    releaseQueued = true
    if let holdTimer {
      loop.cancelTimer(holdTimer)
      self.holdTimer = nil
    }
    // Run as a job of its own: the caller may be deciding or finishing a stream, and the
    // input it releases can start, feed or end any stream on the connection. Input stays
    // held until then, so nothing read meanwhile can overtake what was held.
    loop.execute { [self] in
      releaseQueued = false
      guard !closed, inputHeldFor != nil else { return }
      inputHeldFor = nil
      var input: [UInt8] = []
      swap(&input, &heldInput)
      // Even with nothing held, nghttp2 must run once more to finish the DATA frame it
      // paused in (its END_STREAM flag, for one).
      input.withUnsafeBytes { feedHTTP2($0) }
      updateInterest()
      queueFlush()
    }
  }

  /// A connection must not outlive the certificate that admitted it: at `notAfter` it gets
  /// GOAWAY, so calls in flight finish and new ones need a fresh handshake.
  private func scheduleCertificateExpiry(_ notAfter: Int64) {
    let remaining = max(0, notAfter - Int64(time(nil)))
    // Re-checked hourly so cancelled far-future timers never pile up in the loop's heap.
    let delay = UInt64(min(remaining, 3600)) * 1_000_000_000
    expiryTimer = loop.schedule(afterNanoseconds: delay) { [self] in
      guard !closed else { return }
      if remaining > 3600 {
        scheduleCertificateExpiry(notAfter)
        return
      }
      logger.debug(
        "client certificate expired; draining its connection",
        metadata: ["tls.remote": remoteAddress, "tls.peer": peer?.subject ?? ""])
      beginGoAway()
    }
  }

  // MARK: - Idle and keepalive

  /// PINGs a connection that has been silent for the keepalive interval; any frame that
  /// arrives within the timeout (the PING ACK at least) keeps it open.
  private func armKeepalive() {
    guard let interval = limits.keepaliveInterval else { return }
    keepaliveTimer = loop.schedule(afterNanoseconds: interval.nanoseconds) { [self] in
      guard !closed, let session else { return }
      let sent = monotonicNanoseconds()
      guard sent - lastActivity >= interval.nanoseconds else {
        armKeepalive()
        return
      }
      nghttp2_submit_ping(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nil)
      flush()
      keepaliveTimer = loop.schedule(afterNanoseconds: limits.keepaliveTimeout.nanoseconds) {
        [self] in
        guard !closed else { return }
        if lastActivity < sent {
          fail(TransportError(code: .connectionClosed, message: "keepalive PING unanswered"))
        } else {
          armKeepalive()
        }
      }
    }
  }

  private func armIdleTimer() {
    guard let idle = limits.idleTimeout else { return }
    idleTimer = loop.schedule(afterNanoseconds: idle.nanoseconds) { [self] in
      guard !closed else { return }
      let quiet = monotonicNanoseconds() - lastActivity
      if streams.isEmpty && quiet >= idle.nanoseconds {
        logger.debug("closing idle connection", metadata: ["h2.remote": remoteAddress])
        beginGoAway()
      } else {
        armIdleTimer()
      }
    }
  }

  // MARK: - Closing

  /// Sends GOAWAY and closes once in-flight streams finish.
  func beginGoAway() {
    guard !closed, !goingAway else { return }
    goingAway = true
    if let session {
      nghttp2_submit_goaway(
        session, UInt8(NGHTTP2_FLAG_NONE.rawValue),
        nghttp2_session_get_last_proc_stream_id(session),
        UInt32(NGHTTP2_NO_ERROR.rawValue), nil, 0)
    }
    flush()
  }

  /// Closes the connection and fails everything still waiting on it.
  func fail(_ error: TransportError) {
    guard !closed else { return }
    flushSocket()
    // A server's last words (a TLS alert, a GOAWAY) must reach the peer: see LingeringClose.
    closeNow(error, linger: isServer && outboundOffset == outbound.count)
  }

  private func closeNow(_ error: TransportError? = nil, linger: Bool = false) {
    guard !closed else { return }
    closed = true
    let error =
      error ?? TransportError(code: .connectionClosed, message: "the connection was closed")
    closeReason = error
    logger.trace(
      "connection closed",
      metadata: [
        "h2.remote": remoteAddress, "h2.reason": error.message, "h2.server": "\(isServer)",
      ])
    if let handshakeTimer { loop.cancelTimer(handshakeTimer) }
    if let idleTimer { loop.cancelTimer(idleTimer) }
    if let expiryTimer { loop.cancelTimer(expiryTimer) }
    if let keepaliveTimer { loop.cancelTimer(keepaliveTimer) }
    if let holdTimer { loop.cancelTimer(holdTimer) }
    loop.deregister(fd: fd)
    if linger {
      LingeringClose.start(fd: fd, on: loop)
    } else {
      Glibc.close(fd)
    }

    let waiters = readyWaiters
    readyWaiters = []
    for waiter in waiters { waiter(.failure(error)) }
    let open = streams
    streams = [:]
    for (_, stream) in open { streamClosed(stream, errorCode: UInt32.max, reason: error) }
    if let session {
      if nghttp2Depth > 0 { sessionToDelete = session } else { nghttp2_session_del(session) }
    }
    session = nil

    switch role {
    case .server(let shared): shared.connectionClosed(self)
    case .client(let shared): shared.connectionClosed(self)
    }
  }

  // MARK: - Streams

  /// Sends response headers; with `endStream` they are the whole (Trailers-Only) response.
  func submitResponse(_ stream: H2Stream, headers: [(String, String)], endStream: Bool) {
    withHeaderBlock(headers) { nva, count in
      submitResponse(stream, nva, count, endStream: endStream)
    }
  }

  func submitResponse(_ stream: H2Stream, headers: StaticHeaderBlock, endStream: Bool) {
    submitResponse(stream, headers.fields, headers.count, endStream: endStream)
  }

  private func submitResponse(
    _ stream: H2Stream, _ nva: UnsafePointer<nghttp2_nv>, _ count: Int, endStream: Bool
  ) {
    guard let session else { return }
    stream.headersSent = true
    if endStream {
      _ = nghttp2_submit_response(session, stream.id, nva, count, nil)
    } else {
      var provider = nghttp2_data_provider()
      provider.read_callback = HTTP2Callbacks.readData
      _ = nghttp2_submit_response(session, stream.id, nva, count, &provider)
    }
  }

  /// Queues framed bytes on a stream; `completion` resumes when the buffer has room.
  func enqueue(
    _ streamID: Int32, bytes: [UInt8], completion: CheckedContinuation<Void, any Error>?
  ) {
    guard let stream = streams[streamID], !stream.outboundEnded, !closed else {
      completion?.resume(throwing: GRPCStatus(code: .cancelled, message: "the stream closed"))
      return
    }
    if stream.outbound.isEmpty {
      stream.outbound = bytes
      stream.outboundOffset = 0
    } else {
      stream.outbound.append(contentsOf: bytes)
    }
    resumeData(stream)
    if let completion {
      if stream.bufferedOutbound > limits.streamWindow {
        stream.writeWaiters.append(completion)
      } else {
        completion.resume()
      }
    }
    queueFlush()
  }

  func resumeData(_ stream: H2Stream) {
    guard stream.dataDeferred, let session else { return }
    stream.dataDeferred = false
    nghttp2_session_resume_data(session, stream.id)
  }

  /// Supplies DATA for nghttp2, and trailers once the buffer is empty and the stream ended.
  func readData(streamID: Int32, into buffer: UnsafeMutablePointer<UInt8>, length: Int)
    -> (Int, UInt32)
  {
    guard let stream = streams[streamID] else {
      return (Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue), 0)
    }
    let available = stream.bufferedOutbound
    if available > 0 {
      var count = min(available, length)
      if count == available && !stream.outboundEnded, let session,
        Int(nghttp2_session_get_stream_remote_window_size(session, streamID)) <= count
      {
        // Emptying the buffer would also empty the peer's window, and nghttp2 asks for no
        // more (not even the end of the stream) until the peer opens it again; peers that
        // grant exactly what a message needs never do. Keep one byte back for the end.
        guard count > 1 else {
          stream.dataDeferred = true
          return (Int(NGHTTP2_ERR_DEFERRED.rawValue), 0)
        }
        count -= 1
      }
      stream.outbound.withUnsafeBytes { source in
        UnsafeMutableRawPointer(buffer).copyMemory(
          from: source.baseAddress! + stream.outboundOffset, byteCount: count)
      }
      stream.outboundOffset += count
      if stream.outboundOffset == stream.outbound.count {
        stream.outbound.removeAll(keepingCapacity: true)
        stream.outboundOffset = 0
      } else if stream.outboundOffset > 1 << 20 {
        stream.outbound.removeFirst(stream.outboundOffset)
        stream.outboundOffset = 0
      }
      if stream.bufferedOutbound <= limits.streamWindow && !stream.writeWaiters.isEmpty {
        let waiters = stream.writeWaiters
        stream.writeWaiters = []
        for waiter in waiters { waiter.resume() }
      }
      // Signal the end with the last bytes: a peer that grants exactly the announced
      // message size leaves the window at zero, and nghttp2 would never ask again.
      let flags = stream.bufferedOutbound == 0 && stream.outboundEnded ? endOfData(stream) : 0
      return (count, flags)
    }

    guard stream.outboundEnded else {
      stream.dataDeferred = true
      return (Int(NGHTTP2_ERR_DEFERRED.rawValue), 0)
    }
    return (0, endOfData(stream))
  }

  private func endOfData(_ stream: H2Stream) -> UInt32 {
    if let block = stream.staticTrailers, let session {
      _ = nghttp2_submit_trailer(session, stream.id, block.fields, block.count)
      return NGHTTP2_DATA_FLAG_EOF.rawValue | NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue
    }
    if let trailers = stream.trailers, let session {
      withHeaderBlock(trailers) { nva, count in
        _ = nghttp2_submit_trailer(session, stream.id, nva, count)
      }
      return NGHTTP2_DATA_FLAG_EOF.rawValue | NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue
    }
    return NGHTTP2_DATA_FLAG_EOF.rawValue
  }

  /// Gives back flow-control credit for bytes the application has taken.
  func consume(_ streamID: Int32, _ count: Int) {
    guard let session, count > 0 else { return }
    nghttp2_session_consume_connection(session, count)
    if streams[streamID] != nil { nghttp2_session_consume_stream(session, streamID, count) }
  }

  /// Decodes DATA into messages and hands them to the reader.
  func deliver(_ stream: H2Stream, _ bytes: UnsafeRawBufferPointer) {
    guard stream.inbound != nil else {
      consume(stream.id, bytes.count)
      return
    }
    if stream.credit.queued.load(ordering: .acquiring) < limits.streamWindow {
      consume(stream.id, bytes.count)
    } else {
      stream.deferredConsume += bytes.count
      holdCredit(stream)
    }
    stream.deframer.append(bytes)
    drainDeframer(stream)
  }

  func drainDeframer(_ stream: H2Stream) {
    while let inbound = stream.inbound {
      let message: (compressed: Bool, payload: [UInt8])?
      do {
        message = try stream.deframer.next()
      } catch {
        inboundFailed(stream, error)
        return
      }
      guard var (compressed, payload) = message else { break }
      if compressed {
        guard stream.inboundGzip else {
          inboundFailed(
            stream,
            GRPCStatus(
              code: .internal, message: "compressed message without a grpc-encoding"))
          return
        }
        do {
          payload = try Gzip.decompress(payload, limit: limits.maxReceiveMessageSize)
        } catch {
          inboundFailed(stream, error)
          return
        }
        compressed = false
      }
      stream.credit.queued.add(payload.count, ordering: .acquiringAndReleasing)
      inbound.yield(payload)
    }
    if stream.inboundEnded, let inbound = stream.inbound {
      if stream.deframer.hasPartialMessage {
        inboundFailed(
          stream, GRPCStatus(code: .internal, message: "the stream ended inside a message"))
      } else {
        inbound.finish()
        stream.inbound = nil
      }
    }
  }

  /// Marks credit as held; re-checks so a reader that drained meanwhile isn't missed.
  private func holdCredit(_ stream: H2Stream) {
    // Sequentially consistent, as in the reader's `taken`: with release/acquire the store may
    // pass the load, both sides then miss each other and the credit stays held for good.
    stream.credit.waiting.store(true, ordering: .sequentiallyConsistent)
    if stream.credit.queued.load(ordering: .sequentiallyConsistent) < limits.streamWindow,
      stream.credit.waiting.exchange(false, ordering: .acquiringAndReleasing)
    {
      releaseCredit(stream.id)
    }
  }

  /// The reader drained below the window: give back the credit held for it.
  func releaseCredit(_ streamID: Int32) {
    guard let stream = streams[streamID], stream.deferredConsume > 0 else { return }
    guard stream.credit.queued.load(ordering: .acquiring) < limits.streamWindow else {
      holdCredit(stream)
      return
    }
    let count = stream.deferredConsume
    stream.deferredConsume = 0
    consume(streamID, count)
    queueFlush()
  }

  /// Builds the reader's view of a stream's messages.
  func inboundMessages(
    _ stream: H2Stream, _ messages: MessageQueue
  ) -> InboundMessages {
    let credit = stream.credit
    let window = limits.streamWindow
    let streamID = stream.id
    let connection = self
    return InboundMessages(queue: messages) { size in
      if credit.taken(size, window: window) {
        connection.loop.execute { connection.releaseCredit(streamID) }
      }
    }
  }

  func inboundFailed(_ stream: H2Stream, _ status: GRPCStatus) {
    stream.inbound?.finish(throwing: status)
    stream.inbound = nil
    switch role {
    case .server: finishServerStream(stream.id, status: status, trailers: Metadata())
    case .client: failClientStream(stream, status: status, resetCode: NGHTTP2_CANCEL.rawValue)
    }
  }

  func streamClosed(_ stream: H2Stream, errorCode: UInt32, reason: TransportError?) {
    streams[stream.id] = nil
    // Bytes that arrived but were never handed over still count against the connection's
    // window; nghttp2 does not give that back for a closed stream, so a peer that resets
    // calls with unread data would otherwise shrink the window for good.
    consume(stream.id, stream.pendingData.count + stream.deferredConsume)
    preDecisionBytes -= stream.pendingData.count
    stream.pendingData = []
    stream.deferredConsume = 0
    if inputHeldFor == stream.id { releaseHeldInputIfDecided() }
    if let timer = stream.deadlineTimer { loop.cancelTimer(timer) }
    let waiters = stream.writeWaiters
    stream.writeWaiters = []
    let cancelled = GRPCStatus(code: .cancelled, message: "the stream was closed")
    for waiter in waiters { waiter.resume(throwing: cancelled) }
    switch role {
    case .server:
      stream.inbound?.finish(throwing: cancelled)
      stream.inbound = nil
      if stream.phase != .finished { stream.handlerTask?.cancel() }
      stream.phase = .finished
    case .client:
      clientStreamClosed(stream, errorCode: errorCode, reason: reason)
    }
  }

  func withHeaderBlock<R>(
    _ headers: [(String, String)], _ body: (UnsafePointer<nghttp2_nv>, Int) -> R
  ) -> R {
    var bytes: [UInt8] = []
    var ranges: [(Int, Int, Int, Int)] = []
    for (name, value) in headers {
      let nameStart = bytes.count
      bytes.append(contentsOf: name.utf8)
      let valueStart = bytes.count
      bytes.append(contentsOf: value.utf8)
      ranges.append((nameStart, valueStart - nameStart, valueStart, bytes.count - valueStart))
    }
    return bytes.withUnsafeMutableBufferPointer { storage in
      // Every block carries at least a pseudo-header or grpc-status, so storage is non-empty.
      let base = storage.baseAddress!
      let fields = ranges.map { range in
        nghttp2_nv(
          name: base + range.0, value: base + range.2, namelen: range.1, valuelen: range.3,
          flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue))
      }
      return fields.withUnsafeBufferPointer { body($0.baseAddress!, $0.count) }
    }
  }
}

/// Per-connection limits, shared by the server and client configurations.
struct ConnectionLimits: Sendable {
  var maxConcurrentStreams: Int
  var maxHeaderListSize: Int
  var maxReceiveMessageSize: Int
  var streamWindow: Int
  var connectionWindow: Int
  var idleTimeout: Duration?
  var keepaliveInterval: Duration?
  var keepaliveTimeout: Duration
}

extension Duration {
  var nanoseconds: UInt64 {
    let (seconds, attoseconds) = components
    guard seconds >= 0 else { return 0 }
    return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
  }
}
