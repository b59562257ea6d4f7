internal import COpenSSL

/// Drains OpenSSL's thread-local error queue into one line, so each failure is reported where
/// it happened and a stale entry never leaks into an unrelated later error.
func drainOpenSSLErrors() -> String {
  var messages: [String] = []
  while true {
    let code = ERR_get_error()
    guard code != 0 else { break }
    var buffer = [CChar](repeating: 0, count: 256)
    ERR_error_string_n(code, &buffer, buffer.count)
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    messages.append(String(decoding: bytes, as: UTF8.self))
  }
  return messages.isEmpty ? "no detail from OpenSSL" : messages.joined(separator: "; ")
}
