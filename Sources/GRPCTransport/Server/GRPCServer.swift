internal import CEpoll
internal import Glibc
import Logging
import Synchronization

/// A gRPC server over HTTP/2, with TLS or plaintext h2c.
///
/// The initializer checks the TLS files and binds the port, so configuration mistakes fail
/// at start-up with a message naming the file. ``run()`` then serves until a graceful
/// shutdown has drained every connection, or until its task is cancelled (the hard stop).
///
/// ```swift
/// var router = Router()
/// router.registerUnary("/echo.Echo/Get", deserializer: RawBytesCodec(),
///                      serializer: RawBytesCodec()) { request, _ in request }
/// let server = try GRPCServer(config: .init(port: 8443, tls: tls), router: router)
/// try await server.run()
/// ```
public final class GRPCServer: Sendable {
  /// The port the server listens on; the system's choice when the configuration said `0`.
  public let port: Int

  let shared: ServerShared
  private let group: EventLoopGroup
  private let listener: Listener

  /// Validates the configuration and binds the listening socket.
  ///
  /// - Parameters:
  ///   - config: Address, TLS and limits; defaults to ``Config/defaults``.
  ///   - router: The methods to serve.
  ///   - interceptor: The header-stage decision run before every call; defaults to none.
  /// - Throws: ``TransportError`` naming the file or address at fault.
  public init(
    config: Config = .defaults, router: Router, interceptor: (any HeaderInterceptor)? = nil
  ) throws {
    let tlsContext = try config.tls.map { try TLSContext(server: $0) }
    let (fd, port) = try Sockets.listen(host: config.host, port: config.port)
    self.port = port
    do {
      group = try EventLoopGroup(threads: config.eventLoopThreads)
    } catch {
      close(fd)
      throw error
    }
    shared = ServerShared(
      router: router, interceptor: interceptor, tls: tlsContext,
      handshakeTimeout: config.tls?.handshakeTimeout, limits: config.limits.connectionLimits,
      gracePeriod: config.shutdownGracePeriod, logger: config.logger)
    listener = Listener(fd: fd, loop: group.loops[0], group: group, shared: shared)
    config.logger.notice(
      "gRPC server listening",
      metadata: [
        "grpc.address": "\(config.host):\(port)", "tls.enabled": "\(config.tls != nil)",
        "tls.client_certificates": "\(config.tls?.clientCertificateMode ?? .none)",
      ])
  }

  /// Serves until a graceful shutdown drains, or until the calling task is cancelled.
  ///
  /// - Throws: Nothing today; reserved for serving errors.
  public func run() async throws {
    let listener = listener
    listener.loop.execute { listener.start() }
    await withTaskCancellationHandler {
      await shared.drained.get()
    } onCancel: {
      self.shutdownNow()
    }
    group.shutdown()
  }

  /// Stops accepting, sends GOAWAY on every connection and lets in-flight calls finish.
  ///
  /// Calls still running after the grace period are closed. ``run()`` returns once every
  /// connection has closed.
  public func beginGracefulShutdown() {
    shared.beginShutdown(hard: false)
    let listener = listener
    listener.loop.execute { listener.stop() }
  }

  private func shutdownNow() {
    shared.beginShutdown(hard: true)
    let listener = listener
    listener.loop.execute { listener.stop() }
  }
}

/// State every connection of one server shares.
final class ServerShared: Sendable {
  let router: Router
  let interceptor: (any HeaderInterceptor)?
  let tls: TLSContext?
  let handshakeTimeout: Duration?
  let limits: ConnectionLimits
  let gracePeriod: Duration
  let logger: Logger
  let drained = Promise<Void>()

  private struct State {
    var connections: [ObjectIdentifier: HTTP2Connection] = [:]
    var shuttingDown = false
    var listenerClosed = false
  }

  private let state = Mutex(State())

  init(
    router: Router, interceptor: (any HeaderInterceptor)?, tls: TLSContext?,
    handshakeTimeout: Duration?, limits: ConnectionLimits, gracePeriod: Duration, logger: Logger
  ) {
    self.router = router
    self.interceptor = interceptor
    self.tls = tls
    self.handshakeTimeout = handshakeTimeout
    self.limits = limits
    self.gracePeriod = gracePeriod
    self.logger = logger
  }

  /// Tracks a new connection; `false` when the server is shutting down.
  func add(_ connection: HTTP2Connection) -> Bool {
    state.withLock { state in
      guard !state.shuttingDown else { return false }
      state.connections[ObjectIdentifier(connection)] = connection
      return true
    }
  }

  func connectionClosed(_ connection: HTTP2Connection) {
    let done = state.withLock { state in
      state.connections[ObjectIdentifier(connection)] = nil
      return state.shuttingDown && state.listenerClosed && state.connections.isEmpty
    }
    logger.trace("server connection closed", metadata: ["grpc.drained": "\(done)"])
    if done { drained.succeed(()) }
  }

  func listenerClosed() {
    let done = state.withLock { state in
      state.listenerClosed = true
      return state.shuttingDown && state.connections.isEmpty
    }
    logger.trace("listener closed", metadata: ["grpc.drained": "\(done)"])
    if done { drained.succeed(()) }
  }

  func beginShutdown(hard: Bool) {
    let (connections, done) = state.withLock { state in
      state.shuttingDown = true
      return (Array(state.connections.values), state.listenerClosed && state.connections.isEmpty)
    }
    if done { drained.succeed(()) }
    let grace = gracePeriod.nanoseconds
    for connection in connections {
      connection.loop.execute {
        if hard {
          connection.fail(TransportError(code: .connectionClosed, message: "server stopped"))
          return
        }
        connection.beginGoAway()
        connection.loop.schedule(afterNanoseconds: grace) {
          connection.fail(
            TransportError(code: .connectionClosed, message: "shutdown grace period ended"))
        }
      }
    }
  }
}

/// The listening socket; lives on the group's first loop.
// Safe to share: `started` and `stopped` are touched only on `loop`; the rest is immutable.
final class Listener: EventLoopWatcher, @unchecked Sendable {
  let fd: Int32
  let loop: EventLoop
  let group: EventLoopGroup
  let shared: ServerShared
  private var started = false
  private var stopped = false

  init(fd: Int32, loop: EventLoop, group: EventLoopGroup, shared: ServerShared) {
    self.fd = fd
    self.loop = loop
    self.group = group
    self.shared = shared
  }

  func start() {
    guard !started, !stopped else { return }
    started = true
    loop.register(fd: fd, events: EPOLLIN.rawValue, watcher: self)
  }

  func stop() {
    guard !stopped else { return }
    stopped = true
    if started { loop.deregister(fd: fd) }
    close(fd)
    shared.listenerClosed()
  }

  func handleEvents(_ events: UInt32) {
    guard !stopped else { return }
    for _ in 0..<64 {
      var storage = sockaddr_storage()
      var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
      let client = withUnsafeMutablePointer(to: &storage) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          accept(fd, $0, &length)
        }
      }
      if client < 0 { return }
      _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
      _ = fcntl(client, F_SETFD, FD_CLOEXEC)
      Sockets.setNoDelay(client)
      let (host, port) = Sockets.addressText(&storage)
      let remote = "\(host):\(port)"
      let target = group.nextLoop()
      let shared = shared
      target.execute {
        Listener.startConnection(fd: client, remote: remote, loop: target, shared: shared)
      }
    }
  }

  private static func startConnection(
    fd: Int32, remote: String, loop: EventLoop, shared: ServerShared
  ) {
    var session: TLSSession?
    if let tls = shared.tls {
      do {
        session = try TLSSession(context: tls, serverName: nil)
      } catch {
        close(fd)
        return
      }
    }
    let connection = HTTP2Connection(
      loop: loop, fd: fd, role: .server(shared), remoteAddress: remote, tls: session,
      limits: shared.limits, logger: shared.logger)
    guard shared.add(connection) else {
      close(fd)
      return
    }
    connection.start(connecting: false, handshakeTimeout: shared.handshakeTimeout)
  }
}
