import AuthCore
import Testing

/// Certificates, identities and requests shared by the decision tests.
enum Fixtures {
  static let adminRole = "openshell-admin"
  static let userRole = "openshell-user"

  static func sandboxCertificate(_ name: String, notAfter: Int64 = 0) -> PeerCertificate {
    PeerCertificate(
      commonName: "sandbox-\(name)",
      organizationalUnits: ["openshell-sandbox"],
      uris: ["openshell://sandbox/\(name)"],
      sha256Fingerprint: "ab",
      notAfter: notAfter,
      subject: "CN=sandbox-\(name),OU=openshell-sandbox"
    )
  }

  /// A certificate the CA issued with no sandbox identity, as older deployments have.
  static let unboundCertificate = PeerCertificate(
    commonName: "legacy-supervisor",
    subject: "CN=legacy-supervisor"
  )

  static let userCertificate = PeerCertificate(
    commonName: "alice",
    organizationalUnits: [userRole],
    subject: "CN=alice,OU=openshell-user"
  )

  static let admin = Identity(
    subject: "admin-1",
    roles: [adminRole],
    scopes: [AuthorizationPolicy.allScope],
    provider: .oidc
  )
  static let user = Identity(
    subject: "user-1",
    displayName: "Alice",
    roles: [userRole],
    scopes: ["sandbox:read", "config:read"],
    provider: .oidc
  )
  static let nobody = Identity(subject: "nobody", provider: .oidc)

  static let verifier = FakeTokenVerifier(
    ["admin-token": admin, "user-token": user, "nobody-token": nobody],
    failures: ["unavailable-token": .unavailable("the issuer's keys are not loaded yet")]
  )

  static let rbac = try! AuthorizationPolicy(
    adminRole: adminRole,
    userRole: userRole,
    scopesEnforced: true
  )

  static func authenticator(
    certificates: ClientCertificateRequirement = .optional,
    gatewayAuthDisabled: Bool = false,
    requireSandboxIdentity: Bool = false,
    policy: AuthorizationPolicy = rbac,
    verifier: (any TokenVerifier)? = Fixtures.verifier
  ) -> Authenticator {
    Authenticator(
      configuration: AuthConfiguration(
        clientCertificates: certificates,
        gatewayAuthDisabled: gatewayAuthDisabled,
        requireSandboxIdentity: requireSandboxIdentity,
        policy: policy
      ),
      tokenVerifier: verifier
    )
  }

  static func path(_ method: String) -> String {
    "/openshell.v1.OpenShell/\(method)"
  }
}

extension AuthDecision {
  var admission: Admission? {
    if case .allow(let admission) = self { return admission }
    return nil
  }

  var refusal: Refusal? {
    if case .deny(let refusal) = self { return refusal }
    return nil
  }

  var deniedCode: StatusCode? { refusal?.error.code }
}

extension Authenticator {
  /// Decides through both entry points and expects them to agree whenever the one that
  /// does not wait answers, so every decision test also checks `decideWithoutWaiting`.
  func decide(
    _ path: String,
    _ metadata: Metadata = [:],
    channel: ChannelSecurity = .tls(clientCertificate: nil),
    sourceLocation: SourceLocation = #_sourceLocation
  ) async -> AuthDecision {
    let request = AuthRequest(path: path, metadata: metadata, channel: channel)
    let immediate = decideWithoutWaiting(request)
    let decision = await decide(request)
    if let immediate {
      #expect(
        immediate.summary == decision.summary, "the two entry points disagree",
        sourceLocation: sourceLocation)
    }
    return decision
  }
}

extension AuthDecision {
  /// Everything a decision tells the server, in a form tests can compare.
  var summary: String {
    switch self {
    case .allow(let admission):
      "allow \(admission.principal) \(admission.metadata.entries) \(admission.rule.mode)"
    case .deny(let refusal):
      "deny \(refusal.error) \(refusal.method) \(refusal.principalKind) "
        + "\(refusal.subject ?? "-")"
    }
  }
}
