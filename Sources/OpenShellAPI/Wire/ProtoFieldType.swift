/// A protobuf field type: how one value of `Value` is read, written and recognised as default.
///
/// Several protobuf types share a Swift type (`int32`, `sint32` and `sfixed32` are all `Int32`),
/// so messages name the protobuf type explicitly: `decoder.decode(&port, as: .uint32)`.
public struct ProtoFieldType<Value: Sendable>: Sendable {
  let wireType: ProtoWireType
  let isPackable: Bool
  let defaultValue: Value
  let isDefault: @Sendable (Value) -> Bool
  let read: @Sendable (inout ProtoDecoder) throws -> Value
  let write: @Sendable (Value, inout ProtoEncoder) -> Void
}

extension ProtoFieldType where Value: Equatable {
  fileprivate static func scalar(
    _ wireType: ProtoWireType,
    default defaultValue: Value,
    read: @escaping @Sendable (inout ProtoDecoder) throws -> Value,
    write: @escaping @Sendable (Value, inout ProtoEncoder) -> Void
  ) -> Self {
    Self(
      wireType: wireType,
      isPackable: wireType != .lengthDelimited,
      defaultValue: defaultValue,
      isDefault: { $0 == defaultValue },
      read: read,
      write: write
    )
  }
}

extension ProtoFieldType where Value == Int32 {
  /// `int32`: a varint; negative values take ten bytes, as protobuf sign-extends them.
  public static var int32: Self {
    .scalar(
      .varint,
      default: 0,
      read: { Int32(truncatingIfNeeded: try $0.readVarint()) },
      write: { $1.writeVarint(UInt64(bitPattern: Int64($0))) }
    )
  }

  /// `sint32`: a zigzag varint, short for small negative values.
  public static var sint32: Self {
    .scalar(
      .varint,
      default: 0,
      read: {
        let raw = UInt32(truncatingIfNeeded: try $0.readVarint())
        return Int32(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
      },
      write: { value, encoder in
        let zigzag = UInt32(bitPattern: (value &<< 1) ^ (value >> 31))
        encoder.writeVarint(UInt64(zigzag))
      }
    )
  }

  /// `sfixed32`: four little-endian bytes.
  public static var sfixed32: Self {
    .scalar(
      .fixed32,
      default: 0,
      read: { Int32(bitPattern: try $0.readFixed32()) },
      write: { $1.writeFixed32(UInt32(bitPattern: $0)) }
    )
  }
}

extension ProtoFieldType where Value == Int64 {
  /// `int64`: a varint holding the two's-complement value.
  public static var int64: Self {
    .scalar(
      .varint,
      default: 0,
      read: { Int64(bitPattern: try $0.readVarint()) },
      write: { $1.writeVarint(UInt64(bitPattern: $0)) }
    )
  }

  /// `sint64`: a zigzag varint, short for small negative values.
  public static var sint64: Self {
    .scalar(
      .varint,
      default: 0,
      read: {
        let raw = try $0.readVarint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
      },
      write: { value, encoder in
        encoder.writeVarint(UInt64(bitPattern: (value &<< 1) ^ (value >> 63)))
      }
    )
  }

  /// `sfixed64`: eight little-endian bytes.
  public static var sfixed64: Self {
    .scalar(
      .fixed64,
      default: 0,
      read: { Int64(bitPattern: try $0.readFixed64()) },
      write: { $1.writeFixed64(UInt64(bitPattern: $0)) }
    )
  }
}

extension ProtoFieldType where Value == UInt32 {
  /// `uint32`: a varint; wider values from a sloppy peer are truncated, as protobuf does.
  public static var uint32: Self {
    .scalar(
      .varint,
      default: 0,
      read: { UInt32(truncatingIfNeeded: try $0.readVarint()) },
      write: { $1.writeVarint(UInt64($0)) }
    )
  }

  /// `fixed32`: four little-endian bytes.
  public static var fixed32: Self {
    .scalar(.fixed32, default: 0, read: { try $0.readFixed32() }, write: { $1.writeFixed32($0) })
  }
}

extension ProtoFieldType where Value == UInt64 {
  /// `uint64`: a varint.
  public static var uint64: Self {
    .scalar(.varint, default: 0, read: { try $0.readVarint() }, write: { $1.writeVarint($0) })
  }

  /// `fixed64`: eight little-endian bytes.
  public static var fixed64: Self {
    .scalar(.fixed64, default: 0, read: { try $0.readFixed64() }, write: { $1.writeFixed64($0) })
  }
}

extension ProtoFieldType where Value == Bool {
  /// `bool`: a varint where any non-zero value is true.
  public static var bool: Self {
    .scalar(
      .varint,
      default: false,
      read: { try $0.readVarint() != 0 },
      write: { $1.writeVarint($0 ? 1 : 0) }
    )
  }
}

extension ProtoFieldType where Value == Float {
  /// `float`: four bytes of IEEE 754; NaN payloads and `-0.0` survive bit for bit.
  public static var float: Self {
    // Presence goes by bit pattern, as protobuf's encoders do, so -0.0 is written.
    Self(
      wireType: .fixed32,
      isPackable: true,
      defaultValue: 0,
      isDefault: { $0.bitPattern == 0 },
      read: { Float(bitPattern: try $0.readFixed32()) },
      write: { $1.writeFixed32($0.bitPattern) }
    )
  }
}

extension ProtoFieldType where Value == Double {
  /// `double`: eight bytes of IEEE 754; NaN payloads and `-0.0` survive bit for bit.
  public static var double: Self {
    Self(
      wireType: .fixed64,
      isPackable: true,
      defaultValue: 0,
      isDefault: { $0.bitPattern == 0 },
      read: { Double(bitPattern: try $0.readFixed64()) },
      write: { $1.writeFixed64($0.bitPattern) }
    )
  }
}

extension ProtoFieldType where Value == String {
  /// `string`: length-delimited UTF-8, checked while decoding.
  public static var string: Self {
    .scalar(
      .lengthDelimited,
      default: "",
      read: { try $0.readString() },
      write: { $1.writeLengthDelimited(Array($0.utf8)) }
    )
  }
}

extension ProtoFieldType where Value == [UInt8] {
  /// `bytes`: length-delimited raw bytes.
  public static var bytes: Self {
    .scalar(
      .lengthDelimited,
      default: [],
      read: { try $0.readBytes() },
      write: { $1.writeLengthDelimited($0) }
    )
  }
}

extension ProtoFieldType where Value: ProtoEnum {
  /// A proto3 enum: an `int32` varint; values without a name are kept as their number.
  public static var enumeration: Self {
    .scalar(
      .varint,
      default: Value(rawValue: 0),
      read: { Value(rawValue: Int32(truncatingIfNeeded: try $0.readVarint())) },
      write: { $1.writeVarint(UInt64(bitPattern: Int64($0.rawValue))) }
    )
  }
}

extension ProtoFieldType where Value: ProtoMessage {
  /// A message used as a map value; it is always written, even when empty.
  public static var message: Self {
    Self(
      wireType: .lengthDelimited,
      isPackable: false,
      defaultValue: Value(),
      isDefault: { _ in false },
      read: { try $0.readMessage() },
      write: { $1.writeMessageBody($0) }
    )
  }
}
