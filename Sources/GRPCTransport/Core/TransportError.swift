/// Why the transport could not start, connect or keep a connection.
///
/// Errors from configuration name the file or setting at fault so an operator can act on the
/// message alone. ``description`` prints the code, the message and the cause.
public struct TransportError: Error, Sendable, CustomStringConvertible {
  /// What kind of failure this is.
  public var code: Code

  /// A sentence naming what failed.
  public var message: String

  /// The underlying error, such as OpenSSL's error queue or an `errno` description.
  public var cause: String?

  /// Creates an error.
  ///
  /// - Parameters:
  ///   - code: What kind of failure this is.
  ///   - message: A sentence naming what failed.
  ///   - cause: The underlying error; defaults to none.
  public init(code: Code, message: String, cause: String? = nil) {
    self.code = code
    self.message = message
    self.cause = cause
  }

  /// The code, the message and, when present, the cause.
  public var description: String {
    var text = "\(code): \(message)"
    if let cause { text += " (cause: \(cause))" }
    return text
  }
}

extension TransportError {
  /// A kind of transport failure.
  ///
  /// A struct over a private enum so that new kinds do not break callers that switch on it.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Value: Hashable, Sendable {
      case invalidConfiguration
      case tlsConfiguration
      case bindFailed
      case connectFailed
      case handshakeFailed
      case connectionClosed
    }

    private let value: Value

    private init(_ value: Value) {
      self.value = value
    }

    /// A setting is malformed, such as a target that is not an `http(s)://host:port` URL.
    public static let invalidConfiguration = Code(.invalidConfiguration)
    /// A certificate, key or CA file is missing, unreadable, too open or inconsistent.
    public static let tlsConfiguration = Code(.tlsConfiguration)
    /// The listening socket could not be created or bound.
    public static let bindFailed = Code(.bindFailed)
    /// The client could not open a TCP connection.
    public static let connectFailed = Code(.connectFailed)
    /// The TLS or HTTP/2 handshake failed.
    public static let handshakeFailed = Code(.handshakeFailed)
    /// The connection closed before the operation finished.
    public static let connectionClosed = Code(.connectionClosed)

    /// The code's name in camel case.
    public var description: String {
      switch value {
      case .invalidConfiguration: "invalidConfiguration"
      case .tlsConfiguration: "tlsConfiguration"
      case .bindFailed: "bindFailed"
      case .connectFailed: "connectFailed"
      case .handshakeFailed: "handshakeFailed"
      case .connectionClosed: "connectionClosed"
      }
    }
  }
}
