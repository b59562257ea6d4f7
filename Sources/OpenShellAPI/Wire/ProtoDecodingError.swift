/// Why bytes could not be decoded as a protobuf message.
///
/// The decoder throws this for every malformed input instead of trapping, so a peer can never
/// crash the process with a bad frame. ``code`` tells what kind of damage was found, ``message``
/// says where, and ``cause`` carries optional operator detail.
public struct ProtoDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
  /// What kind of malformed input was found.
  ///
  /// A struct over a private enum, so new codes can be added without breaking callers that
  /// switch over the ones they know.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Wrapped: Hashable, Sendable {
      case truncated
      case varintTooLong
      case lengthOutOfBounds
      case invalidFieldNumber
      case invalidWireType
      case groupNotSupported
      case wrongWireType
      case invalidUTF8
      case nestingTooDeep
    }

    private let wrapped: Wrapped

    private init(_ wrapped: Wrapped) {
      self.wrapped = wrapped
    }

    /// The input ended in the middle of a tag or a value.
    public static let truncated = Code(.truncated)
    /// A varint ran on for more than ten bytes.
    public static let varintTooLong = Code(.varintTooLong)
    /// A length prefix pointed past the end of the enclosing message.
    public static let lengthOutOfBounds = Code(.lengthOutOfBounds)
    /// A tag carried field number 0 or one above `2^29 - 1`.
    public static let invalidFieldNumber = Code(.invalidFieldNumber)
    /// A tag carried wire type 6 or 7, which protobuf never assigned.
    public static let invalidWireType = Code(.invalidWireType)
    /// A tag used the deprecated group wire types 3 or 4, which proto3 does not accept.
    public static let groupNotSupported = Code(.groupNotSupported)
    /// A field the schema knows arrived with a wire type that does not fit its type.
    public static let wrongWireType = Code(.wrongWireType)
    /// A `string` field held bytes that are not valid UTF-8.
    public static let invalidUTF8 = Code(.invalidUTF8)
    /// Messages were nested deeper than ``ProtoLimits/maximumDepth``.
    public static let nestingTooDeep = Code(.nestingTooDeep)

    /// A short snake-case name of the code, such as `truncated`.
    public var description: String {
      switch wrapped {
      case .truncated: "truncated"
      case .varintTooLong: "varint_too_long"
      case .lengthOutOfBounds: "length_out_of_bounds"
      case .invalidFieldNumber: "invalid_field_number"
      case .invalidWireType: "invalid_wire_type"
      case .groupNotSupported: "group_not_supported"
      case .wrongWireType: "wrong_wire_type"
      case .invalidUTF8: "invalid_utf8"
      case .nestingTooDeep: "nesting_too_deep"
      }
    }
  }

  /// What kind of malformed input was found.
  public var code: Code

  /// Where and how the input was malformed, for logs and for the caller.
  public var message: String

  /// Optional extra detail; never part of the caller's input.
  public var cause: String?

  /// Creates an error.
  ///
  /// - Parameters:
  ///   - code: What kind of malformed input was found.
  ///   - message: Where and how the input was malformed.
  ///   - cause: Optional extra detail; defaults to none.
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
