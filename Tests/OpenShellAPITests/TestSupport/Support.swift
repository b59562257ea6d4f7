import OpenShellAPI

extension ProtoMessage {
  /// Builds a message by mutating a default one, so fixtures read like the Python builders.
  static func with(_ body: (inout Self) -> Void) -> Self {
    var message = Self()
    body(&message)
    return message
  }
}

extension UnknownFields {
  /// Unknown fields holding exactly `bytes`, as a fixture's expected value.
  static func raw(_ bytes: [UInt8]) -> UnknownFields {
    var fields = UnknownFields()
    fields.append(bytes)
    return fields
  }
}

/// Hex in both directions, the format the Python peer speaks.
enum Hex {
  static func encode(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef")
    return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] })
  }

  /// Decodes hex; spaces are ignored so fixtures can group bytes. Traps on bad input, which is
  /// only ever a typo in a test.
  static func decode(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { $0 != " " })
    precondition(digits.count % 2 == 0, "odd hex length in \(text)")
    return stride(from: 0, to: digits.count, by: 2).map { index in
      UInt8(String(digits[index...index + 1]), radix: 16)!
    }
  }
}

/// The differences between two values' stored properties, one line per differing property.
///
/// Compares message fields one by one, so a failing expectation names the field rather than
/// printing two whole messages.
func fieldDifferences(_ actual: some Hashable, _ expected: some Hashable) -> [String] {
  let actualFields = Mirror(reflecting: actual).children
  let expectedFields = Mirror(reflecting: expected).children
  var differences: [String] = []
  for (actualField, expectedField) in zip(actualFields, expectedFields) {
    guard let actualValue = actualField.value as? any Hashable,
      let expectedValue = expectedField.value as? any Hashable
    else {
      differences.append("\(actualField.label ?? "?"): not comparable")
      continue
    }
    if AnyHashable(actualValue) != AnyHashable(expectedValue) {
      differences.append(
        "\(actualField.label ?? "?"): \(actualField.value) != \(expectedField.value)"
      )
    }
  }
  return differences
}

/// `innermost` wrapped in `depth` levels of field 17 (`child`).
func nested(depth: Int, innermost: [UInt8] = []) -> [UInt8] {
  var bytes = innermost
  for _ in 0..<depth {
    var wrapped = Hex.decode("8a01")
    var length = bytes.count
    while length >= 0x80 {
      wrapped.append(UInt8(length & 0x7F) | 0x80)
      length >>= 7
    }
    wrapped.append(UInt8(length))
    bytes = wrapped + bytes
  }
  return bytes
}
