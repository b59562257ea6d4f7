import OpenShellAPI

/// `openshell.testing.Color` from `Python/testing.proto`.
struct Color: ProtoEnum {
  var rawValue: Int32

  static let unspecified = Color(rawValue: 0)
  static let red = Color(rawValue: 1)
  static let blue = Color(rawValue: 3)
}

/// `openshell.testing.AllTypes` from `Python/testing.proto`, written by hand against the public
/// decoder and encoder API, as a message outside the generated set would be.
struct AllTypes: ProtoMessage {
  /// The cases of the `choice` oneof; indirect because one case holds the message itself.
  indirect enum Choice: Hashable, Sendable {
    case oString(String)
    case oMessage(AllTypes)
    case oUInt32(UInt32)
  }

  var fInt32: Int32 = 0
  var fInt64: Int64 = 0
  var fUInt32: UInt32 = 0
  var fUInt64: UInt64 = 0
  var fSInt32: Int32 = 0
  var fSInt64: Int64 = 0
  var fFixed32: UInt32 = 0
  var fFixed64: UInt64 = 0
  var fSFixed32: Int32 = 0
  var fSFixed64: Int64 = 0
  var fFloat: Float = 0
  var fDouble: Double = 0
  var fBool = false
  var fString = ""
  var fBytes: [UInt8] = []
  var fEnum = Color.unspecified

  // A struct cannot hold an optional of itself inline; an array gives the indirection.
  private var childStorage: [AllTypes] = []
  var child: AllTypes? {
    get { childStorage.first }
    set { childStorage = newValue.map { [$0] } ?? [] }
  }

  var rInt32: [Int32] = []
  var rSInt64: [Int64] = []
  var rFixed32: [UInt32] = []
  var rDouble: [Double] = []
  var rBool: [Bool] = []
  var rEnum: [Color] = []
  var rString: [String] = []
  var children: [AllTypes] = []
  var rUInt64: [UInt64] = []
  var rFloat: [Float] = []

  var mInt32String: ProtoMap<Int32, String> = [:]
  var mStringMessage: ProtoMap<String, AllTypes> = [:]
  var mUInt64Bytes: ProtoMap<UInt64, [UInt8]> = [:]
  var mSInt32Enum: ProtoMap<Int32, Color> = [:]

  var choice: Choice?

  var unknownFields = UnknownFields()

  init() {}

  mutating func decodeField(_ decoder: inout ProtoDecoder) throws {
    switch decoder.fieldNumber {
    case 1: try decoder.decode(&fInt32, as: .int32)
    case 2: try decoder.decode(&fInt64, as: .int64)
    case 3: try decoder.decode(&fUInt32, as: .uint32)
    case 4: try decoder.decode(&fUInt64, as: .uint64)
    case 5: try decoder.decode(&fSInt32, as: .sint32)
    case 6: try decoder.decode(&fSInt64, as: .sint64)
    case 7: try decoder.decode(&fFixed32, as: .fixed32)
    case 8: try decoder.decode(&fFixed64, as: .fixed64)
    case 9: try decoder.decode(&fSFixed32, as: .sfixed32)
    case 10: try decoder.decode(&fSFixed64, as: .sfixed64)
    case 11: try decoder.decode(&fFloat, as: .float)
    case 12: try decoder.decode(&fDouble, as: .double)
    case 13: try decoder.decode(&fBool, as: .bool)
    case 14: try decoder.decode(&fString, as: .string)
    case 15: try decoder.decode(&fBytes, as: .bytes)
    case 16: try decoder.decode(&fEnum, as: .enumeration)
    case 17:
      var value = child
      try decoder.decode(&value)
      child = value
    case 21: try decoder.decodeRepeated(&rInt32, as: .int32)
    case 22: try decoder.decodeRepeated(&rSInt64, as: .sint64)
    case 23: try decoder.decodeRepeated(&rFixed32, as: .fixed32)
    case 24: try decoder.decodeRepeated(&rDouble, as: .double)
    case 25: try decoder.decodeRepeated(&rBool, as: .bool)
    case 26: try decoder.decodeRepeated(&rEnum, as: .enumeration)
    case 27: try decoder.decodeRepeated(&rString, as: .string)
    case 28: try decoder.decodeRepeated(&children)
    case 29: try decoder.decodeRepeated(&rUInt64, as: .uint64)
    case 30: try decoder.decodeRepeated(&rFloat, as: .float)
    case 31: try decoder.decodeMap(&mInt32String, key: .int32, value: .string)
    case 32: try decoder.decodeMap(&mStringMessage, key: .string, value: .message)
    case 33: try decoder.decodeMap(&mUInt64Bytes, key: .uint64, value: .bytes)
    case 34: try decoder.decodeMap(&mSInt32Enum, key: .sint32, value: .enumeration)
    case 41: choice = .oString(try decoder.decodeValue(as: .string))
    case 42: choice = .oMessage(try decoder.decodeMessageValue())
    case 43: choice = .oUInt32(try decoder.decodeValue(as: .uint32))
    default: break
    }
  }

  func encodeFields(to encoder: inout ProtoEncoder) {
    encoder.encode(fInt32, field: 1, as: .int32)
    encoder.encode(fInt64, field: 2, as: .int64)
    encoder.encode(fUInt32, field: 3, as: .uint32)
    encoder.encode(fUInt64, field: 4, as: .uint64)
    encoder.encode(fSInt32, field: 5, as: .sint32)
    encoder.encode(fSInt64, field: 6, as: .sint64)
    encoder.encode(fFixed32, field: 7, as: .fixed32)
    encoder.encode(fFixed64, field: 8, as: .fixed64)
    encoder.encode(fSFixed32, field: 9, as: .sfixed32)
    encoder.encode(fSFixed64, field: 10, as: .sfixed64)
    encoder.encode(fFloat, field: 11, as: .float)
    encoder.encode(fDouble, field: 12, as: .double)
    encoder.encode(fBool, field: 13, as: .bool)
    encoder.encode(fString, field: 14, as: .string)
    encoder.encode(fBytes, field: 15, as: .bytes)
    encoder.encode(fEnum, field: 16, as: .enumeration)
    encoder.encode(child, field: 17)
    encoder.encodeRepeated(rInt32, field: 21, as: .int32)
    encoder.encodeRepeated(rSInt64, field: 22, as: .sint64)
    encoder.encodeRepeated(rFixed32, field: 23, as: .fixed32)
    encoder.encodeRepeated(rDouble, field: 24, as: .double)
    encoder.encodeRepeated(rBool, field: 25, as: .bool)
    encoder.encodeRepeated(rEnum, field: 26, as: .enumeration)
    encoder.encodeRepeated(rString, field: 27, as: .string)
    encoder.encodeRepeated(children, field: 28)
    encoder.encodeRepeated(rUInt64, field: 29, as: .uint64)
    encoder.encodeRepeated(rFloat, field: 30, as: .float)
    encoder.encodeMap(mInt32String, field: 31, key: .int32, value: .string)
    encoder.encodeMap(mStringMessage, field: 32, key: .string, value: .message)
    encoder.encodeMap(mUInt64Bytes, field: 33, key: .uint64, value: .bytes)
    encoder.encodeMap(mSInt32Enum, field: 34, key: .sint32, value: .enumeration)
    switch choice {
    case .oString(let value): encoder.encodePresent(value, field: 41, as: .string)
    case .oMessage(let value): encoder.encode(value, field: 42)
    case .oUInt32(let value): encoder.encodePresent(value, field: 43, as: .uint32)
    case nil: break
    }
  }
}
