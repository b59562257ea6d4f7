public import GRPCTransport
public import OpenShellAPI

/// Plugs an API message type into the transport: protobuf bytes in, protobuf bytes out.
public struct ProtoCodec<Message: ProtoMessage>: MessageSerializer, MessageDeserializer {
  /// Creates the codec.
  public init() {}

  /// Encodes `message`.
  public func serialize(_ message: Message) throws -> [UInt8] {
    message.serializedBytes()
  }

  /// Decodes one message; malformed bytes throw, which a server answers INVALID_ARGUMENT.
  public func deserialize(_ bytes: [UInt8]) throws -> Message {
    try Message(serializedBytes: bytes)
  }
}
