/// The outcome of a gRPC call: a code and a human-readable message.
///
/// A handler throws a ``GRPCStatus`` to end its call with that code; the transport sends it as
/// the `grpc-status` and percent-encoded `grpc-message` trailers. On the client a call that ends
/// with anything but ``Code-swift.struct/ok`` throws its status.
public struct GRPCStatus: Error, Hashable, Sendable, CustomStringConvertible {
  /// The status code.
  public var code: Code

  /// A message for the caller; may be empty.
  public var message: String

  /// Creates a status.
  ///
  /// - Parameters:
  ///   - code: The status code.
  ///   - message: A message for the caller; defaults to empty.
  public init(code: Code, message: String = "") {
    self.code = code
    self.message = message
  }

  /// The success status.
  public static let ok = GRPCStatus(code: .ok)

  /// The code name and, when present, the message.
  public var description: String {
    message.isEmpty ? "\(code)" : "\(code): \(message)"
  }
}

extension GRPCStatus {
  /// One of the 17 gRPC status codes.
  ///
  /// The numeric values are gRPC's; codes outside 0...16 received from a peer become
  /// ``unknown``.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    /// The gRPC numeric value.
    public let rawValue: Int

    /// Creates a code from its numeric value.
    ///
    /// - Parameter rawValue: A value from 0 to 16.
    /// - Returns: `nil` when the value is not a gRPC code.
    public init?(rawValue: Int) {
      guard (0...16).contains(rawValue) else { return nil }
      self.rawValue = rawValue
    }

    private init(_ value: Int) {
      self.rawValue = value
    }

    /// Not an error.
    public static let ok = Code(0)
    /// The operation was cancelled, typically by the caller.
    public static let cancelled = Code(1)
    /// An error with no better code.
    public static let unknown = Code(2)
    /// The caller specified an invalid argument.
    public static let invalidArgument = Code(3)
    /// The deadline expired before the operation completed.
    public static let deadlineExceeded = Code(4)
    /// A requested entity was not found.
    public static let notFound = Code(5)
    /// The entity the caller tried to create already exists.
    public static let alreadyExists = Code(6)
    /// The caller may not perform the operation.
    public static let permissionDenied = Code(7)
    /// A resource, such as a size limit, has been exhausted.
    public static let resourceExhausted = Code(8)
    /// The system is not in a state required for the operation.
    public static let failedPrecondition = Code(9)
    /// The operation was aborted.
    public static let aborted = Code(10)
    /// The operation was attempted past the valid range.
    public static let outOfRange = Code(11)
    /// The operation is not implemented or supported.
    public static let unimplemented = Code(12)
    /// An internal invariant broke.
    public static let `internal` = Code(13)
    /// The service is currently unavailable; the caller may retry.
    public static let unavailable = Code(14)
    /// Unrecoverable data loss or corruption.
    public static let dataLoss = Code(15)
    /// The caller has no valid authentication credentials.
    public static let unauthenticated = Code(16)

    /// The gRPC name of the code, such as `PERMISSION_DENIED`.
    public var description: String {
      let names = [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
        "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
        "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
        "UNAUTHENTICATED",
      ]
      return names[rawValue]
    }
  }
}

extension GRPCStatus {
  /// Percent-encodes a message for the `grpc-message` trailer as the gRPC spec asks, cut at
  /// a character boundary when the encoded text would pass ``maximumWireMessageBytes``.
  static func percentEncode(_ message: String) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    // Where the text last ended within the room left for the mark, should it need cutting.
    var lastFit = 0
    let room = maximumWireMessageBytes - truncationMark.utf8.count
    for character in message {
      for byte in character.utf8 {
        if byte >= 0x20 && byte <= 0x7E && byte != UInt8(ascii: "%") {
          out.append(byte)
        } else {
          out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
        }
      }
      if out.count <= room { lastFit = out.count }
      if out.count > maximumWireMessageBytes {
        return String(decoding: out[..<lastFit], as: UTF8.self) + truncationMark
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The longest `grpc-message` value, in bytes as sent (after percent-encoding); longer
  /// messages are cut.
  ///
  /// A message can echo what the caller sent (a name that is not found). A header block over
  /// nghttp2's 64 KiB limit is never sent at all, and grpcio refuses, at random, answers whose
  /// metadata passes its 8 KiB soft limit.
  static let maximumWireMessageBytes = 4096

  /// Ends a message that was cut; printable ASCII, so it is sent as it is.
  static let truncationMark = " [message truncated]"

  /// Decodes a `grpc-message` value; malformed escapes are kept as they are, per the spec.
  static func percentDecode(_ text: String) -> String {
    let bytes = Array(text.utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
      if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
        let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
      {
        out.append(high << 4 | low)
        index += 3
      } else {
        out.append(bytes[index])
        index += 1
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}
