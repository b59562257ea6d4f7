import Foundation
import Testing

@testable import OIDC

@Suite("Base64url")
struct Base64URLTests {
  @Test("decoding inverts Foundation's encoding for every length up to 64 bytes")
  func roundTrip() throws {
    for length in 0...64 {
      let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ length) }
      let reference = Data(bytes).base64EncodedString()
        .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
      #expect(Base64URL.encode(bytes) == reference)
      if length > 0 {
        #expect(Base64URL.decode(Substring(reference)) == bytes)
      }
    }
  }

  @Test(
    "padding, other alphabets, impossible lengths and stray bits are refused",
    arguments: ["", "QQ==", "QQ=", "a+b/", "A", "AAAAA", "QR", "QUF", "QUJD\n", "QU JD"])
  func refused(text: String) {
    #expect(Base64URL.decode(Substring(text)) == nil)
  }
}
