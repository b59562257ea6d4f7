/// Writes proto3 binary fields for a ``ProtoMessage``.
///
/// Singular fields at their default are skipped (proto3 implicit presence), repeated scalars
/// are packed, and message fields are written only when present. Before each known field the
/// encoder writes the message's unknown fields that arrived ahead of it (see ``UnknownFields``).
public struct ProtoEncoder {
  private(set) var bytes: [UInt8] = []
  private var pending: ArraySlice<UnknownFields.Chunk> = []

  init() {}

  mutating func encodeFields<Message: ProtoMessage>(of message: Message) {
    pending = message.unknownFields.chunks[...]
    message.encodeFields(to: &self)
    flushUnknown(before: Int.max)
  }

  /// Writes the unknown fields read before any known field numbered `number` or higher.
  private mutating func flushUnknown(before number: Int) {
    while let chunk = pending.first, chunk.anchor < number {
      bytes.append(contentsOf: chunk.bytes)
      pending.removeFirst()
    }
  }

  private mutating func writeTag(_ field: Int, _ wireType: ProtoWireType) {
    flushUnknown(before: field)
    writeVarint(UInt64(field) << 3 | UInt64(wireType.rawValue))
  }

  // MARK: - Primitive writes

  mutating func writeVarint(_ value: UInt64) {
    var rest = value
    while rest >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
      rest >>= 7
    }
    bytes.append(UInt8(rest))
  }

  mutating func writeFixed32(_ value: UInt32) {
    for offset in 0..<4 {
      bytes.append(UInt8(truncatingIfNeeded: value >> (8 * offset)))
    }
  }

  mutating func writeFixed64(_ value: UInt64) {
    for offset in 0..<8 {
      bytes.append(UInt8(truncatingIfNeeded: value >> (8 * offset)))
    }
  }

  mutating func writeLengthDelimited(_ value: [UInt8]) {
    writeVarint(UInt64(value.count))
    bytes.append(contentsOf: value)
  }

  /// Writes a nested message as a length and its body.
  mutating func writeMessageBody<Message: ProtoMessage>(_ message: Message) {
    // The length comes first, so the body is encoded on its own before being copied in.
    var nested = ProtoEncoder()
    nested.encodeFields(of: message)
    writeLengthDelimited(nested.bytes)
  }

  // MARK: - Field writes for messages

  /// Writes a singular field unless it holds its default.
  ///
  /// - Parameters:
  ///   - value: The field's value.
  ///   - field: The field number.
  ///   - type: The field's protobuf type.
  public mutating func encode<Value>(_ value: Value, field: Int, as type: ProtoFieldType<Value>) {
    guard !type.isDefault(value) else { return }
    encodePresent(value, field: field, as: type)
  }

  /// Writes a field even when it holds its default, as a set oneof case requires.
  ///
  /// - Parameters:
  ///   - value: The field's value.
  ///   - field: The field number.
  ///   - type: The field's protobuf type.
  public mutating func encodePresent<Value>(
    _ value: Value,
    field: Int,
    as type: ProtoFieldType<Value>
  ) {
    writeTag(field, type.wireType)
    type.write(value, &self)
  }

  /// Writes a repeated field; packable types are packed into one length-delimited value.
  ///
  /// - Parameters:
  ///   - values: The field's values; nothing is written when empty.
  ///   - field: The field number.
  ///   - type: The element's protobuf type.
  public mutating func encodeRepeated<Value>(
    _ values: [Value],
    field: Int,
    as type: ProtoFieldType<Value>
  ) {
    guard !values.isEmpty else { return }
    guard type.isPackable else {
      for value in values { encodePresent(value, field: field, as: type) }
      return
    }

    var packed = ProtoEncoder()
    for value in values { type.write(value, &packed) }
    writeTag(field, .lengthDelimited)
    writeLengthDelimited(packed.bytes)
  }

  /// Writes a message field when it is present.
  ///
  /// - Parameters:
  ///   - message: The field's message; nothing is written for `nil`.
  ///   - field: The field number.
  public mutating func encode<Message: ProtoMessage>(_ message: Message?, field: Int) {
    guard let message else { return }
    writeTag(field, .lengthDelimited)
    writeMessageBody(message)
  }

  /// Writes every element of a repeated message field.
  ///
  /// - Parameters:
  ///   - messages: The field's messages.
  ///   - field: The field number.
  public mutating func encodeRepeated<Message: ProtoMessage>(_ messages: [Message], field: Int) {
    for message in messages { encode(message, field: field) }
  }

  /// Writes every entry of a map field, key and value always included as protobuf does.
  ///
  /// - Parameters:
  ///   - map: The field's entries, written in ``ProtoMap/orderedEntries`` order.
  ///   - field: The field number.
  ///   - key: The key's protobuf type.
  ///   - value: The value's protobuf type.
  public mutating func encodeMap<Key, Value>(
    _ map: ProtoMap<Key, Value>,
    field: Int,
    key: ProtoFieldType<Key>,
    value: ProtoFieldType<Value>
  ) {
    for entry in map.orderedEntries {
      var body = ProtoEncoder()
      body.encodePresent(entry.key, field: 1, as: key)
      body.encodePresent(entry.value, field: 2, as: value)
      writeTag(field, .lengthDelimited)
      writeLengthDelimited(body.bytes)
    }
  }
}
