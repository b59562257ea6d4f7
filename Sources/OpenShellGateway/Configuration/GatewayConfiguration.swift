public import AuthCore
public import Logging
public import OpenShellCLI

#if canImport(Glibc)
  import Glibc
#endif

/// Everything the gateway needs to start, decided once from flags and `OPENSHELL_*`
/// variables.
public struct GatewayConfiguration: Sendable {
  /// How the listener secures connections.
  public enum Transport: Hashable, Sendable {
    /// TLS with the server certificate and key; client certificates per `clientCertificates`.
    case tls(certificate: String, key: String, clientCA: String?)
    /// HTTP/2 without TLS, behind a TLS-terminating proxy.
    case plaintext
  }

  /// OIDC settings as the operator gave them.
  public struct OIDC: Hashable, Sendable {
    /// The issuer URL.
    public var issuer: String
    /// The audience tokens must carry; defaults to `openshell-cli`.
    public var audience: String
    /// How long fetched keys are trusted, in seconds; defaults to 3600.
    public var jwksTTL: Int
    /// The dot-separated path of the roles claim; defaults to `realm_access.roles`.
    public var rolesClaim: String
    /// The dot-separated path of the scopes claim; empty turns scopes off.
    public var scopesClaim: String
    /// A CA bundle for the issuer's TLS, when it is not publicly trusted.
    public var caBundle: String?
  }

  /// The address to listen on; defaults to `127.0.0.1`.
  public var bindAddress: String
  /// The port; 0 lets the system pick one. Defaults to 8080.
  public var port: Int
  /// The lowest level logged; defaults to `info`.
  public var logLevel: Logger.Level
  /// TLS or plaintext.
  public var transport: Transport
  /// OIDC for users, when configured.
  public var oidc: OIDC?
  /// How calls are authenticated, derived from the TLS and OIDC settings.
  public var auth: AuthConfiguration
  /// Where the embedded database lives.
  public var stateDirectory: String

  /// One line that says how the gateway authenticates, logged at start.
  public var modeDescription: String {
    var parts: [String] = []
    switch (transport, auth.clientCertificates) {
    case (.plaintext, _):
      parts.append("plaintext HTTP/2 behind a TLS-terminating proxy")
    case (.tls, .required):
      parts.append("TLS with client certificates required (users and sandboxes by certificate)")
    case (.tls, .optional):
      parts.append(
        "TLS with client certificates optional (users by Bearer token, sandboxes by certificate)"
      )
    case (.tls, .none):
      parts.append(
        "TLS without a client CA (users by Bearer token; sandbox methods are refused because no "
          + "sandbox can be trusted)"
      )
    }
    if auth.gatewayAuthDisabled { parts.append("gateway auth disabled: trusting the proxy") }
    if auth.requireSandboxIdentity { parts.append("sandbox identity required") }
    if let oidc { parts.append("OIDC issuer \(oidc.issuer)") }
    return parts.joined(separator: "; ")
  }
}

extension GatewayConfiguration {
  /// The options `openshell-gateway run` accepts.
  public static let options: [OptionSpec] = [
    OptionSpec(
      "bind-address", environment: "OPENSHELL_BIND_ADDRESS", kind: .value(placeholder: "ADDRESS"),
      help: "The IP address to listen on.", default: "127.0.0.1"
    ),
    OptionSpec(
      "port", environment: "OPENSHELL_PORT", kind: .value(placeholder: "PORT"),
      help: "The TCP port to listen on; 0 lets the system pick one. Once the gateway accepts "
        + "connections it prints 'listening on HOST:PORT' on standard output.",
      default: "8080"
    ),
    OptionSpec(
      "log-level", environment: "OPENSHELL_LOG_LEVEL", kind: .value(placeholder: "LEVEL"),
      help: "trace, debug, info, notice, warning, error or critical.", default: "info"
    ),
    OptionSpec(
      "tls-cert", environment: "OPENSHELL_TLS_CERT", kind: .value(placeholder: "FILE"),
      help: "The server certificate chain (PEM)."
    ),
    OptionSpec(
      "tls-key", environment: "OPENSHELL_TLS_KEY", kind: .value(placeholder: "FILE"),
      help: "The server's private key (PEM); it must not be readable by group or others."
    ),
    OptionSpec(
      "tls-client-ca", environment: "OPENSHELL_TLS_CLIENT_CA", kind: .value(placeholder: "FILE"),
      help: "The CA that issues sandbox (and, without OIDC, user) client certificates. Without "
        + "OIDC client certificates are required; with OIDC they are optional."
    ),
    OptionSpec(
      "disable-tls", environment: "OPENSHELL_DISABLE_TLS", kind: .flag,
      help: "Serve HTTP/2 without TLS, for a deployment behind a TLS-terminating proxy."
    ),
    OptionSpec(
      "disable-gateway-auth", environment: "OPENSHELL_DISABLE_GATEWAY_AUTH", kind: .flag,
      help: "Trust the fronting proxy to have authenticated every caller. Only safe when the "
        + "gateway is reachable through that proxy alone; see docs/gateway-auth.md."
    ),
    OptionSpec(
      "require-sandbox-identity", environment: "OPENSHELL_REQUIRE_SANDBOX_IDENTITY", kind: .flag,
      help: "Refuse sandbox certificates without an openshell://sandbox/NAME URI SAN."
    ),
    OptionSpec(
      "oidc-issuer", environment: "OPENSHELL_OIDC_ISSUER", kind: .value(placeholder: "URL"),
      help: "The OIDC issuer whose access tokens users send as Bearer tokens. https://, or "
        + "http:// for an issuer on a loopback address."
    ),
    OptionSpec(
      "oidc-audience", environment: "OPENSHELL_OIDC_AUDIENCE", kind: .value(placeholder: "AUD"),
      help: "The audience tokens must carry.", default: "openshell-cli"
    ),
    OptionSpec(
      "oidc-jwks-ttl", environment: "OPENSHELL_OIDC_JWKS_TTL", kind: .value(placeholder: "SECS"),
      help: "How long the issuer's keys are cached, in seconds.", default: "3600"
    ),
    OptionSpec(
      "oidc-roles-claim", environment: "OPENSHELL_OIDC_ROLES_CLAIM",
      kind: .value(placeholder: "PATH"),
      help: "The dot-separated claim holding roles: 'roles' for Entra ID, 'groups' for Okta.",
      default: "realm_access.roles"
    ),
    OptionSpec(
      "oidc-admin-role", environment: "OPENSHELL_OIDC_ADMIN_ROLE",
      kind: .value(placeholder: "ROLE"),
      help: "The role admin methods need. Set both roles empty for authentication only; one "
        + "without the other is an error.",
      default: "openshell-admin"
    ),
    OptionSpec(
      "oidc-user-role", environment: "OPENSHELL_OIDC_USER_ROLE", kind: .value(placeholder: "ROLE"),
      help: "The role every other user method needs.", default: "openshell-user"
    ),
    OptionSpec(
      "oidc-scopes-claim", environment: "OPENSHELL_OIDC_SCOPES_CLAIM",
      kind: .value(placeholder: "PATH"),
      help: "The claim holding scopes ('scope' or 'scp'); empty leaves scopes unchecked."
    ),
    OptionSpec(
      "oidc-ca-bundle", environment: "OPENSHELL_OIDC_CA_BUNDLE", kind: .value(placeholder: "FILE"),
      help: "CA certificates to trust for the issuer's TLS, instead of the system's."
    ),
    OptionSpec(
      "state-dir", environment: "OPENSHELL_STATE_DIR", kind: .value(placeholder: "DIR"),
      help:
        "Where the embedded database lives; created when absent. One gateway per directory: "
        + "it is locked while the gateway runs.",
      default: "./openshell-state"
    ),
  ]

  /// Builds the configuration from parsed options.
  ///
  /// - Parameter options: What the command line and environment said.
  /// - Throws: ``CommandLineError`` saying what to fix.
  public init(_ options: ParsedOptions) throws(CommandLineError) {
    bindAddress = options.value("bind-address") ?? "127.0.0.1"
    guard isIPAddress(bindAddress) else {
      throw Self.invalid("--bind-address '\(bindAddress)' is not an IPv4 or IPv6 address")
    }
    let portText = options.value("port") ?? "8080"
    guard let port = Int(portText), (0...65_535).contains(port) else {
      throw Self.invalid("--port '\(portText)' is not a port number from 0 to 65535")
    }
    self.port = port
    logLevel = try options.logLevel()
    stateDirectory = options.value("state-dir") ?? "./openshell-state"

    let certificate = options.nonEmptyValue("tls-cert")
    let key = options.nonEmptyValue("tls-key")
    let clientCA = options.nonEmptyValue("tls-client-ca")
    if options.isSet("disable-tls") {
      guard certificate == nil, key == nil, clientCA == nil else {
        throw Self.conflict(
          "--disable-tls cannot be combined with --tls-cert, --tls-key or --tls-client-ca; "
            + "drop one or the other"
        )
      }
      transport = .plaintext
    } else {
      guard let certificate, let key else {
        throw Self.conflict(
          "TLS needs both --tls-cert and --tls-key (make a development set with "
            + "'openshell-gateway generate-certs'), or --disable-tls behind a TLS-terminating proxy"
        )
      }
      var files = [("--tls-cert", certificate), ("--tls-key", key)]
      if let clientCA { files.append(("--tls-client-ca", clientCA)) }
      for (flag, path) in files {
        try requireReadableFile(path, option: flag)
      }
      transport = .tls(certificate: certificate, key: key, clientCA: clientCA)
    }

    oidc = try Self.oidc(options)

    let adminRole = options.value("oidc-admin-role") ?? "openshell-admin"
    let userRole = options.value("oidc-user-role") ?? "openshell-user"
    let policy: AuthorizationPolicy
    do {
      policy = try AuthorizationPolicy(
        adminRole: adminRole,
        userRole: userRole,
        scopesEnforced: !(oidc?.scopesClaim.isEmpty ?? true)
      )
    } catch {
      let reason = (error as? AuthError)?.message ?? "\(error)"
      throw Self.conflict("--oidc-admin-role and --oidc-user-role: \(reason)")
    }

    let clientCertificates: ClientCertificateRequirement =
      switch (transport, oidc) {
      case (.tls(_, _, clientCA: .some), .none): .required
      case (.tls(_, _, clientCA: .some), .some): .optional
      default: .none
      }
    let gatewayAuthDisabled = options.isSet("disable-gateway-auth")
    if clientCertificates == .none, oidc == nil, !gatewayAuthDisabled {
      throw Self.conflict(
        "nobody could be authenticated: set --tls-client-ca (sandboxes and users by "
          + "certificate), --oidc-issuer (users by token), or both; or --disable-gateway-auth "
          + "when a fronting proxy authenticates callers"
      )
    }
    auth = AuthConfiguration(
      clientCertificates: clientCertificates,
      gatewayAuthDisabled: gatewayAuthDisabled,
      requireSandboxIdentity: options.isSet("require-sandbox-identity"),
      policy: policy
    )
  }

  private static func oidc(_ options: ParsedOptions) throws(CommandLineError) -> OIDC? {
    let dependent = [
      "oidc-audience", "oidc-jwks-ttl", "oidc-roles-claim", "oidc-scopes-claim", "oidc-ca-bundle",
    ]
    guard let issuer = options.value("oidc-issuer"), !issuer.isEmpty else {
      if let stray = dependent.first(where: { options.value($0) != nil }) {
        throw conflict("--\(stray) has no effect without --oidc-issuer; set both or neither")
      }
      return nil
    }
    try validateIssuer(issuer)
    let ttlText = options.value("oidc-jwks-ttl") ?? "3600"
    guard let ttl = Int(ttlText), ttl > 0 else {
      throw invalid("--oidc-jwks-ttl '\(ttlText)' is not a positive number of seconds")
    }
    let audience = options.value("oidc-audience") ?? "openshell-cli"
    guard !audience.isEmpty else { throw invalid("--oidc-audience cannot be empty") }
    let caBundle = options.nonEmptyValue("oidc-ca-bundle")
    if let caBundle { try requireReadableFile(caBundle, option: "--oidc-ca-bundle") }
    return OIDC(
      issuer: issuer,
      audience: audience,
      jwksTTL: ttl,
      rolesClaim: options.value("oidc-roles-claim") ?? "realm_access.roles",
      scopesClaim: options.value("oidc-scopes-claim") ?? "",
      caBundle: caBundle
    )
  }

  /// An issuer is `https://host[:port][/path]`, or `http://` on a loopback address; no
  /// query, fragment or credentials.
  static func validateIssuer(_ issuer: String) throws(CommandLineError) {
    let fix = "--oidc-issuer '\(issuer)' is not a usable issuer URL"
    let scheme: String
    if issuer.hasPrefix("https://") {
      scheme = "https"
    } else if issuer.hasPrefix("http://") {
      scheme = "http"
    } else {
      throw invalid("\(fix): it must start with https://")
    }
    let rest = issuer.dropFirst(scheme.count + 3)
    let authority = rest.prefix { $0 != "/" }
    guard !authority.isEmpty, !rest.contains(where: { "?#@ \t\n\\".contains($0) }) else {
      throw invalid("\(fix): it needs a host, and no query, fragment, spaces or credentials")
    }
    if scheme == "http" {
      let host: Substring
      if authority.hasPrefix("[") {
        host = authority.dropFirst().prefix { $0 != "]" }
      } else {
        host = authority.prefix { $0 != ":" }
      }
      guard host == "localhost" || host == "::1" || host.hasPrefix("127.") else {
        throw invalid("\(fix): http:// is allowed only for an issuer on a loopback address")
      }
    }
  }

  private static func invalid(_ message: String) -> CommandLineError {
    CommandLineError(code: .invalidValue, message: message)
  }

  private static func conflict(_ message: String) -> CommandLineError {
    CommandLineError(code: .invalidConfiguration, message: message)
  }
}
