/// A protobuf message that reads and writes the proto3 binary format.
///
/// Conforming types list their known fields in two short places: ``decodeField(_:)`` switches on
/// the field number and hands each known field to the ``ProtoDecoder``, and ``encodeFields(to:)``
/// writes the known fields in field-number order. The shared decoder and encoder do everything
/// else, including keeping ``unknownFields`` and checking the input.
///
/// A transport serializer wraps ``init(serializedBytes:)`` and ``serializedBytes()``.
public protocol ProtoMessage: Sendable, Hashable {
  /// Creates a message with every field at its default.
  init()

  /// Fields the Swift type does not model, kept so they are written back unchanged.
  var unknownFields: UnknownFields { get set }

  /// Reads the field the decoder is positioned on, if the message knows its number.
  ///
  /// Implementations switch on ``ProtoDecoder/fieldNumber`` and call one `decode` method of the
  /// decoder; a field left unread is kept in ``unknownFields``.
  ///
  /// - Parameter decoder: The decoder, positioned after the field's tag.
  /// - Throws: ``ProtoDecodingError`` when the field's value is malformed.
  mutating func decodeField(_ decoder: inout ProtoDecoder) throws

  /// Writes every known field, in ascending field-number order.
  ///
  /// - Parameter encoder: The encoder to write to; it skips defaults and places unknown fields.
  func encodeFields(to encoder: inout ProtoEncoder)
}

extension ProtoMessage {
  /// Decodes a message from its proto3 binary form.
  ///
  /// - Parameter serializedBytes: The message's bytes, without any gRPC framing.
  /// - Throws: ``ProtoDecodingError`` when the bytes are malformed.
  public init(serializedBytes: [UInt8]) throws {
    self.init()
    var decoder = ProtoDecoder(bytes: serializedBytes)
    try decoder.decodeFields(into: &self)
  }

  /// Encodes the message in its proto3 binary form.
  ///
  /// Known fields come first in field-number order with defaults left out and repeated scalars
  /// packed; unknown fields are written back where they were read (see ``UnknownFields``).
  ///
  /// - Returns: The message's bytes, without any gRPC framing.
  public func serializedBytes() -> [UInt8] {
    var encoder = ProtoEncoder()
    encoder.encodeFields(of: self)
    return encoder.bytes
  }
}
