/// Turns a message value into the bytes of one gRPC message.
///
/// The transport knows no message format; protobuf or anything else plugs in here.
public protocol MessageSerializer<Message>: Sendable {
  /// The message type this serializer writes.
  associatedtype Message

  /// Encodes one message.
  ///
  /// - Parameter message: The message.
  /// - Returns: Its bytes, without gRPC's 5-byte prefix.
  /// - Throws: When the message cannot be encoded; the call fails with `INTERNAL`.
  func serialize(_ message: Message) throws -> [UInt8]
}

/// Turns the bytes of one gRPC message into a message value.
public protocol MessageDeserializer<Message>: Sendable {
  /// The message type this deserializer reads.
  associatedtype Message

  /// Decodes one message.
  ///
  /// - Parameter bytes: The message bytes, without gRPC's 5-byte prefix.
  /// - Returns: The message.
  /// - Throws: When the bytes are not a valid message; a server answers `INVALID_ARGUMENT`.
  func deserialize(_ bytes: [UInt8]) throws -> Message
}

/// Passes message bytes through unchanged, for generic proxies and tests.
public struct RawBytesCodec: MessageSerializer, MessageDeserializer {
  /// Creates the codec.
  public init() {}

  /// Returns `message` unchanged.
  ///
  /// - Parameter message: The bytes.
  /// - Returns: The same bytes.
  public func serialize(_ message: [UInt8]) -> [UInt8] { message }

  /// Returns `bytes` unchanged.
  ///
  /// - Parameter bytes: The bytes.
  /// - Returns: The same bytes.
  public func deserialize(_ bytes: [UInt8]) -> [UInt8] { bytes }
}
