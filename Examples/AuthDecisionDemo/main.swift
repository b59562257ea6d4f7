// A service with its own request type that uses AuthCore for every call, with no gRPC and no
// TLS library: the caller's transport has already verified the client certificate and hands
// over what it found. It runs a fixed set of calls and prints each decision.

import AuthCore

/// This service's own notion of an incoming call.
struct IncomingCall {
  var route: String
  var headers: [(String, String)]
  var verifiedCertificate: PeerCertificate?
  var overTLS = true

  var authRequest: AuthRequest {
    AuthRequest(
      path: route,
      metadata: Metadata(headers.map { Metadata.Entry(name: $0.0, value: $0.1) }),
      channel: overTLS ? .tls(clientCertificate: verifiedCertificate) : .plaintext
    )
  }
}

/// Certificates as a transport would describe them after the handshake.
let sandboxA = PeerCertificate(
  commonName: "sandbox-a",
  uris: ["openshell://sandbox/a"],
  subject: "CN=sandbox-a"
)
let alice = PeerCertificate(
  commonName: "alice",
  organizationalUnits: ["openshell-user"],
  subject: "CN=alice,OU=openshell-user"
)

// Client certificates required and no OIDC issuer: users are identified by their
// certificates (CN as subject, OUs as roles), sandboxes by their sandbox identity.
let policy = try AuthorizationPolicy(adminRole: "openshell-admin", userRole: "openshell-user")
let authenticator = Authenticator(
  configuration: AuthConfiguration(
    clientCertificates: .required,
    requireSandboxIdentity: true,
    policy: policy
  ),
  tokenVerifier: nil
)

let calls: [(String, IncomingCall)] = [
  (
    "health probe over plaintext",
    IncomingCall(route: "/openshell.v1.OpenShell/Health", headers: [], overTLS: false)
  ),
  (
    "sandbox a reports its policy status",
    IncomingCall(
      route: "/openshell.v1.OpenShell/ReportPolicyStatus",
      headers: [("X-OpenShell-Auth-Source", "sandbox")],
      verifiedCertificate: sandboxA
    )
  ),
  (
    "sandbox a tries a user method",
    IncomingCall(
      route: "/openshell.v1.OpenShell/ListSandboxes", headers: [], verifiedCertificate: sandboxA)
  ),
  (
    "alice lists sandboxes",
    IncomingCall(
      route: "/openshell.v1.OpenShell/ListSandboxes", headers: [], verifiedCertificate: alice)
  ),
  (
    "alice tries an admin method",
    IncomingCall(
      route: "/openshell.v1.OpenShell/CreateProvider", headers: [], verifiedCertificate: alice)
  ),
  (
    "a caller without a certificate spoofs the sandbox marker",
    IncomingCall(
      route: "/openshell.v1.OpenShell/PushSandboxLogs",
      headers: [("x-openshell-auth-source", "sandbox")]
    )
  ),
  (
    "a Basic credential on a dual-auth method",
    IncomingCall(
      route: "/openshell.v1.OpenShell/GetSandboxConfig",
      headers: [("authorization", "Basic YWxpY2U6c2VjcmV0")],
      verifiedCertificate: sandboxA
    )
  ),
  (
    "an unknown method",
    IncomingCall(route: "/openshell.v1.OpenShell/Shutdown", headers: [], verifiedCertificate: alice)
  ),
]

for (title, call) in calls {
  switch await authenticator.decide(call.authRequest) {
  case .allow(let admission):
    let marker = admission.metadata.isSandboxCaller ? " [marked sandbox]" : ""
    print("ALLOW \(title): \(describe(admission.principal))\(marker)")
  case .deny(let refusal):
    print("DENY  \(title): \(refusal.error.code) \(refusal.error.message)")
  }
}

// A sandbox caller's UpdateConfig is narrowed to syncing its own policy.
let principal = SandboxPrincipal(sandboxName: "a", proof: .certificate(sandboxA))
do {
  try validateSandboxCallerUpdate(
    SandboxConfigUpdate(name: "a", hasPolicy: true, global: true),
    principal: principal
  )
} catch let error as AuthError {
  print("DENY  sandbox a updates global config: \(error.code) \(error.message)")
}

func describe(_ principal: Principal) -> String {
  switch principal {
  case .anonymous: "anonymous"
  case .sandbox(let sandbox): "sandbox '\(sandbox.sandboxName ?? "(unbound)")'"
  case .user(let identity):
    "user '\(identity.subject)' via \(identity.provider), roles \(identity.roles.sorted())"
  }
}
