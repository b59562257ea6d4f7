/// What a call's `authorization` field says, after a strict syntax check.
enum BearerCredential: Equatable {
  /// No `authorization` field at all.
  case absent
  /// Exactly one field holding `Bearer <token>`, the scheme in any letter case.
  case bearer(String)
  /// Anything else; the reason goes back to the caller.
  case malformed(String)

  static let headerName = "authorization"

  /// Reads the credential from `metadata`.
  ///
  /// The token must be an RFC 6750 `b64token`; a token the check lets through still has to
  /// pass the verifier, so this only rejects what can never be a valid credential.
  static func parse(_ metadata: Metadata) -> BearerCredential {
    var found: String?
    var count = 0
    for entry in metadata.entries where Metadata.namesMatch(entry.name, headerName) {
      count += 1
      if found == nil { found = entry.value }
    }
    guard let value = found else { return .absent }
    guard count == 1 else {
      return .malformed("send exactly one authorization header; this call sent \(count)")
    }

    // Checked in place: the token is hundreds of bytes and arrives on every call.
    var text = value
    return text.withUTF8 { bytes -> BearerCredential in
      let scheme = "bearer".utf8
      guard bytes.count >= scheme.count,
        zip(bytes[..<scheme.count], scheme).allSatisfy({ Metadata.asciiLower($0) == $1 })
      else {
        return .malformed("the authorization header must use the Bearer scheme")
      }
      // RFC 7235 allows one or more spaces between the scheme and the token.
      var start = scheme.count
      while start < bytes.count, bytes[start] == UInt8(ascii: " ") { start += 1 }
      guard start < bytes.count else {
        return .malformed("the Bearer token is missing: send 'Bearer <token>'")
      }
      guard start > scheme.count else {
        return .malformed("the authorization header must use the Bearer scheme")
      }
      let token = UnsafeBufferPointer(rebasing: bytes[start...])
      guard isToken68(token) else {
        return .malformed("the Bearer token contains characters a token cannot have")
      }
      return .bearer(String(decoding: token, as: UTF8.self))
    }
  }

  /// `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`, from RFC 6750.
  private static func isToken68(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var end = bytes.count
    while end > 0, bytes[end - 1] == UInt8(ascii: "=") { end -= 1 }
    guard end > 0 else { return false }
    for index in 0..<end where !token68Body[Int(bytes[index])] {
      return false
    }
    return true
  }

  /// Which bytes a token's body may hold, by byte value.
  private static let token68Body: [Bool] = (0...255).map { value in
    switch UInt8(value) {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
      UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"):
      true
    default:
      false
    }
  }
}
