/// A gRPC status code, as AuthCore reports it for a refused call.
///
/// AuthCore knows no transport; the numeric values are gRPC's, so a transport maps a
/// code by its ``rawValue``.
public struct StatusCode: Hashable, Sendable, CustomStringConvertible {
  /// The gRPC numeric value (`16` for UNAUTHENTICATED).
  public let rawValue: Int

  /// Creates a code from its gRPC numeric value.
  ///
  /// - Parameter rawValue: A value from 0 to 16.
  public init(rawValue: Int) {
    self.rawValue = rawValue
  }

  /// The caller did not supply required arguments correctly.
  public static let invalidArgument = StatusCode(rawValue: 3)
  /// The named entity does not exist.
  public static let notFound = StatusCode(rawValue: 5)
  /// The caller is known but may not do this.
  public static let permissionDenied = StatusCode(rawValue: 7)
  /// The method is not served here.
  public static let unimplemented = StatusCode(rawValue: 12)
  /// Something the decision depends on is failing; the caller may retry.
  public static let unavailable = StatusCode(rawValue: 14)
  /// The caller has not proved who it is.
  public static let unauthenticated = StatusCode(rawValue: 16)
  /// An invariant broke inside the service.
  public static let `internal` = StatusCode(rawValue: 13)

  /// The gRPC name of the code, such as `PERMISSION_DENIED`.
  public var description: String {
    switch rawValue {
    case 0: "OK"
    case 1: "CANCELLED"
    case 2: "UNKNOWN"
    case 3: "INVALID_ARGUMENT"
    case 4: "DEADLINE_EXCEEDED"
    case 5: "NOT_FOUND"
    case 6: "ALREADY_EXISTS"
    case 7: "PERMISSION_DENIED"
    case 8: "RESOURCE_EXHAUSTED"
    case 9: "FAILED_PRECONDITION"
    case 10: "ABORTED"
    case 11: "OUT_OF_RANGE"
    case 12: "UNIMPLEMENTED"
    case 13: "INTERNAL"
    case 14: "UNAVAILABLE"
    case 15: "DATA_LOSS"
    case 16: "UNAUTHENTICATED"
    default: "CODE_\(rawValue)"
    }
  }
}
