#if canImport(Glibc)
  import Glibc
#endif

/// Whether `text` is an IPv4 or IPv6 address in text form, as `inet_pton` reads it.
func isIPAddress(_ text: String) -> Bool {
  var buffer = in6_addr()
  return inet_pton(AF_INET, text, &buffer) == 1 || inet_pton(AF_INET6, text, &buffer) == 1
}
