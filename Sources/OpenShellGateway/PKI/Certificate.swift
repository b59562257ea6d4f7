internal import COpenSSL

/// An owned `EVP_PKEY`.
final class Key {
  let raw: OpaquePointer

  private init(raw: OpaquePointer) {
    self.raw = raw
  }

  deinit {
    EVP_PKEY_free(raw)
  }

  /// A fresh EC P-256 key.
  static func generate() throws(PKIError) -> Key {
    guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nil) else {
      throw PKIError("cannot create a key context: \(drainOpenSSLErrors())")
    }
    defer { EVP_PKEY_CTX_free(context) }
    var key: OpaquePointer?
    guard EVP_PKEY_keygen_init(context) == 1,
      EVP_PKEY_CTX_set_ec_paramgen_curve_nid(context, NID_X9_62_prime256v1) == 1,
      EVP_PKEY_keygen(context, &key) == 1, let key
    else {
      throw PKIError("cannot generate an EC P-256 key: \(drainOpenSSLErrors())")
    }
    return Key(raw: key)
  }

  /// Reads a PEM private key from `path`.
  static func load(_ path: String) throws(PKIError) -> Key {
    let key = try withFileBIO(path) { bio in PEM_read_bio_PrivateKey(bio, nil, nil, nil) }
    return Key(raw: key)
  }

  /// The private key as unencrypted PKCS#8 PEM.
  func privatePEM() throws(PKIError) -> [UInt8] {
    try withMemoryBIO { bio in
      PEM_write_bio_PrivateKey(bio, raw, nil, nil, 0, nil, nil) == 1
    }
  }
}

/// An owned `X509`.
final class Certificate {
  let raw: OpaquePointer

  init(raw: OpaquePointer) {
    self.raw = raw
  }

  deinit {
    X509_free(raw)
  }

  /// Reads a PEM certificate from `path`.
  static func load(_ path: String) throws(PKIError) -> Certificate {
    Certificate(raw: try withFileBIO(path) { bio in PEM_read_bio_X509(bio, nil, nil, nil) })
  }

  /// Whether this is a CA certificate (basic constraints `CA:TRUE`, or what OpenSSL takes
  /// as one).
  var isCA: Bool {
    X509_check_ca(raw) != 0
  }

  /// Whether `issuer`'s key signed this certificate.
  func isSigned(by issuer: Certificate) -> Bool {
    guard let key = X509_get0_pubkey(issuer.raw) else { return false }
    return X509_verify(raw, key) == 1
  }

  /// Whether `key` is the private key of this certificate's public key.
  func matches(_ key: Key) -> Bool {
    X509_check_private_key(raw, key.raw) == 1
  }

  /// The certificate as PEM.
  func pem() throws(PKIError) -> [UInt8] {
    try withMemoryBIO { bio in PEM_write_bio_X509(bio, raw) == 1 }
  }
}

/// Builds and signs one certificate.
struct CertificateBuilder {
  private let certificate: Certificate
  private var days = 365
  private var extensionList: [(Int32, String)] = []
  private let subject: [(String, String)]

  init(subject: [(String, String)], key: Key) throws(PKIError) {
    guard let raw = X509_new() else { throw PKIError("cannot allocate a certificate") }
    certificate = Certificate(raw: raw)
    self.subject = subject
    guard X509_set_version(raw, 2) == 1, X509_set_pubkey(raw, key.raw) == 1 else {
      throw PKIError("cannot set up a certificate: \(drainOpenSSLErrors())")
    }
    try setRandomSerial()
    try setSubject()
  }

  func validity(days: Int) -> CertificateBuilder {
    var copy = self
    copy.days = days
    return copy
  }

  func extensions(_ list: [(Int32, String)]) -> CertificateBuilder {
    var copy = self
    copy.extensionList = list
    return copy
  }

  /// Signs with `issuerKey`; a `nil` issuer makes the certificate self-signed.
  func sign(issuer: Certificate?, issuerKey: Key) throws(PKIError) -> Certificate {
    let raw = certificate.raw
    // Backdated an hour so that a peer whose clock runs a little behind accepts it at once.
    guard X509_gmtime_adj(X509_getm_notBefore(raw), -3600) != nil,
      X509_gmtime_adj(X509_getm_notAfter(raw), days * 86_400) != nil
    else {
      throw PKIError("cannot set the validity period: \(drainOpenSSLErrors())")
    }
    let issuerRaw = issuer?.raw ?? raw
    guard X509_set_issuer_name(raw, X509_get_subject_name(issuerRaw)) == 1 else {
      throw PKIError("cannot set the issuer: \(drainOpenSSLErrors())")
    }

    var context = X509V3_CTX()
    X509V3_set_ctx(&context, issuerRaw, raw, nil, nil, 0)
    for (nid, value) in extensionList {
      guard let ext = X509V3_EXT_nconf_nid(nil, &context, nid, value) else {
        throw PKIError("cannot build the extension '\(value)': \(drainOpenSSLErrors())")
      }
      defer { X509_EXTENSION_free(ext) }
      guard X509_add_ext(raw, ext, -1) == 1 else {
        throw PKIError("cannot add the extension '\(value)': \(drainOpenSSLErrors())")
      }
    }

    guard X509_sign(raw, issuerKey.raw, EVP_sha256()) > 0 else {
      throw PKIError("cannot sign the certificate: \(drainOpenSSLErrors())")
    }
    return certificate
  }

  private func setRandomSerial() throws(PKIError) {
    // 127 random bits: unique without bookkeeping, and positive as RFC 5280 requires.
    var bytes = [UInt8](repeating: 0, count: 16)
    guard RAND_bytes(&bytes, Int32(bytes.count)) == 1 else {
      throw PKIError("cannot draw a random serial number: \(drainOpenSSLErrors())")
    }
    bytes[0] &= 0x7F
    guard let number = BN_bin2bn(bytes, Int32(bytes.count), nil) else {
      throw PKIError("cannot make a serial number")
    }
    defer { BN_free(number) }
    guard BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate.raw)) != nil else {
      throw PKIError("cannot set the serial number: \(drainOpenSSLErrors())")
    }
  }

  private func setSubject() throws(PKIError) {
    guard let name = X509_get_subject_name(certificate.raw) else {
      throw PKIError("cannot read the subject name")
    }
    for (field, value) in subject {
      let bytes = Array(value.utf8)
      guard
        X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, bytes, Int32(bytes.count), -1, 0)
          == 1
      else {
        throw PKIError("cannot set \(field)=\(value) in the subject: \(drainOpenSSLErrors())")
      }
    }
  }
}

/// Runs `body` with a memory BIO and returns what it wrote.
private func withMemoryBIO(_ body: (OpaquePointer) -> Bool) throws(PKIError) -> [UInt8] {
  guard let bio = BIO_new(BIO_s_mem()) else { throw PKIError("cannot allocate a memory BIO") }
  defer { BIO_free(bio) }
  guard body(bio) else { throw PKIError("cannot encode PEM: \(drainOpenSSLErrors())") }
  var pointer: UnsafeMutablePointer<CChar>?
  let count = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &pointer)
  guard count > 0, let pointer else { return [] }
  return Array(UnsafeRawBufferPointer(start: pointer, count: count))
}

/// Opens `path` as a file BIO and returns what `body` read from it.
private func withFileBIO(
  _ path: String,
  _ body: (OpaquePointer) -> OpaquePointer?
) throws(PKIError) -> OpaquePointer {
  guard let bio = BIO_new_file(path, "r") else {
    throw PKIError("cannot open \(path): \(drainOpenSSLErrors())")
  }
  defer { BIO_free(bio) }
  guard let value = body(bio) else {
    throw PKIError("cannot read \(path) as PEM: \(drainOpenSSLErrors())")
  }
  return value
}
