internal import COpenSSL

/// Lower-case hex SHA-256 of `bytes`, computed by OpenSSL.
func sha256Hex(_ bytes: [UInt8]) -> String {
  var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
  var length: UInt32 = 0
  let ok = bytes.withUnsafeBytes { buffer in
    EVP_Digest(buffer.baseAddress, buffer.count, &digest, &length, EVP_sha256(), nil)
  }
  // EVP_Digest with SHA-256 fails only when OpenSSL cannot allocate; a hash we cannot compute
  // must stop the write rather than store a wrong one.
  precondition(ok == 1, "SHA-256 failed: \(drainOpenSSLErrors())")
  let hex = Array("0123456789abcdef".utf8)
  var text = [UInt8]()
  text.reserveCapacity(Int(length) * 2)
  for byte in digest.prefix(Int(length)) {
    text.append(hex[Int(byte >> 4)])
    text.append(hex[Int(byte & 0xF)])
  }
  return String(decoding: text, as: UTF8.self)
}
