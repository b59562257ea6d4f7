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
/// The server decides once per call, after the header block and before it looks up the
/// handler, so unknown methods are reported only to callers the interceptor admitted. It
/// asks ``admitImmediately(_:)`` first, while it is still on the HEADERS frame, so a call
/// decided there meets its body already admitted or refused. When the decision has to wait
/// for ``admit(_:)``, a body that arrives meanwhile stops the connection's input: nghttp2
/// parses nothing after the first chunk of it and the socket is not read until the decision
/// is in. Only a decision that outlasts a short grace (50 ms; a key fetch, not a signature
/// check) lets input go on, keeping at most 64 KiB of undecided calls' bodies per
/// connection, so one slow decision cannot stall every call on the connection.
public protocol HeaderInterceptor: Sendable {
  /// Admits or refuses one call.
  ///
  /// - Important: Runs for every call, authenticated or not; keep it cheap and never log
  ///   credential values from `head.metadata`.
  /// - Parameter head: The call's path, metadata, verified peer and address.
  /// - Returns: The verdict.
  func admit(_ head: CallHead) async -> Admission

  /// Admits or refuses one call at once, when that needs no waiting.
  ///
  /// The server asks this first, on the event loop, while it is still parsing the call's
  /// HEADERS frame; `nil` means the decision has to wait (a token to verify, say), and the
  /// server then awaits ``admit(_:)``. The default answers `nil` for every call.
  ///
  /// - Important: Runs on the loop that serves the connection: never block, and return the
  ///   same verdict ``admit(_:)`` would.
  /// - Parameter head: The call's path, metadata, verified peer and address.
  /// - Returns: The verdict, or `nil` to have ``admit(_:)`` decide.
  func admitImmediately(_ head: CallHead) -> Admission?
}

extension HeaderInterceptor {
  /// Defers every decision to ``admit(_:)``.
  public func admitImmediately(_ head: CallHead) -> Admission? { nil }
}
