internal import Glibc
import Logging
import Synchronization

/// A gRPC client for one target, over one HTTP/2 connection opened on first use.
///
/// ```swift
/// let client = try GRPCClient(
///   target: "https://localhost:8443",
///   config: .init(tls: .init(trustRootsPath: "ca.pem")))
/// let reply = try await client.unary(
///   path: "/echo.Echo/Get", request: bytes,
///   serializer: RawBytesCodec(), deserializer: RawBytesCodec())
/// ```
///
/// If the connection closes or the server sends GOAWAY, the next call opens a new one.
public final class GRPCClient: Sendable {
  let shared: ClientShared

  /// Parses the target and loads TLS files; no connection is opened yet.
  ///
  /// - Parameters:
  ///   - target: `https://host:port` (TLS, ALPN h2) or `http://host:port` (h2c).
  ///   - config: Client settings; defaults to ``Config/defaults``.
  /// - Throws: ``TransportError`` for a malformed target or unusable TLS files.
  public init(target: String, config: Config = .defaults) throws {
    let secure: Bool
    let rest: Substring
    if target.hasPrefix("https://") {
      secure = true
      rest = target.dropFirst(8)
    } else if target.hasPrefix("http://") {
      secure = false
      rest = target.dropFirst(7)
    } else {
      throw TransportError(
        code: .invalidConfiguration, message: "target \(target) must start with https:// or http://"
      )
    }
    let authority = rest.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
    guard let colon = authority.lastIndex(of: ":"),
      let port = Int(authority[authority.index(after: colon)...]), (1...65535).contains(port)
    else {
      throw TransportError(
        code: .invalidConfiguration, message: "target \(target) must name host:port")
    }
    var host = String(authority[..<colon])
    if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }

    let tls = secure ? try TLSContext(client: config.tls) : nil
    shared = ClientShared(
      host: host, port: port, authority: authority, tls: tls,
      serverName: config.tls.serverHostnameOverride ?? host, connectTimeout: config.connectTimeout,
      limits: ConnectionLimits(
        maxConcurrentStreams: 1000, maxHeaderListSize: 64 * 1024,
        maxReceiveMessageSize: config.maxReceiveMessageSize, streamWindow: 1024 * 1024,
        connectionWindow: 16 * 1024 * 1024, idleTimeout: nil, keepaliveInterval: nil,
        keepaliveTimeout: .seconds(20)),
      logger: config.logger)
  }

  /// Starts a call of any kind; send with ``ClientCall/send(_:)``, read
  /// ``ClientCall/responses``.
  ///
  /// - Parameters:
  ///   - path: The method path, such as `/pkg.Service/Method`.
  ///   - metadata: Custom request metadata; defaults to none.
  ///   - options: Deadline and compression; defaults to ``CallOptions/defaults``.
  /// - Returns: The open call.
  /// - Throws: ``GRPCStatus`` `UNAVAILABLE` when no connection could be made.
  public func makeCall(
    path: String, metadata: Metadata = Metadata(), options: CallOptions = .defaults
  ) async throws -> ClientCall {
    let connection: HTTP2Connection
    do {
      connection = try await shared.connection()
    } catch let error as TransportError {
      throw GRPCStatus(code: .unavailable, message: error.description)
    }
    let head = HTTP2Connection.RequestHead(
      path: path, authority: shared.authority, scheme: shared.tls == nil ? "http" : "https",
      metadata: metadata, timeout: options.timeout, gzip: options.compressRequests)
    let state = ClientCallState()
    let messages = MessageQueue()
    let (streamID, inbound) = try await withCheckedThrowingContinuation { result in
      connection.loop.execute {
        connection.startClientCall(head, state: state, inbound: messages) {
          result.resume(with: $0)
        }
      }
    }
    return ClientCall(
      connection: connection, streamID: streamID, state: state, responses: inbound,
      gzip: options.compressRequests)
  }

  /// Makes a unary call.
  ///
  /// - Parameters:
  ///   - path: The method path.
  ///   - request: The request message.
  ///   - serializer: Encodes the request.
  ///   - deserializer: Decodes the response.
  ///   - metadata: Custom request metadata; defaults to none.
  ///   - options: Deadline and compression; defaults to ``CallOptions/defaults``.
  /// - Returns: The response message.
  /// - Throws: ``GRPCStatus`` when the call ends with anything but `OK`.
  public func unary<Request, Response>(
    path: String, request: Request, serializer: some MessageSerializer<Request>,
    deserializer: some MessageDeserializer<Response>, metadata: Metadata = Metadata(),
    options: CallOptions = .defaults
  ) async throws -> Response {
    try await clientStreaming(
      path: path, requests: [request], serializer: serializer, deserializer: deserializer,
      metadata: metadata, options: options)
  }

  /// Makes a client-streaming call: sends every request, then reads the one response.
  ///
  /// - Parameters:
  ///   - path: The method path.
  ///   - requests: The request messages.
  ///   - serializer: Encodes each request.
  ///   - deserializer: Decodes the response.
  ///   - metadata: Custom request metadata; defaults to none.
  ///   - options: Deadline and compression; defaults to ``CallOptions/defaults``.
  /// - Returns: The response message.
  /// - Throws: ``GRPCStatus`` when the call ends with anything but `OK`.
  public func clientStreaming<Request, Response>(
    path: String, requests: some Sequence<Request>, serializer: some MessageSerializer<Request>,
    deserializer: some MessageDeserializer<Response>, metadata: Metadata = Metadata(),
    options: CallOptions = .defaults
  ) async throws -> Response {
    let call = try await makeCall(path: path, metadata: metadata, options: options)
    return try await withTaskCancellationHandler {
      var pending: Request?
      for request in requests {
        if let previous = pending { try await call.send(try serializer.serialize(previous)) }
        pending = request
      }
      if let last = pending {
        try await call.send(try serializer.serialize(last), endOfStream: true)
      } else {
        call.finishSending()
      }
      var response: [UInt8]?
      for try await message in call.responses {
        guard response == nil else {
          call.cancel()
          throw GRPCStatus(code: .internal, message: "the server sent more than one response")
        }
        response = message
      }
      _ = try await call.status()
      guard let response else {
        throw GRPCStatus(code: .internal, message: "the server sent no response")
      }
      return try deserializer.deserialize(response)
    } onCancel: {
      call.cancel()
    }
  }

  /// Makes a server-streaming call, handing each response to `body` as it arrives.
  ///
  /// - Parameters:
  ///   - path: The method path.
  ///   - request: The request message.
  ///   - serializer: Encodes the request.
  ///   - deserializer: Decodes each response.
  ///   - metadata: Custom request metadata; defaults to none.
  ///   - options: Deadline and compression; defaults to ``CallOptions/defaults``.
  ///   - body: Called with each response in order.
  /// - Throws: ``GRPCStatus`` when the call ends with anything but `OK`, or what `body`
  ///   throws (the call is then cancelled).
  public func serverStreaming<Request, Response>(
    path: String, request: Request, serializer: some MessageSerializer<Request>,
    deserializer: some MessageDeserializer<Response>, metadata: Metadata = Metadata(),
    options: CallOptions = .defaults, body: (Response) async throws -> Void
  ) async throws {
    let call = try await makeCall(path: path, metadata: metadata, options: options)
    try await withTaskCancellationHandler {
      do {
        try await call.send(try serializer.serialize(request), endOfStream: true)
        for try await message in call.responses {
          try await body(deserializer.deserialize(message))
        }
        _ = try await call.status()
      } catch {
        call.cancel()
        throw error
      }
    } onCancel: {
      call.cancel()
    }
  }

  /// Closes the connection; calls in flight fail with `UNAVAILABLE`.
  public func close() {
    shared.close()
  }
}

/// One call in progress on a client.
public final class ClientCall: Sendable {
  let connection: HTTP2Connection
  let streamID: Int32
  let state: ClientCallState
  let gzip: Bool

  /// The response messages; the sequence throws the status when the call fails.
  public let responses: ResponseMessages

  init(
    connection: HTTP2Connection, streamID: Int32, state: ClientCallState,
    responses: InboundMessages, gzip: Bool
  ) {
    self.connection = connection
    self.streamID = streamID
    self.state = state
    self.gzip = gzip
    self.responses = ResponseMessages(inbound: responses)
  }

  deinit {
    // A call dropped before it ended would otherwise hold its stream open.
    if state.status.currentValue == nil {
      let connection = connection
      let streamID = streamID
      connection.loop.execute { connection.cancelClientStream(streamID) }
    }
  }

  /// Sends one request message, waiting while the window and buffer are full.
  ///
  /// - Parameters:
  ///   - message: The message bytes, without gRPC's prefix.
  ///   - endOfStream: Whether this is the last message (half-closes the call with it);
  ///     defaults to `false`.
  /// - Throws: The call's status when it already ended with an error, else ``GRPCStatus``
  ///   `CANCELLED`.
  public func send(_ message: [UInt8], endOfStream: Bool = false) async throws {
    var framed: [UInt8] = []
    if gzip {
      MessageFramer.frame(try Gzip.compress(message), compressed: true, into: &framed)
    } else {
      MessageFramer.frame(message, compressed: false, into: &framed)
    }
    let bytes = framed
    let connection = connection
    let streamID = streamID
    do {
      try await withCheckedThrowingContinuation { continuation in
        connection.loop.execute {
          connection.enqueue(streamID, bytes: bytes, completion: continuation)
          if endOfStream { connection.finishSending(streamID) }
        }
      }
    } catch {
      // The server may have ended the call first; its status says why, not our write.
      if let (status, _) = state.status.currentValue, status.code != .ok { throw status }
      throw error
    }
  }

  /// Half-closes the call: no more requests will be sent.
  public func finishSending() {
    let connection = connection
    let streamID = streamID
    connection.loop.execute { connection.finishSending(streamID) }
  }

  /// Cancels the call (RST_STREAM); the status becomes `CANCELLED` unless it already ended.
  public func cancel() {
    let connection = connection
    let streamID = streamID
    connection.loop.execute { connection.cancelClientStream(streamID) }
  }

  /// The server's response headers.
  ///
  /// - Returns: The initial metadata.
  /// - Throws: The status, when the call failed before headers arrived.
  public func initialMetadata() async throws -> Metadata {
    try await state.initialMetadata.get().get()
  }

  /// Waits for the call to end and returns its trailing metadata.
  ///
  /// - Returns: The trailers when the status is `OK`.
  /// - Throws: ``GRPCStatus`` when the status is not `OK`.
  @discardableResult
  public func status() async throws -> Metadata {
    let (status, trailers) = await state.status.get()
    guard status.code == .ok else { throw status }
    return trailers
  }

  /// Waits for the call to end and returns its status and trailers, without throwing.
  ///
  /// - Returns: The status and the trailing metadata.
  public func result() async -> (status: GRPCStatus, trailers: Metadata) {
    await state.status.get()
  }
}

/// The response messages of a client call.
public struct ResponseMessages: AsyncSequence, Sendable {
  /// Each element is one message's bytes.
  public typealias Element = [UInt8]

  let inbound: InboundMessages

  /// Iterates the responses; throws ``GRPCStatus`` when the call fails.
  public struct AsyncIterator: AsyncIteratorProtocol {
    var base: InboundMessages.AsyncIterator

    /// The next message, or `nil` once the call ended with `OK`.
    public mutating func next() async throws -> [UInt8]? {
      try await base.next()
    }
  }

  /// Makes the iterator.
  public func makeAsyncIterator() -> AsyncIterator {
    AsyncIterator(base: inbound.makeAsyncIterator())
  }
}

/// State shared by a client's calls: the target and the current connection.
final class ClientShared: Sendable {
  let host: String
  let port: Int
  let authority: String
  let tls: TLSContext?
  let serverName: String
  let connectTimeout: Duration
  let limits: ConnectionLimits
  let logger: Logger
  let loop = EventLoopGroup.shared.nextLoop()

  private enum State {
    case idle
    case connecting([CheckedContinuation<HTTP2Connection, any Error>])
    case ready(HTTP2Connection)
    case closed
  }

  private let state = Mutex<State>(.idle)

  init(
    host: String, port: Int, authority: String, tls: TLSContext?, serverName: String,
    connectTimeout: Duration, limits: ConnectionLimits, logger: Logger
  ) {
    self.host = host
    self.port = port
    self.authority = authority
    self.tls = tls
    self.serverName = serverName
    self.connectTimeout = connectTimeout
    self.limits = limits
    self.logger = logger
  }

  func connection() async throws -> HTTP2Connection {
    try await withCheckedThrowingContinuation { continuation in
      enum Action {
        case resume(HTTP2Connection)
        case fail
        case wait
        case connect
      }
      let action = state.withLock { state -> Action in
        switch state {
        case .ready(let connection):
          return .resume(connection)
        case .closed:
          return .fail
        case .connecting(var waiters):
          waiters.append(continuation)
          state = .connecting(waiters)
          return .wait
        case .idle:
          state = .connecting([continuation])
          return .connect
        }
      }
      switch action {
      case .resume(let connection): continuation.resume(returning: connection)
      case .fail:
        continuation.resume(
          throwing: TransportError(code: .connectionClosed, message: "the client is closed"))
      case .wait: break
      case .connect: startConnect()
      }
    }
  }

  private func startConnect() {
    let socket: (fd: Int32, address: String)
    do {
      socket = try Sockets.connect(host: host, port: port)
    } catch let error as TransportError {
      connectFinished(nil, .failure(error))
      return
    } catch {
      // Every waiter must hear back, whatever was thrown.
      connectFinished(
        nil, .failure(TransportError(code: .connectFailed, message: "cannot connect: \(error)")))
      return
    }
    let loop = loop
    loop.execute { [self] in
      var session: TLSSession?
      if let tls {
        do {
          session = try TLSSession(context: tls, serverName: serverName)
        } catch {
          Glibc.close(socket.fd)
          let failure =
            error as? TransportError
            ?? TransportError(code: .tlsConfiguration, message: "cannot start TLS: \(error)")
          connectFinished(nil, .failure(failure))
          return
        }
      }
      let connection = HTTP2Connection(
        loop: loop, fd: socket.fd, role: .client(self), remoteAddress: socket.address,
        tls: session, limits: limits, logger: logger)
      connection.readyWaiters.append { [self] result in
        connectFinished(connection, result)
      }
      connection.start(connecting: true, handshakeTimeout: connectTimeout)
    }
  }

  private func connectFinished(
    _ connection: HTTP2Connection?, _ result: Result<Void, TransportError>
  ) {
    let (waiters, orphaned) = state.withLock {
      state -> ([CheckedContinuation<HTTP2Connection, any Error>], Bool) in
      guard case .connecting(let waiters) = state else {
        // close() came first and already failed the waiters: a connection that made it
        // anyway has nobody to serve.
        return ([], true)
      }
      if case .success = result, let connection {
        state = .ready(connection)
      } else {
        state = .idle
      }
      return (waiters, false)
    }
    if orphaned, case .success = result, let connection {
      connection.loop.execute {
        connection.fail(TransportError(code: .connectionClosed, message: "the client was closed"))
      }
    }
    for waiter in waiters {
      switch result {
      case .success: waiter.resume(returning: connection!)
      case .failure(let error): waiter.resume(throwing: error)
      }
    }
  }

  func connectionClosed(_ connection: HTTP2Connection) {
    forget(connection)
  }

  func connectionGoingAway(_ connection: HTTP2Connection) {
    forget(connection)
  }

  private func forget(_ connection: HTTP2Connection) {
    state.withLock { state in
      if case .ready(let current) = state, current === connection { state = .idle }
    }
  }

  func close() {
    let (current, waiters) = state.withLock {
      state -> (HTTP2Connection?, [CheckedContinuation<HTTP2Connection, any Error>]) in
      defer { state = .closed }
      switch state {
      case .ready(let connection): return (connection, [])
      case .connecting(let waiters): return (nil, waiters)
      case .idle, .closed: return (nil, [])
      }
    }
    // Calls waiting for a connection still being made fail now rather than wait for ever.
    for waiter in waiters {
      waiter.resume(
        throwing: TransportError(code: .connectionClosed, message: "the client was closed"))
    }
    if let current {
      current.loop.execute {
        current.fail(TransportError(code: .connectionClosed, message: "the client was closed"))
      }
    }
  }
}
