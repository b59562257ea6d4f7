import OpenShellAPI
import Testing

@Suite("Wire format")
struct WireFormatTests {
  /// A message's bytes for one field set on an otherwise empty ``AllTypes``.
  private func encoded(_ body: (inout AllTypes) -> Void) -> String {
    Hex.encode(AllTypes.with(body).serializedBytes())
  }

  @Test(
    "uint64 varints use seven bits a byte, low group first",
    arguments: [
      (UInt64(1), "2001"),
      (127, "207f"),
      (128, "208001"),
      (300, "20ac02"),
      (UInt64(UInt32.max), "20ffffffff0f"),
      (.max, "20ffffffffffffffffff01"),
    ]
  )
  func uint64Varint(value: UInt64, hex: String) throws {
    #expect(encoded { $0.fUInt64 = value } == hex)
    #expect(try AllTypes(serializedBytes: Hex.decode(hex)).fUInt64 == value)
  }

  @Test(
    "negative int32 and int64 take ten bytes, sign-extended",
    arguments: [
      (Int32(-1), "08ffffffffffffffffff01"),
      (.min, "0880808080f8ffffffff01"),
      (.max, "08ffffffff07"),
    ]
  )
  func negativeInt32(value: Int32, hex: String) throws {
    #expect(encoded { $0.fInt32 = value } == hex)
    #expect(try AllTypes(serializedBytes: Hex.decode(hex)).fInt32 == value)
  }

  @Test("int64 minimum and maximum round-trip")
  func int64Bounds() throws {
    #expect(encoded { $0.fInt64 = .min } == "1080808080808080808001")
    #expect(encoded { $0.fInt64 = .max } == "10ffffffffffffffff7f")
    #expect(try AllTypes(serializedBytes: Hex.decode("1080808080808080808001")).fInt64 == .min)
  }

  @Test(
    "sint32 uses zigzag so small negatives stay short",
    arguments: [
      (Int32(-1), "2801"),
      (1, "2802"),
      (-2, "2803"),
      (.max, "28feffffff0f"),
      (.min, "28ffffffff0f"),
    ]
  )
  func sint32Zigzag(value: Int32, hex: String) throws {
    #expect(encoded { $0.fSInt32 = value } == hex)
    #expect(try AllTypes(serializedBytes: Hex.decode(hex)).fSInt32 == value)
  }

  @Test(
    "sint64 uses zigzag across the whole range",
    arguments: [
      (Int64(-1), "3001"),
      (.max, "30feffffffffffffffff01"),
      (.min, "30ffffffffffffffffff01"),
    ]
  )
  func sint64Zigzag(value: Int64, hex: String) throws {
    #expect(encoded { $0.fSInt64 = value } == hex)
    #expect(try AllTypes(serializedBytes: Hex.decode(hex)).fSInt64 == value)
  }

  @Test("fixed and sfixed types are little-endian")
  func fixedWidth() throws {
    #expect(encoded { $0.fFixed32 = 0x0102_0304 } == "3d04030201")
    #expect(encoded { $0.fFixed64 = .max } == "41ffffffffffffffff")
    #expect(encoded { $0.fSFixed32 = -2 } == "4dfeffffff")
    #expect(encoded { $0.fSFixed64 = .min } == "510000000000000080")

    let decoded = try AllTypes(serializedBytes: Hex.decode("3d04030201510000000000000080"))
    #expect(decoded.fFixed32 == 0x0102_0304)
    #expect(decoded.fSFixed64 == .min)
  }

  @Test(
    "floats keep their exact bit pattern, NaN and infinities included",
    arguments: [
      Float(1).bitPattern, Float.nan.bitPattern, Float.infinity.bitPattern,
      (-Float.infinity).bitPattern, Float.signalingNaN.bitPattern, (-0.0 as Float).bitPattern,
      Float.leastNonzeroMagnitude.bitPattern, 0x7FC0_1234,
    ]
  )
  func floatBits(bits: UInt32) throws {
    let bytes = AllTypes.with { $0.fFloat = Float(bitPattern: bits) }.serializedBytes()
    #expect(bytes.first == 0x5D)
    #expect(try AllTypes(serializedBytes: bytes).fFloat.bitPattern == bits)
  }

  @Test(
    "doubles keep their exact bit pattern, NaN and infinities included",
    arguments: [
      Double(-2).bitPattern, Double.nan.bitPattern, Double.infinity.bitPattern,
      (-Double.infinity).bitPattern, (-0.0 as Double).bitPattern,
      Double.greatestFiniteMagnitude.bitPattern,
    ]
  )
  func doubleBits(bits: UInt64) throws {
    let bytes = AllTypes.with { $0.fDouble = Double(bitPattern: bits) }.serializedBytes()
    #expect(bytes.first == 0x61)
    #expect(try AllTypes(serializedBytes: bytes).fDouble.bitPattern == bits)
  }

  @Test("a double of -2 is written as its IEEE 754 bytes")
  func doubleBytes() {
    #expect(encoded { $0.fDouble = -2 } == "6100000000000000c0")
    #expect(encoded { $0.fFloat = 1 } == "5d0000803f")
  }

  @Test("bool, string, bytes and enum fields round-trip")
  func lengthDelimitedAndFlags() throws {
    let message = AllTypes.with {
      $0.fBool = true
      $0.fString = "h\u{E9}"
      $0.fBytes = [0, 0xFF]
      $0.fEnum = .blue
    }
    #expect(Hex.encode(message.serializedBytes()) == "6801720368c3a97a0200ff800103")
    #expect(try AllTypes(serializedBytes: message.serializedBytes()) == message)
  }

  @Test("enum values without a name are kept as their number, negative ones too")
  func unknownEnumValues() throws {
    let decoded = try AllTypes(serializedBytes: Hex.decode("8001 63 8001 ffffffffffffffffff01"))
    #expect(decoded.fEnum == Color(rawValue: -1))
    #expect(Hex.encode(decoded.serializedBytes()) == "8001ffffffffffffffffff01")
    #expect(try AllTypes(serializedBytes: Hex.decode("800163")).fEnum.rawValue == 99)
  }

  @Test("defaults are not written and an empty message has no bytes")
  func defaultsSkipped() {
    #expect(AllTypes().serializedBytes().isEmpty)
    #expect(
      AllTypes.with {
        $0.fString = ""
        $0.fInt64 = 0
        $0.rInt32 = []
        $0.fEnum = .unspecified
      }.serializedBytes().isEmpty
    )
  }

  @Test("negative zero is not a default, so it is written")
  func negativeZeroWritten() {
    #expect(encoded { $0.fDouble = -0.0 } == "610000000000000080")
  }

  @Test("a oneof case holding its type's default is still written")
  func oneofExplicitPresence() throws {
    #expect(encoded { $0.choice = .oUInt32(0) } == "d80200")
    #expect(encoded { $0.choice = .oString("") } == "ca0200")
    #expect(try AllTypes(serializedBytes: Hex.decode("d80200")).choice == .oUInt32(0))
    #expect(encoded { $0.choice = .oMessage(AllTypes()) } == "d20200")
  }

  @Test("a later oneof case replaces an earlier one")
  func oneofLastWins() throws {
    let decoded = try AllTypes(serializedBytes: Hex.decode("ca020178 d80205"))
    #expect(decoded.choice == .oUInt32(5))
  }

  @Test("a message field that is present but empty is written as a zero length")
  func emptyMessagePresence() throws {
    #expect(encoded { $0.child = AllTypes() } == "8a0100")
    #expect(try AllTypes(serializedBytes: Hex.decode("8a0100")).child == AllTypes())
    #expect(try AllTypes(serializedBytes: []).child == nil)
  }

  @Test("repeated scalars are packed into one length-delimited field")
  func packedEncoding() {
    #expect(encoded { $0.rInt32 = [1, 300, -1] } == "aa010d01ac02ffffffffffffffffff01")
    #expect(encoded { $0.rFixed32 = [1, 2] } == "ba01080100000002000000")
    #expect(encoded { $0.rBool = [true, false] } == "ca01020100")
  }

  @Test("repeated strings and messages are never packed")
  func unpackableRepeated() {
    #expect(encoded { $0.rString = ["a", ""] } == "da010161da0100")
    #expect(encoded { $0.children = [AllTypes(), AllTypes()] } == "e20100e20100")
  }

  @Test("the decoder accepts unpacked, packed and mixed repeated scalars")
  func unpackedAccepted() throws {
    let unpacked = try AllTypes(serializedBytes: Hex.decode("a80101 a801ac02 a80103"))
    #expect(unpacked.rInt32 == [1, 300, 3])

    let mixed = try AllTypes(serializedBytes: Hex.decode("a80101 aa01020203 a80104"))
    #expect(mixed.rInt32 == [1, 2, 3, 4])

    let fixed = try AllTypes(serializedBytes: Hex.decode("bd0101000000 ba010402000000"))
    #expect(fixed.rFixed32 == [1, 2])
  }

  @Test("a repeated singular scalar keeps the last value")
  func scalarLastWins() throws {
    #expect(try AllTypes(serializedBytes: Hex.decode("0801 0802")).fInt32 == 2)
  }

  @Test("a singular message that appears twice is merged")
  func messageMerge() throws {
    let decoded = try AllTypes(serializedBytes: Hex.decode("8a01020801 8a01026801"))
    #expect(decoded.child?.fInt32 == 1)
    #expect(decoded.child?.fBool == true)
    let merged = try AllTypes(serializedBytes: Hex.decode("8a01020801 8a0103720178"))
    #expect(merged.child?.fInt32 == 1)
    #expect(merged.child?.fString == "x")
  }

  @Test("a 32-bit field truncates a wider varint, as protobuf does")
  func truncatingNarrowFields() throws {
    let decoded = try AllTypes(serializedBytes: Hex.decode("18ffffffffffffffffff01"))
    #expect(decoded.fUInt32 == .max)
  }
}
