import OpenShellAPI
import Testing

/// One malformed input and the error it must raise.
struct MalformedCase: Sendable, CustomTestStringConvertible {
  var name: String
  var hex: String
  var code: ProtoDecodingError.Code

  var testDescription: String { name }
}

@Suite("Malformed input")
struct MalformedInputTests {
  static let cases: [MalformedCase] = [
    .init(name: "tag with no value", hex: "08", code: .truncated),
    .init(name: "varint cut short", hex: "0880", code: .truncated),
    .init(name: "tag cut short", hex: "80", code: .truncated),
    .init(name: "value varint of 11 bytes", hex: "08ffffffffffffffffff8001", code: .varintTooLong),
    .init(name: "tag varint of 11 bytes", hex: "8080808080808080808001", code: .varintTooLong),
    .init(name: "length past the end", hex: "72056162", code: .lengthOutOfBounds),
    .init(name: "length near 2^64", hex: "72ffffffffffffffffff01", code: .lengthOutOfBounds),
    .init(name: "length near Int.max", hex: "72ffffffffffffffff7f61", code: .lengthOutOfBounds),
    .init(name: "fixed32 cut short", hex: "5d0000", code: .truncated),
    .init(name: "fixed64 cut short", hex: "6100000000", code: .truncated),
    .init(name: "string sent as varint", hex: "7001", code: .wrongWireType),
    .init(name: "int32 sent as fixed32", hex: "0d00000000", code: .wrongWireType),
    .init(name: "float sent as fixed64", hex: "590000000000000000", code: .wrongWireType),
    .init(name: "message sent as varint", hex: "880100", code: .wrongWireType),
    .init(name: "map sent as fixed32", hex: "fd0100000000", code: .wrongWireType),
    .init(name: "oneof string sent as varint", hex: "c80201", code: .wrongWireType),
    .init(
      name: "packed-type field sent as fixed64", hex: "a9010000000000000000", code: .wrongWireType),
    .init(name: "field number 0, varint", hex: "0000", code: .invalidFieldNumber),
    .init(name: "field number 0, length-delimited", hex: "0200", code: .invalidFieldNumber),
    .init(name: "field number 2^29", hex: "808080801000", code: .invalidFieldNumber),
    .init(name: "tag above 32 bits", hex: "ffffffffff0100", code: .invalidFieldNumber),
    .init(name: "start group on a known field", hex: "0b", code: .groupNotSupported),
    .init(name: "end group", hex: "0c", code: .groupNotSupported),
    .init(name: "group on an unknown field", hex: "a3060801a406", code: .groupNotSupported),
    .init(name: "wire type 6", hex: "0e", code: .invalidWireType),
    .init(name: "wire type 7", hex: "0f00", code: .invalidWireType),
    .init(name: "a continuation byte where a tag should be", hex: "720161ff", code: .truncated),
    .init(name: "invalid UTF-8 byte", hex: "7201ff", code: .invalidUTF8),
    .init(name: "broken two-byte sequence", hex: "7202c328", code: .invalidUTF8),
    .init(name: "overlong encoding of NUL", hex: "7202c080", code: .invalidUTF8),
    .init(name: "UTF-16 surrogate", hex: "7203eda080", code: .invalidUTF8),
    .init(name: "invalid UTF-8 in a repeated string", hex: "da0101ff", code: .invalidUTF8),
    .init(name: "invalid UTF-8 in a map key", hex: "8202030a01ff", code: .invalidUTF8),
    .init(name: "invalid UTF-8 in a oneof string", hex: "ca0201ff", code: .invalidUTF8),
    .init(name: "nested varint reading past its message", hex: "8a01010801", code: .truncated),
    .init(name: "nested length past its message", hex: "8a010272026162", code: .lengthOutOfBounds),
    .init(name: "nested message malformed deep down", hex: "8a01048a010108", code: .truncated),
    .init(name: "packed fixed32 with a partial element", hex: "ba0103010203", code: .truncated),
    .init(name: "packed varint cut short", hex: "aa010180", code: .truncated),
    .init(name: "map entry value of the wrong type", hex: "fa0102100a", code: .wrongWireType),
    .init(name: "unknown field with a truncated varint", hex: "a006", code: .truncated),
    .init(
      name: "unknown field with a length past the end", hex: "a2060500", code: .lengthOutOfBounds),
    .init(name: "unknown fixed64 cut short", hex: "a106000000", code: .truncated),
  ]

  @Test("malformed input throws a typed error naming what is wrong", arguments: cases)
  func malformedThrows(testCase: MalformedCase) {
    let error = #expect(throws: ProtoDecodingError.self) {
      _ = try AllTypes(serializedBytes: Hex.decode(testCase.hex))
    }
    #expect(error?.code == testCase.code)
    #expect(error?.description.hasPrefix("\(testCase.code): ") == true)
  }

  @Test("the generated messages refuse the same malformed input")
  func generatedMessagesStrict() {
    // NetworkEndpoint field 9 is `repeated uint32 ports`; field 1 is `string host`.
    #expect(throws: ProtoDecodingError.self) {
      _ = try NetworkEndpoint(serializedBytes: Hex.decode("4a0380"))
    }
    #expect(throws: ProtoDecodingError.self) {
      _ = try NetworkEndpoint(serializedBytes: Hex.decode("0801"))
    }
    #expect(throws: ProtoDecodingError.self) {
      _ = try SandboxPolicy(serializedBytes: Hex.decode("2a04 0a02c328"))
    }
  }

  @Test("messages nested 100 deep decode")
  func depthLimitAllowed() throws {
    var message = try AllTypes(serializedBytes: nested(depth: ProtoLimits.maximumDepth))
    var levels = 0
    while let child = message.child {
      levels += 1
      message = child
    }
    #expect(levels == ProtoLimits.maximumDepth)
  }

  @Test("messages nested deeper than 100 are refused", arguments: [101, 102, 5000])
  func depthLimitRefused(depth: Int) {
    let error = #expect(throws: ProtoDecodingError.self) {
      _ = try AllTypes(serializedBytes: nested(depth: depth))
    }
    #expect(error?.code == .nestingTooDeep)
  }

  @Test("map entries count towards the nesting limit")
  func depthLimitThroughMaps() {
    // Field 32 is `map<string, AllTypes>`; an entry is one level and its value one more.
    let keyOnly = Hex.decode("8202020a00")
    let withValue = Hex.decode("820202 1200")
    #expect(throws: Never.self) {
      _ = try AllTypes(serializedBytes: nested(depth: 99, innermost: keyOnly))
    }
    #expect(throws: Never.self) {
      _ = try AllTypes(serializedBytes: nested(depth: 98, innermost: withValue))
    }

    let error = #expect(throws: ProtoDecodingError.self) {
      _ = try AllTypes(serializedBytes: nested(depth: 99, innermost: withValue))
    }
    #expect(error?.code == .nestingTooDeep)
  }

  /// Every prefix and many corruptions of a valid message: each must decode or throw, never trap.
  @Test("truncated or corrupted messages throw or decode but never trap")
  func corruptionNeverTraps() throws {
    let valid = Fixtures.allTypesMax().serializedBytes()
    var outcomes = (decoded: 0, refused: 0)
    func attempt(_ bytes: [UInt8]) {
      do {
        _ = try AllTypes(serializedBytes: bytes)
        outcomes.decoded += 1
      } catch is ProtoDecodingError {
        outcomes.refused += 1
      } catch {
        Issue.record("unexpected error type: \(error)")
      }
    }

    for length in 0..<valid.count {
      attempt(Array(valid[..<length]))
    }
    for index in valid.indices {
      for flip: UInt8 in [0x80, 0xFF, 0x07, 0x01] {
        var corrupted = valid
        corrupted[index] ^= flip
        attempt(corrupted)
      }
    }
    #expect(outcomes.refused > 0)
    #expect(outcomes.decoded + outcomes.refused == valid.count * 5)
  }
}
