internal import AuthCore
internal import COpenSSL
internal import Glibc

/// An OpenSSL `SSL_CTX` built and checked once, then used to start sessions.
// Safe to share: the SSL_CTX is fully configured in init and only read afterwards; OpenSSL
// documents SSL_new on a shared context as thread-safe.
final class TLSContext: @unchecked Sendable {
  let context: OpaquePointer
  let isServer: Bool

  deinit {
    SSL_CTX_free(context)
  }

  /// Builds a server context; every file problem becomes an error naming the file.
  init(server config: ServerTLSConfiguration) throws {
    try TLSContext.checkReadable(config.certificateChainPath, what: "certificate chain")
    try TLSContext.checkPrivateKey(config.privateKeyPath)
    guard let context = SSL_CTX_new(TLS_server_method()) else {
      throw TLSContext.error("could not create a TLS server context")
    }
    self.context = context
    self.isServer = true
    _ = COpenSSL_transport_harden_ctx(context)
    try loadIdentity(chain: config.certificateChainPath, key: config.privateKeyPath)

    if config.clientCertificateMode != .none {
      guard let caPath = config.clientCAPath else {
        throw TransportError(
          code: .tlsConfiguration,
          message: "client certificate mode \(config.clientCertificateMode) needs clientCAPath")
      }
      try TLSContext.checkReadable(caPath, what: "client CA bundle")
      guard SSL_CTX_load_verify_locations(context, caPath, nil) == 1 else {
        throw TLSContext.error("could not load the client CA bundle \(caPath)")
      }
      if let names = SSL_load_client_CA_file(caPath) {
        SSL_CTX_set_client_CA_list(context, names)
      }
      var mode = SSL_VERIFY_PEER
      if config.clientCertificateMode == .required { mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT }
      SSL_CTX_set_verify(context, mode, nil)
    } else {
      SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
    }

    SSL_CTX_set_alpn_select_cb(
      context,
      { _, out, outLength, input, inputLength, _ in
        // Only h2 is spoken; a client offering ALPN without it gets a fatal alert.
        var offered = input!
        var remaining = Int(inputLength)
        while remaining > 0 {
          let length = Int(offered.pointee)
          if length + 1 > remaining { break }
          if length == 2, offered[1] == UInt8(ascii: "h"), offered[2] == UInt8(ascii: "2") {
            out!.pointee = offered + 1
            outLength!.pointee = 2
            return SSL_TLSEXT_ERR_OK
          }
          offered += length + 1
          remaining -= length + 1
        }
        return SSL_TLSEXT_ERR_ALERT_FATAL
      }, nil)
  }

  /// Builds a client context.
  init(client config: ClientTLSConfiguration) throws {
    guard let context = SSL_CTX_new(TLS_client_method()) else {
      throw TLSContext.error("could not create a TLS client context")
    }
    self.context = context
    self.isServer = false
    _ = COpenSSL_transport_harden_ctx(context)

    if let roots = config.trustRootsPath {
      try TLSContext.checkReadable(roots, what: "trust roots")
      guard SSL_CTX_load_verify_locations(context, roots, nil) == 1 else {
        throw TLSContext.error("could not load the trust roots \(roots)")
      }
    } else {
      SSL_CTX_set_default_verify_paths(context)
    }
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)

    switch (config.certificateChainPath, config.privateKeyPath) {
    case (let chain?, let key?):
      try TLSContext.checkReadable(chain, what: "certificate chain")
      try TLSContext.checkPrivateKey(key)
      try loadIdentity(chain: chain, key: key)
    case (nil, nil):
      break
    default:
      throw TransportError(
        code: .tlsConfiguration,
        message: "a client certificate needs both certificateChainPath and privateKeyPath")
    }

    let protocols: [UInt8] = [2, UInt8(ascii: "h"), UInt8(ascii: "2")]
    _ = SSL_CTX_set_alpn_protos(context, protocols, UInt32(protocols.count))
  }

  private func loadIdentity(chain: String, key: String) throws {
    guard SSL_CTX_use_certificate_chain_file(context, chain) == 1 else {
      throw TLSContext.error("could not load the certificate chain \(chain)")
    }
    guard SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) == 1 else {
      // OpenSSL 3 compares the key with the certificate while loading it.
      let cause = TLSContext.drainErrorQueue()
      if cause?.contains("key values mismatch") == true {
        throw TransportError(
          code: .tlsConfiguration,
          message: "the private key \(key) does not match the certificate \(chain)", cause: cause)
      }
      throw TransportError(
        code: .tlsConfiguration, message: "could not load the private key \(key)", cause: cause)
    }
    guard SSL_CTX_check_private_key(context) == 1 else {
      throw TLSContext.error("the private key \(key) does not match the certificate \(chain)")
    }
  }

  static func checkReadable(_ path: String, what: String) throws {
    guard access(path, R_OK) == 0 else {
      throw TransportError(
        code: .tlsConfiguration, message: "cannot read the \(what) file \(path)",
        cause: errnoText())
    }
  }

  static func checkPrivateKey(_ path: String) throws {
    try checkReadable(path, what: "private key")
    var info = stat()
    guard stat(path, &info) == 0 else {
      throw TransportError(
        code: .tlsConfiguration, message: "cannot stat the private key file \(path)",
        cause: errnoText())
    }
    let mode = info.st_mode & 0o777
    guard mode & 0o077 == 0 else {
      throw TransportError(
        code: .tlsConfiguration,
        message: "the private key file \(path) is accessible by group or others (mode "
          + String(mode, radix: 8) + "); restrict it with chmod 600")
    }
  }

  /// Drains OpenSSL's error queue into a transport error.
  static func error(_ message: String, code: TransportError.Code = .tlsConfiguration)
    -> TransportError
  {
    TransportError(code: code, message: message, cause: drainErrorQueue())
  }

  static func drainErrorQueue() -> String? {
    var parts: [String] = []
    while true {
      let code = ERR_get_error()
      if code == 0 { break }
      var buffer = [CChar](repeating: 0, count: 256)
      ERR_error_string_n(code, &buffer, buffer.count)
      parts.append(String(nulTerminated: buffer))
    }
    return parts.isEmpty ? nil : parts.joined(separator: "; ")
  }
}

extension PeerCertificate {
  /// Describes a verified certificate with OpenSSL's X.509 API.
  init(x509 cert: OpaquePointer) {
    var commonName: String?
    var units: [String] = []
    var subjectLine = ""
    if let name = X509_get_subject_name(cert) {
      commonName = PeerCertificate.entries(name, nid: NID_commonName).first
      units = PeerCertificate.entries(name, nid: NID_organizationalUnitName)
      var buffer = [CChar](repeating: 0, count: 1024)
      if COpenSSL_transport_name_oneline(name, &buffer, Int32(buffer.count)) > 0 {
        subjectLine = String(nulTerminated: buffer)
      }
    }

    var dns: [String] = []
    var uris: [String] = []
    var ips: [String] = []
    if let raw = X509_get_ext_d2i(cert, NID_subject_alt_name, nil, nil) {
      let names = OpaquePointer(raw)
      for index in 0..<COpenSSL_transport_san_count(names) {
        var data: UnsafePointer<UInt8>?
        var length: Int32 = 0
        let type = COpenSSL_transport_san_at(names, index, &data, &length)
        guard let data, length > 0 else { continue }
        let bytes = Array(UnsafeBufferPointer(start: data, count: Int(length)))
        switch type {
        case GEN_DNS: dns.append(String(decoding: bytes, as: UTF8.self))
        case GEN_URI: uris.append(String(decoding: bytes, as: UTF8.self))
        case GEN_IPADD: if let text = PeerCertificate.ipText(bytes) { ips.append(text) }
        default: break
        }
      }
      COpenSSL_transport_free_general_names(names)
    }

    var digest = [UInt8](repeating: 0, count: 32)
    var digestLength: UInt32 = 0
    X509_digest(cert, EVP_sha256(), &digest, &digestLength)
    let hex = digest.prefix(Int(digestLength)).map { byte in
      let text = String(byte, radix: 16)
      return text.count == 1 ? "0" + text : text
    }.joined()

    var notAfter: Int64 = 0
    if let time = X509_get0_notAfter(cert) {
      var parts = tm()
      if ASN1_TIME_to_tm(time, &parts) == 1 { notAfter = Int64(timegm(&parts)) }
    }

    self.init(
      commonName: commonName, organizationalUnits: units, dnsNames: dns, uris: uris,
      ipAddresses: ips, sha256Fingerprint: hex, notAfter: notAfter, subject: subjectLine)
  }

  private static func entries(_ name: OpaquePointer, nid: Int32) -> [String] {
    var values: [String] = []
    var position: Int32 = -1
    while true {
      position = X509_NAME_get_index_by_NID(name, nid, position)
      if position < 0 { break }
      guard let entry = X509_NAME_get_entry(name, position),
        let data = X509_NAME_ENTRY_get_data(entry)
      else { continue }
      var utf8: UnsafeMutablePointer<UInt8>?
      let length = ASN1_STRING_to_UTF8(&utf8, data)
      if length >= 0, let utf8 {
        values.append(
          String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self))
        COpenSSL_transport_free(utf8)
      }
    }
    return values
  }

  private static func ipText(_ bytes: [UInt8]) -> String? {
    var buffer = [CChar](repeating: 0, count: 64)
    let family: Int32
    switch bytes.count {
    case 4: family = AF_INET
    case 16: family = AF_INET6
    default: return nil
    }
    guard inet_ntop(family, bytes, &buffer, socklen_t(buffer.count)) != nil else { return nil }
    return String(nulTerminated: buffer)
  }
}
