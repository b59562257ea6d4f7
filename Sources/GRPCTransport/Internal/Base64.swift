/// Base64 for `-bin` metadata, written here because Foundation's is not worth the import.
enum Base64 {
  private static let alphabet = Array(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

  /// Encodes with padding, as gRPC implementations send.
  static func encode(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var index = 0
    while index + 3 <= bytes.count {
      let word =
        UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
        | UInt32(bytes[index + 2])
      for shift in [18, 12, 6, 0] { out.append(alphabet[Int(word >> UInt32(shift) & 63)]) }
      index += 3
    }

    let rest = bytes.count - index
    if rest > 0 {
      var word = UInt32(bytes[index]) << 16
      if rest == 2 { word |= UInt32(bytes[index + 1]) << 8 }
      out.append(alphabet[Int(word >> 18 & 63)])
      out.append(alphabet[Int(word >> 12 & 63)])
      out.append(rest == 2 ? alphabet[Int(word >> 6 & 63)] : UInt8(ascii: "="))
      out.append(UInt8(ascii: "="))
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Decodes padded or unpadded base64, as the gRPC spec asks receivers to accept.
  static func decode(_ text: String) -> [UInt8]? {
    var out: [UInt8] = []
    var word: UInt32 = 0
    var bits = 0
    for char in text.utf8 {
      let value: UInt32
      switch char {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(char - UInt8(ascii: "A"))
      case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(char - UInt8(ascii: "a")) + 26
      case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(char - UInt8(ascii: "0")) + 52
      case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
      case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
      case UInt8(ascii: "="): continue
      default: return nil
      }
      word = word << 6 | value
      bits += 6
      if bits >= 8 {
        bits -= 8
        out.append(UInt8(truncatingIfNeeded: word >> UInt32(bits)))
      }
    }
    return out
  }
}
