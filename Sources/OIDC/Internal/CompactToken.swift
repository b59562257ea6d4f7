/// A JWS in compact serialization, checked strictly before any library sees it.
///
/// libjwt 1.10 is lenient about what it parses, so this is the gate: exactly three
/// non-empty base64url segments without padding, nothing before or after, a length limit,
/// and a header that is a JSON object naming a non-empty `alg` and `kid` and no critical
/// extensions (we implement none, so RFC 7515 §4.1.11 says refuse).
struct CompactToken: Sendable {
  /// The token text, exactly as received.
  let text: String
  /// `header.payload`, the bytes the signature covers.
  let signingInput: Substring
  /// The decoded header object.
  let header: [String: JSONValue]
  /// The header's `alg`.
  let algorithmName: String
  /// The header's `kid`.
  let keyID: String
  /// The decoded payload bytes; parsed only after the signature checks.
  let payload: [UInt8]
  /// The decoded signature bytes.
  let signature: [UInt8]

  /// Parses and checks `text`.
  ///
  /// - Throws: ``Refusal`` for anything that is not a well-formed compact JWS.
  init(_ text: String, maximumBytes: Int) throws {
    guard text.utf8.count <= maximumBytes else {
      throw Refusal("token too large", detail: "token of \(text.utf8.count) bytes")
    }
    let segments = text.split(separator: ".", omittingEmptySubsequences: false)
    guard segments.count == 3, segments.allSatisfy({ !$0.isEmpty }) else {
      throw Refusal(
        "malformed token", detail: "expected three non-empty segments, got \(segments.count)")
    }
    guard let headerBytes = Base64URL.decode(segments[0]),
      let payload = Base64URL.decode(segments[1]),
      let signature = Base64URL.decode(segments[2])
    else {
      throw Refusal("malformed token", detail: "a segment is not strict unpadded base64url")
    }
    guard let header = JSONValue.object(from: headerBytes) else {
      throw Refusal("malformed token", detail: "the header is not a JSON object")
    }
    guard let algorithm = header["alg"]?.stringValue, !algorithm.isEmpty else {
      throw Refusal("malformed token", detail: "the header has no alg")
    }
    guard let keyID = header["kid"]?.stringValue, !keyID.isEmpty else {
      throw Refusal("token has no key ID", detail: "the header has no kid")
    }
    if header["crit"] != nil {
      throw Refusal(
        "token uses unsupported extensions", detail: "the header lists critical extensions")
    }

    self.text = text
    self.signingInput = text[..<segments[1].endIndex]
    self.header = header
    self.algorithmName = algorithm
    self.keyID = keyID
    self.payload = payload
    self.signature = signature
  }
}
