public import Logging

extension GRPCServer {
  /// Everything a server needs besides its methods.
  public struct Config: Sendable {
    /// The address to bind, such as `0.0.0.0` or `::1`; defaults to `127.0.0.1`.
    public var host: String

    /// The port to bind; `0`, the default, lets the system pick (see ``GRPCServer/port``).
    public var port: Int

    /// TLS settings; `nil`, the default, serves plaintext HTTP/2 (h2c, prior knowledge).
    public var tls: ServerTLSConfiguration?

    /// Event-loop threads; defaults to one per core.
    public var eventLoopThreads: Int

    /// Resource limits.
    public var limits: Limits

    /// How long in-flight calls may run after ``GRPCServer/beginGracefulShutdown()``;
    /// defaults to 30 seconds.
    public var shutdownGracePeriod: Duration

    /// Where the server logs; defaults to ``Logging/Logger/disabled``.
    public var logger: Logger

    /// Creates a configuration.
    ///
    /// - Parameters:
    ///   - host: The bind address; defaults to `127.0.0.1`.
    ///   - port: The port; defaults to `0` (system-picked).
    ///   - tls: TLS settings; defaults to none (h2c).
    ///   - eventLoopThreads: Loop threads; defaults to one per core.
    ///   - limits: Resource limits; defaults to ``Limits/defaults``.
    ///   - shutdownGracePeriod: Drain time on shutdown; defaults to 30 seconds.
    ///   - logger: The logger; defaults to disabled.
    public init(
      host: String = "127.0.0.1",
      port: Int = 0,
      tls: ServerTLSConfiguration? = nil,
      eventLoopThreads: Int = System.coreCount,
      limits: Limits = .defaults,
      shutdownGracePeriod: Duration = .seconds(30),
      logger: Logger = .disabled
    ) {
      self.host = host
      self.port = port
      self.tls = tls
      self.eventLoopThreads = eventLoopThreads
      self.limits = limits
      self.shutdownGracePeriod = shutdownGracePeriod
      self.logger = logger
    }

    /// Plaintext on `127.0.0.1`, a system-picked port, default limits.
    public static var defaults: Config { Config() }
  }

  /// Resource limits that protect the server from a single peer.
  public struct Limits: Sendable {
    /// Concurrent calls per connection; defaults to 1000.
    public var maxConcurrentStreams: Int

    /// Largest request header list, counted as name + value + 32 per field; defaults to
    /// 16 KiB. Larger blocks reset the stream.
    public var maxHeaderListSize: Int

    /// Largest request message after decompression; defaults to 4 MiB. Larger messages end
    /// the call with `RESOURCE_EXHAUSTED`.
    public var maxReceiveMessageSize: Int

    /// HTTP/2 window per stream once admitted; defaults to 1 MiB.
    public var streamWindow: Int

    /// HTTP/2 window for the whole connection; defaults to 16 MiB.
    public var connectionWindow: Int

    /// Connections with no calls for this long are sent GOAWAY; defaults to 5 minutes.
    public var idleTimeout: Duration?

    /// A connection silent for this long is sent a PING; defaults to 2 hours, `nil` turns
    /// keepalive off.
    public var keepaliveInterval: Duration?

    /// How long a keepalive PING may go unanswered (no frame at all) before the connection
    /// is closed; defaults to 20 seconds.
    public var keepaliveTimeout: Duration

    /// Creates limits.
    ///
    /// - Parameters:
    ///   - maxConcurrentStreams: Calls per connection; defaults to 1000.
    ///   - maxHeaderListSize: Header list bytes; defaults to 16 KiB.
    ///   - maxReceiveMessageSize: Message bytes; defaults to 4 MiB.
    ///   - streamWindow: Stream window; defaults to 1 MiB.
    ///   - connectionWindow: Connection window; defaults to 16 MiB.
    ///   - idleTimeout: Idle connection timeout; defaults to 5 minutes.
    ///   - keepaliveInterval: Silence before a PING; defaults to 2 hours.
    ///   - keepaliveTimeout: Time to answer a PING; defaults to 20 seconds.
    public init(
      maxConcurrentStreams: Int = 1000,
      maxHeaderListSize: Int = 16 * 1024,
      maxReceiveMessageSize: Int = 4 * 1024 * 1024,
      streamWindow: Int = 1024 * 1024,
      connectionWindow: Int = 16 * 1024 * 1024,
      idleTimeout: Duration? = .seconds(300),
      keepaliveInterval: Duration? = .seconds(7200),
      keepaliveTimeout: Duration = .seconds(20)
    ) {
      self.maxConcurrentStreams = maxConcurrentStreams
      self.maxHeaderListSize = maxHeaderListSize
      self.maxReceiveMessageSize = maxReceiveMessageSize
      self.streamWindow = streamWindow
      self.connectionWindow = connectionWindow
      self.idleTimeout = idleTimeout
      self.keepaliveInterval = keepaliveInterval
      self.keepaliveTimeout = keepaliveTimeout
    }

    /// The default limits.
    public static var defaults: Limits { Limits() }

    var connectionLimits: ConnectionLimits {
      ConnectionLimits(
        maxConcurrentStreams: maxConcurrentStreams, maxHeaderListSize: maxHeaderListSize,
        maxReceiveMessageSize: maxReceiveMessageSize, streamWindow: streamWindow,
        connectionWindow: connectionWindow, idleTimeout: idleTimeout,
        keepaliveInterval: keepaliveInterval, keepaliveTimeout: keepaliveTimeout)
    }
  }
}

/// Facts about the machine the transport runs on.
public enum System {
  /// The number of online cores, at least 1.
  public static var coreCount: Int { max(1, Int(onlineCores())) }
}
