internal import Foundation

/// Strict base64url (RFC 4648 §5) without padding, as JWS compact serialization uses it.
enum Base64URL {
  /// Decodes `text`, refusing padding, characters outside the alphabet, impossible lengths
  /// and non-canonical encodings (stray bits in the last character), so that one token has
  /// exactly one spelling.
  static func decode(_ text: Substring) -> [UInt8]? {
    let utf8 = text.utf8
    guard !utf8.isEmpty, utf8.count % 4 != 1 else { return nil }
    for byte in utf8 {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
        continue
      default:
        return nil
      }
    }

    var standard = String(text).replacingOccurrences(of: "-", with: "+")
      .replacingOccurrences(of: "_", with: "/")
    standard += String(repeating: "=", count: (4 - utf8.count % 4) % 4)
    guard let data = Data(base64Encoded: standard) else { return nil }
    let bytes = [UInt8](data)
    guard encode(bytes) == text else { return nil }
    return bytes
  }

  /// Encodes `bytes` without padding.
  static func encode(_ bytes: [UInt8]) -> String {
    var text = Data(bytes).base64EncodedString()
    while text.hasSuffix("=") { text.removeLast() }
    return text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
  }
}
