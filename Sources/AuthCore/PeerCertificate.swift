/// What a verified client certificate says, as the transport read it with its X.509 library.
///
/// AuthCore never parses certificates; the transport fills this in from the leaf that
/// verified against the configured client CA during the handshake.
public struct PeerCertificate: Hashable, Sendable {
  /// The subject's common name, when present.
  public var commonName: String?

  /// The subject's organizational units, in certificate order.
  public var organizationalUnits: [String]

  /// DNS names from the subject alternative name extension.
  public var dnsNames: [String]

  /// URIs from the subject alternative name extension.
  public var uris: [String]

  /// IP addresses from the subject alternative name extension, in text form.
  public var ipAddresses: [String]

  /// The SHA-256 fingerprint of the DER certificate, lower-case hex.
  public var sha256Fingerprint: String

  /// The end of the certificate's validity, in seconds since 1970.
  public var notAfter: Int64

  /// The subject as one line (`CN=sandbox-a,OU=openshell-sandbox`), for logs.
  public var subject: String

  /// Creates a description of a verified certificate.
  public init(
    commonName: String?,
    organizationalUnits: [String] = [],
    dnsNames: [String] = [],
    uris: [String] = [],
    ipAddresses: [String] = [],
    sha256Fingerprint: String = "",
    notAfter: Int64 = 0,
    subject: String = ""
  ) {
    self.commonName = commonName
    self.organizationalUnits = organizationalUnits
    self.dnsNames = dnsNames
    self.uris = uris
    self.ipAddresses = ipAddresses
    self.sha256Fingerprint = sha256Fingerprint
    self.notAfter = notAfter
    self.subject = subject
  }
}
