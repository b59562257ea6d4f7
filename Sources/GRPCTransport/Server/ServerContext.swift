public import AuthCore
import Synchronization

/// What a handler knows about its call.
public struct ServerContext: Sendable {
  /// The request path.
  public var path: String

  /// The metadata, as the interceptor passed it on.
  public var metadata: Metadata

  /// The verified client certificate, or `nil`.
  public var peer: PeerCertificate?

  /// The peer's address as `host:port`.
  public var remoteAddress: String

  /// The value the interceptor attached on admission, such as the principal; `nil` without
  /// an interceptor.
  public var admission: (any Sendable)?

  /// Response metadata the handler may set before it sends its first message.
  public var response: ResponseMetadata
}

/// The metadata a handler sends back: initial (headers) and trailing (with the status).
public final class ResponseMetadata: Sendable {
  private let state = Mutex<(initial: Metadata, trailing: Metadata)>((Metadata(), Metadata()))

  init() {}

  /// Sets the headers sent before the first response message.
  ///
  /// - Parameter metadata: The metadata; has no effect once a message was sent.
  public func setInitial(_ metadata: Metadata) {
    state.withLock { $0.initial = metadata }
  }

  /// Sets the metadata sent with the status.
  ///
  /// - Parameter metadata: The metadata.
  public func setTrailing(_ metadata: Metadata) {
    state.withLock { $0.trailing = metadata }
  }

  var initial: Metadata { state.withLock { $0.initial } }
  var trailing: Metadata { state.withLock { $0.trailing } }
}

/// Turns a domain error into the status a caller sees.
///
/// Errors a handler throws that are neither ``GRPCStatus`` nor this become `UNKNOWN` with a
/// fixed message, so internal details never leak to callers.
public protocol GRPCStatusConvertible: Error {
  /// The status to send for this error.
  func makeGRPCStatus() -> GRPCStatus
}
