public import AuthCore

/// A handler's refusal: a gRPC status and a message the caller can act on.
public struct RPCError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The gRPC status.
  public var code: StatusCode
  /// What went wrong, for the caller; never a secret.
  public var message: String

  /// Creates an error.
  public init(_ code: StatusCode, _ message: String) {
    self.code = code
    self.message = message
  }

  /// The status and the message.
  public var description: String { "\(code): \(message)" }

  static func notFound(_ message: String) -> RPCError { RPCError(.notFound, message) }
  static func invalidArgument(_ message: String) -> RPCError { RPCError(.invalidArgument, message) }
  static let alreadyExists = StatusCode(rawValue: 6)
  static let failedPrecondition = StatusCode(rawValue: 9)

  /// Storage failures are the gateway's problem, not the caller's: UNAVAILABLE, so a client
  /// may retry, with no database detail in the message.
  static func storage(_ error: StorageError) -> RPCError {
    RPCError(.unavailable, "the gateway's state store failed; retry shortly")
  }
}

extension AuthError {
  var rpcError: RPCError { RPCError(code, message) }
}
