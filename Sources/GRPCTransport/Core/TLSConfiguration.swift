/// Whether a server asks TLS clients for a certificate, and what it does without one.
public struct ClientCertificateMode: Hashable, Sendable, CustomStringConvertible {
  private enum Value: Hashable, Sendable {
    case none
    case optional
    case required
  }

  private let value: Value

  private init(_ value: Value) {
    self.value = value
  }

  /// The server never asks for a client certificate.
  public static let none = ClientCertificateMode(.none)

  /// The server asks; a certificate that is presented must verify, but none is fine.
  ///
  /// - Important: A presented certificate that does not verify fails the handshake; it is
  ///   never treated as "no certificate".
  public static let optional = ClientCertificateMode(.optional)

  /// The server asks and refuses the handshake without a verified certificate.
  public static let required = ClientCertificateMode(.required)

  /// The mode's name.
  public var description: String {
    switch value {
    case .none: "none"
    case .optional: "optional"
    case .required: "required"
    }
  }
}

/// TLS settings for a server: its identity and how it treats client certificates.
///
/// The server always negotiates TLS 1.2 or later with renegotiation off and requires the
/// client to offer ALPN `h2`.
public struct ServerTLSConfiguration: Sendable {
  /// PEM file with the server certificate first and its intermediates after it.
  public var certificateChainPath: String

  /// PEM file with the private key; it must not be readable by group or others.
  public var privateKeyPath: String

  /// Whether clients are asked for certificates; defaults to ``ClientCertificateMode/none``.
  public var clientCertificateMode: ClientCertificateMode

  /// PEM file of CA certificates that client certificates must chain to; required unless
  /// the mode is ``ClientCertificateMode/none``.
  public var clientCAPath: String?

  /// How long a client has to finish the TLS handshake; defaults to 10 seconds.
  public var handshakeTimeout: Duration

  /// Creates TLS settings for a server.
  ///
  /// - Parameters:
  ///   - certificateChainPath: PEM certificate chain, leaf first.
  ///   - privateKeyPath: PEM private key, mode 0600 or stricter.
  ///   - clientCertificateMode: Whether clients are asked for certificates; defaults to none.
  ///   - clientCAPath: PEM CA bundle for client certificates; defaults to none.
  ///   - handshakeTimeout: The handshake deadline; defaults to 10 seconds.
  public init(
    certificateChainPath: String,
    privateKeyPath: String,
    clientCertificateMode: ClientCertificateMode = .none,
    clientCAPath: String? = nil,
    handshakeTimeout: Duration = .seconds(10)
  ) {
    self.certificateChainPath = certificateChainPath
    self.privateKeyPath = privateKeyPath
    self.clientCertificateMode = clientCertificateMode
    self.clientCAPath = clientCAPath
    self.handshakeTimeout = handshakeTimeout
  }
}

/// TLS settings for a client: whom to trust and, optionally, its own certificate.
public struct ClientTLSConfiguration: Sendable {
  /// PEM CA bundle the server's certificate must chain to; `nil` uses the system's roots.
  public var trustRootsPath: String?

  /// PEM certificate chain to present when the server asks; defaults to none.
  public var certificateChainPath: String?

  /// PEM private key for ``certificateChainPath``; must not be readable by group or others.
  public var privateKeyPath: String?

  /// The name to verify and send as SNI instead of the target's host; defaults to none.
  public var serverHostnameOverride: String?

  /// Creates TLS settings for a client.
  ///
  /// - Parameters:
  ///   - trustRootsPath: PEM CA bundle; defaults to the system's roots.
  ///   - certificateChainPath: Client certificate chain; defaults to none.
  ///   - privateKeyPath: Client private key; defaults to none.
  ///   - serverHostnameOverride: Name to verify instead of the host; defaults to none.
  public init(
    trustRootsPath: String? = nil,
    certificateChainPath: String? = nil,
    privateKeyPath: String? = nil,
    serverHostnameOverride: String? = nil
  ) {
    self.trustRootsPath = trustRootsPath
    self.certificateChainPath = certificateChainPath
    self.privateKeyPath = privateKeyPath
    self.serverHostnameOverride = serverHostnameOverride
  }
}
