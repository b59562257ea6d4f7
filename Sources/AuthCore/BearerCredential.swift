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
    // One bit per ASCII byte that a token's body may hold (bytes 0-63, then 64-127); the
    // token runs through here on every call. `token68BodyAlphabet` in the tests spells out
    // the same set.
    let low: UInt64 = 0x03FF_E800_0000_0000
    let high: UInt64 = 0x47FF_FFFE_87FF_FFFE
    for index in 0..<end {
      let byte = bytes[index]
      let allowed =
        byte < 64 ? low >> UInt64(byte) & 1 : byte < 128 ? high >> UInt64(byte - 64) & 1 : 0
      if allowed == 0 { return false }
    }
    return true
  }
}
