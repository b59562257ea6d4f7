import GRPCTransport
public import Logging
public import OpenShellAPI

/// A client for the OpenShell gateway's API, over mutual TLS or h2c.
///
/// The sandbox supervisor uses it with a client certificate and no token; a CLI passes a
/// Bearer token. One client holds one HTTP/2 connection and multiplexes every call on it.
public final class OpenShellClient: Sendable {
  /// How to reach the gateway and who to be.
  public struct Config: Sendable {
    /// `https://host:port` for TLS, `http://host:port` for h2c behind a proxy.
    public var endpoint: String
    /// The CA bundle the gateway's certificate must chain to; defaults to the system's.
    public var trustRootsPath: String?
    /// The client certificate, for a sandbox (or a certificate user).
    public var certificatePath: String?
    /// The client certificate's key.
    public var keyPath: String?
    /// A Bearer token, for a user; never set for a sandbox.
    public var bearerToken: String?
    /// How long each call may take; defaults to 30 seconds.
    public var callTimeout: Duration
    /// Where transport events go; defaults to nowhere.
    public var logger: Logger

    /// Creates a configuration.
    public init(
      endpoint: String,
      trustRootsPath: String? = nil,
      certificatePath: String? = nil,
      keyPath: String? = nil,
      bearerToken: String? = nil,
      callTimeout: Duration = .seconds(30),
      logger: Logger = .disabled
    ) {
      self.endpoint = endpoint
      self.trustRootsPath = trustRootsPath
      self.certificatePath = certificatePath
      self.keyPath = keyPath
      self.bearerToken = bearerToken
      self.callTimeout = callTimeout
      self.logger = logger
    }
  }

  /// The configuration.
  public let config: Config
  private let client: GRPCClient
  private let metadata: Metadata

  /// Creates a client; the connection opens on the first call.
  ///
  /// - Parameter config: How to reach the gateway.
  /// - Throws: `TransportError` naming the file or endpoint at fault.
  public init(config: Config) throws {
    self.config = config
    let tls = ClientTLSConfiguration(
      trustRootsPath: config.trustRootsPath,
      certificateChainPath: config.certificatePath,
      privateKeyPath: config.keyPath
    )
    client = try GRPCClient(
      target: config.endpoint,
      config: GRPCClient.Config(tls: tls, logger: config.logger)
    )
    var metadata = Metadata()
    if let token = config.bearerToken {
      metadata.addString("Bearer \(token)", forKey: "authorization")
    }
    self.metadata = metadata
  }

  /// Makes one unary call.
  ///
  /// - Parameters:
  ///   - path: The method path, from `OpenShellMethods`.
  ///   - request: The request message.
  /// - Returns: The response message.
  /// - Throws: `GRPCStatus` with the gateway's code and message.
  public func unary<Request: ProtoMessage, Response: ProtoMessage>(
    _ path: String,
    _ request: Request,
    as response: Response.Type = Response.self
  ) async throws -> Response {
    try await client.unary(
      path: path,
      request: request,
      serializer: ProtoCodec<Request>(),
      deserializer: ProtoCodec<Response>(),
      metadata: metadata,
      options: CallOptions(timeout: config.callTimeout)
    )
  }

  /// Makes one client-streaming call.
  ///
  /// - Parameters:
  ///   - path: The method path.
  ///   - requests: The request messages, sent in order.
  /// - Returns: The response message, once the gateway has taken every request.
  /// - Throws: `GRPCStatus` with the gateway's code and message.
  public func clientStreaming<Request: ProtoMessage, Response: ProtoMessage>(
    _ path: String,
    _ requests: [Request],
    as response: Response.Type = Response.self
  ) async throws -> Response {
    try await client.clientStreaming(
      path: path,
      requests: requests,
      serializer: ProtoCodec<Request>(),
      deserializer: ProtoCodec<Response>(),
      metadata: metadata,
      options: CallOptions(timeout: config.callTimeout)
    )
  }

  /// Closes the connection; calls in flight fail.
  public func close() {
    client.close()
  }
}
