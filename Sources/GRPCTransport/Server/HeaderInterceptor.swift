public import AuthCore

/// A call as it looks when its request headers have arrived and nothing else has.
public struct CallHead: Sendable {
  /// The `:path`, such as `/openshell.v1.Gateway/Exec`, exactly as received.
  public var path: String

  /// The custom metadata as received; reserved headers are not included.
  public var metadata: Metadata

  /// The verified client certificate, or `nil` over plaintext or without one.
  public var peer: PeerCertificate?

  /// The peer's address as `host:port` (`[host]:port` for IPv6).
  public var remoteAddress: String

  /// Creates a call head; the server builds these, tests may too.
  ///
  /// - Parameters:
  ///   - path: The request path.
  ///   - metadata: The custom metadata.
  ///   - peer: The verified client certificate, if any.
  ///   - remoteAddress: The peer's address.
  public init(path: String, metadata: Metadata, peer: PeerCertificate?, remoteAddress: String) {
    self.path = path
    self.metadata = metadata
    self.peer = peer
    self.remoteAddress = remoteAddress
  }
}

/// The interceptor's verdict on a call.
public struct Admission: Sendable {
  enum Verdict: Sendable {
    case admit(Metadata, (any Sendable)?)
    case refuse(GRPCStatus)
  }

  let verdict: Verdict

  /// Lets the call through.
  ///
  /// - Parameters:
  ///   - metadata: The metadata the handler sees, possibly rewritten.
  ///   - context: A value for the handler, such as the authenticated principal; defaults to
  ///     none. The handler reads it from ``ServerContext/admission``.
  /// - Returns: An admitting verdict.
  public static func admit(metadata: Metadata, context: (any Sendable)? = nil) -> Admission {
    Admission(verdict: .admit(metadata, context))
  }

  /// Ends the call at once with a Trailers-Only response; no handler runs.
  ///
  /// - Parameter status: The status to send; should not be ``GRPCStatus/Code-swift.struct/ok``.
  /// - Returns: A refusing verdict.
  public static func refuse(_ status: GRPCStatus) -> Admission {
    Admission(verdict: .refuse(status))
  }
}

/// Decides, from the request headers alone, whether a call may proceed.
///
/// The server calls ``admit(_:)`` once per call, after the header block and before it reads
/// a byte of the body or looks up the handler: a refused call costs no buffering, and
/// unknown methods are reported only to callers the interceptor admitted.
public protocol HeaderInterceptor: Sendable {
  /// Admits or refuses one call.
  ///
  /// - Important: Runs for every call, authenticated or not; keep it cheap and never log
  ///   credential values from `head.metadata`.
  /// - Parameter head: The call's path, metadata, verified peer and address.
  /// - Returns: The verdict.
  func admit(_ head: CallHead) async -> Admission
}
