public import Logging

extension GRPCClient {
  /// Client settings besides the target.
  public struct Config: Sendable {
    /// TLS settings for `https://` targets; defaults to the system's roots, no client
    /// certificate.
    public var tls: ClientTLSConfiguration

    /// How long connecting, TLS and the HTTP/2 preface may take; defaults to 10 seconds.
    public var connectTimeout: Duration

    /// Largest response message after decompression; defaults to 4 MiB.
    public var maxReceiveMessageSize: Int

    /// Where the client logs; defaults to ``Logging/Logger/disabled``.
    public var logger: Logger

    /// Creates client settings.
    ///
    /// - Parameters:
    ///   - tls: TLS settings; defaults to system roots.
    ///   - connectTimeout: The connect deadline; defaults to 10 seconds.
    ///   - maxReceiveMessageSize: Message bytes; defaults to 4 MiB.
    ///   - logger: The logger; defaults to disabled.
    public init(
      tls: ClientTLSConfiguration = ClientTLSConfiguration(),
      connectTimeout: Duration = .seconds(10),
      maxReceiveMessageSize: Int = 4 * 1024 * 1024,
      logger: Logger = .disabled
    ) {
      self.tls = tls
      self.connectTimeout = connectTimeout
      self.maxReceiveMessageSize = maxReceiveMessageSize
      self.logger = logger
    }

    /// System roots, 10-second connect timeout, 4 MiB messages.
    public static var defaults: Config { Config() }
  }
}

/// Per-call options.
public struct CallOptions: Sendable {
  /// The call's deadline, measured from its start; sent as `grpc-timeout`. Defaults to none.
  public var timeout: Duration?

  /// Whether request messages are gzip-compressed (`grpc-encoding: gzip`); defaults to
  /// `false`.
  public var compressRequests: Bool

  /// Creates options.
  ///
  /// - Parameters:
  ///   - timeout: The deadline; defaults to none.
  ///   - compressRequests: Whether to gzip requests; defaults to `false`.
  public init(timeout: Duration? = nil, compressRequests: Bool = false) {
    self.timeout = timeout
    self.compressRequests = compressRequests
  }

  /// No deadline, no compression.
  public static var defaults: CallOptions { CallOptions() }
}
