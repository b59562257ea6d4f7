/// Who a user caller is, as proved by a token or a certificate.
public struct Identity: Hashable, Sendable {
  /// How the identity was established.
  public struct Provider: Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
      case oidc
      case mtls
      case `internal`
    }

    private let kind: Kind

    /// An OIDC access token verified against the issuer's keys.
    public static let oidc = Provider(kind: .oidc)
    /// A client certificate verified against the gateway's client CA.
    public static let mtls = Provider(kind: .mtls)
    /// The gateway itself, or a proxy the operator trusts to have authenticated the caller.
    public static let `internal` = Provider(kind: .internal)

    /// `oidc`, `mtls` or `internal`.
    public var description: String {
      switch kind {
      case .oidc: "oidc"
      case .mtls: "mtls"
      case .internal: "internal"
      }
    }
  }

  /// The stable subject: the token's `sub`, or a certificate's common name.
  public var subject: String

  /// A name to show people (`preferred_username`), when the issuer gives one.
  public var displayName: String?

  /// Roles granted by the issuer (or a certificate's OUs).
  public var roles: Set<String>

  /// OAuth scopes granted to the token; empty when the issuer gives none.
  public var scopes: Set<String>

  /// How the identity was established.
  public var provider: Provider

  /// Creates an identity.
  ///
  /// - Parameters:
  ///   - subject: The stable subject.
  ///   - displayName: A name to show people; defaults to none.
  ///   - roles: Roles granted; defaults to none.
  ///   - scopes: Scopes granted; defaults to none.
  ///   - provider: How the identity was established.
  public init(
    subject: String,
    displayName: String? = nil,
    roles: Set<String> = [],
    scopes: Set<String> = [],
    provider: Provider
  ) {
    self.subject = subject
    self.displayName = displayName
    self.roles = roles
    self.scopes = scopes
    self.provider = provider
  }
}
