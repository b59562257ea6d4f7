/// Reads proto3 binary fields for a ``ProtoMessage``.
///
/// Every read checks its bounds before touching a byte and throws ``ProtoDecodingError`` on
/// malformed input, so no input can make decoding trap or read outside the buffer.
public struct ProtoDecoder {
  private let buffer: [UInt8]
  private var index: Int
  private let end: Int
  private let depth: Int
  private var fieldStart = 0
  private var consumed = false

  /// The number of the field being decoded.
  public private(set) var fieldNumber = 0

  /// The wire type of the field being decoded.
  public private(set) var wireType = ProtoWireType.varint

  init(bytes: [UInt8]) {
    self.init(buffer: bytes, range: bytes.startIndex..<bytes.endIndex, depth: 0)
  }

  private init(buffer: [UInt8], range: Range<Int>, depth: Int) {
    self.buffer = buffer
    self.index = range.lowerBound
    self.end = range.upperBound
    self.depth = depth
  }

  // MARK: - Message loop

  mutating func decodeFields<Message: ProtoMessage>(into message: inout Message) throws {
    var lastKnown = 0
    while try nextTag() {
      consumed = false
      try message.decodeField(&self)

      if consumed {
        lastKnown = fieldNumber
      } else {
        try skipValue()
        message.unknownFields.append(buffer[fieldStart..<index], after: lastKnown)
      }
    }
  }

  private mutating func nextTag() throws -> Bool {
    guard index < end else { return false }
    fieldStart = index
    let tag = try readVarint()

    // A tag is a 32-bit value; anything wider cannot name a valid field.
    guard tag <= UInt64(UInt32.max) else {
      throw error(.invalidFieldNumber, "tag \(tag) is wider than 32 bits")
    }
    let number = Int(tag >> 3)
    guard number >= 1, number <= ProtoLimits.maximumFieldNumber else {
      throw error(.invalidFieldNumber, "field number \(number) is outside 1...2^29-1")
    }
    fieldNumber = number

    switch tag & 7 {
    case 0: wireType = .varint
    case 1: wireType = .fixed64
    case 2: wireType = .lengthDelimited
    case 5: wireType = .fixed32
    case 3, 4:
      throw error(.groupNotSupported, "field \(number) uses the deprecated group wire type")
    default:
      throw error(.invalidWireType, "field \(number) has unassigned wire type \(tag & 7)")
    }
    return true
  }

  private mutating func skipValue() throws {
    switch wireType {
    case .varint: _ = try readVarint()
    case .fixed64: _ = try readFixed64()
    case .fixed32: _ = try readFixed32()
    case .lengthDelimited: _ = try readLengthDelimited()
    }
  }

  // MARK: - Primitive reads

  mutating func readVarint() throws -> UInt64 {
    var result: UInt64 = 0
    var shift: UInt64 = 0
    for _ in 0..<10 {
      guard index < end else { throw error(.truncated, "input ends inside a varint") }
      let byte = buffer[index]
      index += 1

      // The tenth byte carries only the top bit of a 64-bit value; protobuf drops the rest.
      result |= UInt64(byte & 0x7F) &<< shift
      if byte < 0x80 { return result }
      shift += 7
    }
    throw error(.varintTooLong, "varint is longer than 10 bytes")
  }

  mutating func readFixed32() throws -> UInt32 {
    guard end - index >= 4 else { throw error(.truncated, "input ends inside a fixed32") }
    var value: UInt32 = 0
    for offset in 0..<4 {
      value |= UInt32(buffer[index + offset]) << (8 * offset)
    }
    index += 4
    return value
  }

  mutating func readFixed64() throws -> UInt64 {
    guard end - index >= 8 else { throw error(.truncated, "input ends inside a fixed64") }
    var value: UInt64 = 0
    for offset in 0..<8 {
      value |= UInt64(buffer[index + offset]) << (8 * offset)
    }
    index += 8
    return value
  }

  mutating func readLengthDelimited() throws -> Range<Int> {
    let length = try readVarint()
    guard length <= UInt64(end - index) else {
      throw error(.lengthOutOfBounds, "length \(length) runs past the end of the input")
    }
    let range = index..<(index + Int(length))
    index = range.upperBound
    return range
  }

  mutating func readBytes() throws -> [UInt8] {
    Array(buffer[try readLengthDelimited()])
  }

  mutating func readString() throws -> String {
    let range = try readLengthDelimited()
    guard let text = String(validating: buffer[range], as: UTF8.self) else {
      throw error(.invalidUTF8, "field \(fieldNumber) is not valid UTF-8")
    }
    return text
  }

  mutating func readMessage<Message: ProtoMessage>(_: Message.Type = Message.self) throws
    -> Message
  {
    var message = Message()
    try readMessage(into: &message)
    return message
  }

  /// Merges the next length-delimited value into `message`, as protobuf does for a repeated
  /// occurrence of a singular message field.
  private mutating func readMessage<Message: ProtoMessage>(into message: inout Message) throws {
    let range = try readLengthDelimited()
    guard depth < ProtoLimits.maximumDepth else {
      throw error(.nestingTooDeep, "messages nest deeper than \(ProtoLimits.maximumDepth)")
    }
    var nested = ProtoDecoder(buffer: buffer, range: range, depth: depth + 1)
    try nested.decodeFields(into: &message)
  }

  // MARK: - Field reads for messages

  private mutating func expect(_ expected: ProtoWireType) throws {
    guard wireType == expected else {
      throw error(
        .wrongWireType,
        "field \(fieldNumber) has wire type \(wireType.rawValue), expected \(expected.rawValue)"
      )
    }
  }

  /// Reads a singular scalar, string, bytes or enum field.
  ///
  /// - Parameters:
  ///   - value: Replaced by the decoded value; proto3 keeps the last occurrence.
  ///   - type: The field's protobuf type.
  /// - Throws: ``ProtoDecodingError`` when the value is malformed or has the wrong wire type.
  public mutating func decode<Value>(_ value: inout Value, as type: ProtoFieldType<Value>) throws {
    value = try decodeValue(as: type)
  }

  /// Reads and returns a scalar, string, bytes or enum value, as a oneof case needs.
  ///
  /// - Parameter type: The field's protobuf type.
  /// - Returns: The decoded value.
  /// - Throws: ``ProtoDecodingError`` when the value is malformed or has the wrong wire type.
  public mutating func decodeValue<Value>(as type: ProtoFieldType<Value>) throws -> Value {
    try expect(type.wireType)
    consumed = true
    return try type.read(&self)
  }

  /// Reads one occurrence of a repeated scalar field, packed or not.
  ///
  /// Packable types accept both layouts, as proto3 requires; the encoder always packs them.
  ///
  /// - Parameters:
  ///   - values: The field's values so far; the decoded ones are appended.
  ///   - type: The element's protobuf type.
  /// - Throws: ``ProtoDecodingError`` when a value is malformed or has the wrong wire type.
  public mutating func decodeRepeated<Value>(
    _ values: inout [Value],
    as type: ProtoFieldType<Value>
  ) throws {
    guard type.isPackable, wireType == .lengthDelimited else {
      values.append(try decodeValue(as: type))
      return
    }

    consumed = true
    let range = try readLengthDelimited()
    var packed = ProtoDecoder(buffer: buffer, range: range, depth: depth)
    packed.fieldNumber = fieldNumber
    while packed.index < packed.end {
      values.append(try type.read(&packed))
    }
  }

  /// Reads a singular message field, merging into the value already present.
  ///
  /// - Parameter message: The field; set to the decoded message.
  /// - Throws: ``ProtoDecodingError`` when the nested message is malformed.
  public mutating func decode<Message: ProtoMessage>(_ message: inout Message?) throws {
    try expect(.lengthDelimited)
    consumed = true
    var value = message ?? Message()
    try readMessage(into: &value)
    message = value
  }

  /// Reads and returns a message value, as a oneof case needs.
  ///
  /// - Returns: The decoded message.
  /// - Throws: ``ProtoDecodingError`` when the nested message is malformed.
  public mutating func decodeMessageValue<Message: ProtoMessage>(
    _: Message.Type = Message.self
  ) throws -> Message {
    try expect(.lengthDelimited)
    consumed = true
    return try readMessage()
  }

  /// Reads one element of a repeated message field.
  ///
  /// - Parameter messages: The field's messages so far; the decoded one is appended.
  /// - Throws: ``ProtoDecodingError`` when the nested message is malformed.
  public mutating func decodeRepeated<Message: ProtoMessage>(_ messages: inout [Message]) throws {
    messages.append(try decodeMessageValue())
  }

  /// Reads one entry of a map field.
  ///
  /// A missing key or value takes its default, and a repeated key keeps its first position
  /// with the last value, as protobuf specifies. Unknown fields inside the entry are dropped.
  ///
  /// - Parameters:
  ///   - map: The field's entries so far; the decoded one is added in arrival order.
  ///   - key: The key's protobuf type.
  ///   - value: The value's protobuf type.
  /// - Throws: ``ProtoDecodingError`` when the entry is malformed.
  public mutating func decodeMap<Key, Value>(
    _ map: inout ProtoMap<Key, Value>,
    key: ProtoFieldType<Key>,
    value: ProtoFieldType<Value>
  ) throws {
    try expect(.lengthDelimited)
    consumed = true
    let range = try readLengthDelimited()
    guard depth < ProtoLimits.maximumDepth else {
      throw error(.nestingTooDeep, "messages nest deeper than \(ProtoLimits.maximumDepth)")
    }

    var entry = ProtoDecoder(buffer: buffer, range: range, depth: depth + 1)
    var entryKey = key.defaultValue
    var entryValue = value.defaultValue
    while try entry.nextTag() {
      switch entry.fieldNumber {
      case 1: entryKey = try entry.decodeValue(as: key)
      case 2: entryValue = try entry.decodeValue(as: value)
      default: try entry.skipValue()
      }
    }
    map.appendDecoded(key: entryKey, value: entryValue)
  }

  private func error(_ code: ProtoDecodingError.Code, _ message: String) -> ProtoDecodingError {
    ProtoDecodingError(code: code, message: message)
  }
}
