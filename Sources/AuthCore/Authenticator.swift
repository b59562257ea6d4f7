public import Foundation

/// How the gateway authenticates calls, decided once at start.
public struct AuthConfiguration: Sendable {
  /// Whether the TLS listener asks for client certificates.
  public var clientCertificates: ClientCertificateRequirement

  /// Trust a fronting proxy to have authenticated every caller.
  ///
  /// - Important: With this set, a caller with no credentials at all is admitted as a sandbox
  ///   on sandbox methods and as a trusted internal user on Bearer methods. Only set it when
  ///   the gateway is reachable through that proxy alone.
  public var gatewayAuthDisabled: Bool

  /// Refuse every sandbox principal whose certificate does not name its sandbox with an
  /// `openshell://sandbox/<name>` URI SAN.
  public var requireSandboxIdentity: Bool

  /// Roles and scopes users need.
  public var policy: AuthorizationPolicy

  /// The rule for every method; defaults to ``MethodTable/openShell``.
  public var methods: MethodTable

  /// Creates a configuration.
  ///
  /// - Parameters:
  ///   - clientCertificates: Whether the listener asks for client certificates.
  ///   - gatewayAuthDisabled: Trust a fronting proxy; defaults to `false`.
  ///   - requireSandboxIdentity: Require bound sandbox certificates; defaults to `false`.
  ///   - policy: Roles and scopes; defaults to authentication-only.
  ///   - methods: The method table; defaults to the OpenShell API.
  public init(
    clientCertificates: ClientCertificateRequirement,
    gatewayAuthDisabled: Bool = false,
    requireSandboxIdentity: Bool = false,
    policy: AuthorizationPolicy = .authenticationOnly,
    methods: MethodTable = .openShell
  ) {
    self.clientCertificates = clientCertificates
    self.gatewayAuthDisabled = gatewayAuthDisabled
    self.requireSandboxIdentity = requireSandboxIdentity
    self.policy = policy
    self.methods = methods
  }
}

/// Makes the per-call auth decision from a call's headers and its channel.
///
/// It brings no transport: a server calls ``decide(_:)`` with the `:path`, the metadata and
/// what its TLS layer verified, before reading any of the body, then either refuses the call
/// with the returned status or runs it as the returned principal.
public struct Authenticator: Sendable {
  /// The configuration decisions follow.
  public let configuration: AuthConfiguration

  private let tokenVerifier: (any TokenVerifier)?
  private let now: @Sendable () -> Date

  /// Creates an authenticator.
  ///
  /// - Parameters:
  ///   - configuration: How calls are authenticated.
  ///   - tokenVerifier: Verifies Bearer tokens; `nil` when no OIDC issuer is configured.
  ///   - now: The clock that decides whether a client certificate has expired; defaults to
  ///     the system clock.
  public init(
    configuration: AuthConfiguration,
    tokenVerifier: (any TokenVerifier)?,
    now: @escaping @Sendable () -> Date = { Date() }
  ) {
    self.configuration = configuration
    self.tokenVerifier = tokenVerifier
    self.now = now
  }

  /// Decides whether to run a call and as whom.
  ///
  /// Every auth marker the caller sent is cleared first. An `authorization` field that is
  /// not exactly one well-formed Bearer is refused, never treated as absent, so a broken
  /// token cannot fall back to sandbox scope.
  ///
  /// - Parameter request: The call's path, metadata and channel.
  /// - Returns: The admission, or the refusal with its gRPC status.
  public func decide(_ request: AuthRequest) async -> AuthDecision {
    switch prepare(request) {
    case .decided(let decision):
      return decision
    case .verify(let token, var call, let verifier):
      return await admitBearer(token, &call, verifier)
    }
  }

  /// Decides at once when that needs no waiting, as ``decide(_:)`` would.
  ///
  /// Only a Bearer token that the verifier cannot vouch for without waiting (see
  /// ``TokenVerifier/identityWithoutWaiting(token:)``) leaves the decision open; every
  /// refusal, public method, certificate and remembered token is decided here.
  ///
  /// - Parameter request: The call's path, metadata and channel.
  /// - Returns: The decision, or `nil` when only ``decide(_:)`` can make it.
  public func decideWithoutWaiting(_ request: AuthRequest) -> AuthDecision? {
    switch prepare(request) {
    case .decided(let decision):
      return decision
    case .verify(let token, var call, let verifier):
      guard let identity = verifier.identityWithoutWaiting(token: token) else { return nil }
      return admitUser(identity, &call)
    }
  }

  /// Where a decision stands before any token is verified.
  private enum Preparation {
    case decided(AuthDecision)
    case verify(String, Call, any TokenVerifier)
  }

  private func prepare(_ request: AuthRequest) -> Preparation {
    let rule = configuration.methods.effectiveRule(forPath: request.path)
    var metadata = request.metadata
    metadata.clearAuthMarkers()
    // A public method ignores any credential, so its syntax is not worth checking.
    let credential =
      rule.mode == .unauthenticated ? .absent : BearerCredential.parse(metadata)
    metadata.removeAll(named: BearerCredential.headerName)

    var call = Call(request: request, rule: rule, metadata: metadata)
    switch (rule.mode, credential) {
    case (.unauthenticated, _):
      return .decided(call.admit(.anonymous))

    case (_, .malformed(let reason)):
      return .decided(call.refuse(.unauthenticated(reason), as: "user"))

    case (.sandboxOnly, .bearer):
      return .decided(
        call.refuse(
          .permissionDenied(
            "\(request.path) is called only by sandbox supervisors; it does not accept a "
              + "Bearer token"
          ),
          as: "user"
        ))

    case (.sandboxOnly, .absent), (.dualAuth, .absent):
      return .decided(admitSandbox(&call))

    case (.dualAuth, .bearer(let token)), (.bearerOnly, .bearer(let token)):
      guard let tokenVerifier else {
        if configuration.gatewayAuthDisabled {
          return .decided(admitUser(Self.proxyIdentity, &call))
        }
        return .decided(
          call.refuse(
            .unauthenticated(
              "this gateway accepts no Bearer tokens: no OIDC issuer is configured"),
            as: "user"
          ))
      }
      return .verify(token, call, tokenVerifier)

    case (.bearerOnly, .absent):
      return .decided(admitWithoutBearer(&call))
    }
  }

  // MARK: - Sandbox callers

  private func admitSandbox(_ call: inout Call) -> AuthDecision {
    let path = call.request.path
    guard let certificate = call.request.channel.clientCertificate else {
      return admitSandboxWithoutCertificate(&call)
    }
    call.subject = certificate.subject
    if let refusal = refuseIfExpired(certificate) {
      return call.refuse(refusal, as: "sandbox")
    }

    let claims = certificate.sandboxIdentityURIs
    guard claims.count <= 1 else {
      return call.refuse(
        .permissionDenied("the client certificate names more than one sandbox"),
        as: "sandbox"
      )
    }
    var boundName: String?
    if claims.isEmpty, let unit = userUnit(of: certificate) {
      // Without this, the certificate a person holds for the user methods would also pass
      // as an unbound sandbox, and read every sandbox's provider credentials.
      return call.refuse(
        .permissionDenied(
          "\(path) is called by sandbox supervisors; this client certificate belongs to a user "
            + "(OU \(unit)), not to a sandbox"
        ),
        as: "user"
      )
    }
    if let claim = claims.first {
      let name = String(claim.dropFirst(PeerCertificate.sandboxURIPrefix.count))
      guard SandboxName.isValid(name) else {
        return call.refuse(
          .permissionDenied(
            "the client certificate's sandbox identity is not a valid sandbox name"
          ),
          as: "sandbox"
        )
      }
      boundName = name
    } else if configuration.requireSandboxIdentity {
      return call.refuse(
        .permissionDenied(
          "\(path) requires a sandbox certificate bound to its sandbox (a URI SAN "
            + "\(PeerCertificate.sandboxURIPrefix)<name>); this certificate names no sandbox"
        ),
        as: "sandbox"
      )
    }

    call.metadata.markSandboxCaller()
    return call.admit(
      .sandbox(SandboxPrincipal(sandboxName: boundName, proof: .certificate(certificate)))
    )
  }

  private func admitSandboxWithoutCertificate(_ call: inout Call) -> AuthDecision {
    let path = call.request.path
    let alternative = call.rule.mode == .dualAuth ? " (or a user's Bearer token)" : ""
    guard configuration.gatewayAuthDisabled else {
      let reason =
        switch configuration.clientCertificates {
        case .none:
          "\(path) needs a sandbox client certificate\(alternative), but this gateway has no "
            + "client CA configured, so no sandbox can be trusted"
        case .optional, .required:
          "\(path) needs a sandbox client certificate verified by the gateway's client "
            + "CA\(alternative); this channel presented none"
        }
      return call.refuse(.unauthenticated(reason), as: "sandbox")
    }
    guard !configuration.requireSandboxIdentity else {
      return call.refuse(
        .unauthenticated(
          "\(path) requires a sandbox certificate bound to its sandbox; this channel presented "
            + "none"
        ),
        as: "sandbox"
      )
    }
    call.metadata.markSandboxCaller()
    return call.admit(.sandbox(SandboxPrincipal(sandboxName: nil, proof: .trustedProxy)))
  }

  // MARK: - User callers

  private func admitBearer(
    _ token: String, _ call: inout Call, _ tokenVerifier: any TokenVerifier
  ) async -> AuthDecision {
    let identity: Identity
    do {
      identity = try await tokenVerifier.verify(token: token)
    } catch let error as AuthError {
      return call.refuse(error, as: "user")
    } catch {
      return call.refuse(
        .unauthenticated("the Bearer token could not be verified", cause: "\(error)"),
        as: "user"
      )
    }
    return admitUser(identity, &call)
  }

  private func admitWithoutBearer(_ call: inout Call) -> AuthDecision {
    let path = call.request.path
    let certificate = call.request.channel.clientCertificate
    if tokenVerifier == nil, configuration.clientCertificates == .required, let certificate {
      call.subject = certificate.subject
      if let refusal = refuseIfExpired(certificate) {
        return call.refuse(refusal, as: "user")
      }
      guard certificate.sandboxIdentityURIs.isEmpty else {
        return call.refuse(
          .permissionDenied("\(path) is a user method; a sandbox certificate cannot call it"),
          as: "sandbox"
        )
      }
      guard let commonName = certificate.commonName, !commonName.isEmpty else {
        return call.refuse(
          .unauthenticated("the client certificate has no common name to identify its user"),
          as: "user"
        )
      }
      let identity = Identity(
        subject: commonName,
        roles: Set(certificate.organizationalUnits),
        provider: .mtls
      )
      return admitUser(identity, &call)
    }

    if configuration.gatewayAuthDisabled {
      return admitUser(Self.proxyIdentity, &call)
    }
    return call.refuse(.unauthenticated("\(path) requires a Bearer token"), as: "user")
  }

  private func admitUser(_ identity: Identity, _ call: inout Call) -> AuthDecision {
    call.subject = identity.subject
    do {
      try configuration.policy.authorize(identity, for: call.rule, method: call.request.path)
    } catch let error as AuthError {
      return call.refuse(error, as: "user")
    } catch {
      return call.refuse(.permissionDenied("authorization failed", cause: "\(error)"), as: "user")
    }
    return call.admit(.user(identity))
  }

  /// The OU that marks `certificate` as a person's: the policy's admin or user role, or
  /// ``PeerCertificate/userUnit``, which development user certificates carry.
  private func userUnit(of certificate: PeerCertificate) -> String? {
    let policy = configuration.policy
    let userUnits = [policy.adminRole, policy.userRole, PeerCertificate.userUnit].compactMap { $0 }
    return certificate.organizationalUnits.first { userUnits.contains($0) }
  }

  /// The identity of a caller that the operator's fronting proxy authenticated.
  private static let proxyIdentity = Identity(subject: "trusted-proxy", provider: .internal)

  /// A TLS connection outlives the certificate it was opened with; checking validity per call
  /// means an expired certificate stops working at `notAfter`, not at the next reconnect.
  private func refuseIfExpired(_ certificate: PeerCertificate) -> AuthError? {
    guard certificate.notAfter > 0 else { return nil }
    let expiry = Date(timeIntervalSince1970: TimeInterval(certificate.notAfter))
    guard now() <= expiry else {
      return .unauthenticated("the client certificate expired; reconnect with a renewed one")
    }
    return nil
  }
}

/// The working state of one decision.
private struct Call {
  let request: AuthRequest
  let rule: MethodRule
  var metadata: Metadata
  var subject: String?

  init(request: AuthRequest, rule: MethodRule, metadata: Metadata) {
    self.request = request
    self.rule = rule
    self.metadata = metadata
  }

  func admit(_ principal: Principal) -> AuthDecision {
    .allow(Admission(principal: principal, metadata: metadata, rule: rule))
  }

  func refuse(_ error: AuthError, as kind: String) -> AuthDecision {
    .deny(Refusal(error: error, method: request.path, principalKind: kind, subject: subject))
  }
}
