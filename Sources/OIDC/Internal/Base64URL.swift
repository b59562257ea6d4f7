/// Strict base64url (RFC 4648 §5) without padding, as JWS compact serialization uses it.
///
/// Written out rather than built on Foundation's base64, which wants the standard alphabet
/// and padding: translating every segment cost more than the signature check (measured with
/// `Benchmarks/oidc-bench.sh`).
enum Base64URL {
  /// Each byte's value in the alphabet, or 0xFF for bytes outside it.
  private static let values: [UInt8] = {
    var table = [UInt8](repeating: 0xFF, count: 256)
    for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
    return table
  }()

  private static let alphabet = Array(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

  /// Decodes `text`, refusing padding, characters outside the alphabet, impossible lengths
  /// and non-canonical encodings (set bits past the last byte), so that one token has
  /// exactly one spelling.
  static func decode(_ text: Substring) -> [UInt8]? {
    let utf8 = text.utf8
    let remainder = utf8.count % 4
    guard !utf8.isEmpty, remainder != 1 else { return nil }

    var output: [UInt8] = []
    output.reserveCapacity(utf8.count * 3 / 4)
    var accumulator: UInt32 = 0
    var bits = 0
    for byte in utf8 {
      let value = values[Int(byte)]
      guard value != 0xFF else { return nil }
      accumulator = (accumulator << 6) | UInt32(value)
      bits += 6
      if bits >= 8 {
        bits -= 8
        output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
        accumulator &= (1 << UInt32(bits)) - 1
      }
    }
    // Leftover bits (2 or 4) must be zero, or two spellings would decode alike.
    guard accumulator == 0 else { return nil }
    return output
  }

  /// Encodes `bytes` without padding.
  static func encode(_ bytes: [UInt8]) -> String {
    var output: [UInt8] = []
    output.reserveCapacity((bytes.count * 4 + 2) / 3)
    var accumulator: UInt32 = 0
    var bits = 0
    for byte in bytes {
      accumulator = (accumulator << 8) | UInt32(byte)
      bits += 8
      while bits >= 6 {
        bits -= 6
        output.append(alphabet[Int((accumulator >> UInt32(bits)) & 0x3F)])
      }
      accumulator &= (1 << UInt32(bits)) - 1
    }
    if bits > 0 {
      output.append(alphabet[Int((accumulator << UInt32(6 - bits)) & 0x3F)])
    }
    return String(decoding: output, as: UTF8.self)
  }
}
