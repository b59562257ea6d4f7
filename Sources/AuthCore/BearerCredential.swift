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
    let values = metadata.values(forName: headerName)
    guard let value = values.first else { return .absent }
    guard values.count == 1 else {
      return .malformed("send exactly one authorization header; this call sent \(values.count)")
    }

    let scheme = "bearer"
    let bytes = Array(value.utf8)
    guard bytes.count >= scheme.utf8.count,
      Metadata.namesMatch(String(decoding: bytes[..<scheme.utf8.count], as: UTF8.self), scheme)
    else {
      return .malformed("the authorization header must use the Bearer scheme")
    }

    var rest = bytes[scheme.utf8.count...]
    if rest.allSatisfy({ $0 == UInt8(ascii: " ") }) {
      return .malformed("the Bearer token is missing: send 'Bearer <token>'")
    }
    guard rest.first == UInt8(ascii: " ") else {
      return .malformed("the authorization header must use the Bearer scheme")
    }
    // RFC 7235 allows one or more spaces between the scheme and the token.
    rest = rest.drop { $0 == UInt8(ascii: " ") }
    guard isToken68(rest) else {
      return .malformed("the Bearer token contains characters a token cannot have")
    }
    return .bearer(String(decoding: rest, as: UTF8.self))
  }

  /// `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`, from RFC 6750.
  private static func isToken68(_ bytes: ArraySlice<UInt8>) -> Bool {
    let padding = bytes.reversed().prefix { $0 == UInt8(ascii: "=") }.count
    let body = bytes.dropLast(padding)
    guard !body.isEmpty else { return false }
    return body.allSatisfy { byte in
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
        UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"):
        true
      default:
        false
      }
    }
  }
}
