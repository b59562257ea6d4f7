/// What the connection a call arrived on proved about the caller.
public enum ChannelSecurity: Hashable, Sendable {
  /// No TLS (h2c), as behind a TLS-terminating proxy.
  case plaintext
  /// TLS; `clientCertificate` is the leaf that verified against the gateway's client CA, or
  /// `nil` when the client presented none. A certificate that failed verification never gets
  /// here: it fails the handshake.
  case tls(clientCertificate: PeerCertificate?)

  /// The verified client certificate, if any.
  public var clientCertificate: PeerCertificate? {
    if case .tls(let certificate) = self { return certificate }
    return nil
  }
}

/// Whether the gateway's TLS listener asks clients for certificates.
public enum ClientCertificateRequirement: Hashable, Sendable, CustomStringConvertible {
  /// No client CA: no caller can prove a sandbox identity.
  case none
  /// Requested and verified when presented (users bring tokens, sandboxes certificates).
  case optional
  /// Every client must present a certificate that verifies.
  case required

  /// `none`, `optional` or `required`.
  public var description: String {
    switch self {
    case .none: "none"
    case .optional: "optional"
    case .required: "required"
    }
  }
}
