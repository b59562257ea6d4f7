import AuthCore
import Foundation
import Testing

private let health = Fixtures.path("Health")
private let reportStatus = Fixtures.path("ReportPolicyStatus")
private let getConfig = Fixtures.path("GetSandboxConfig")
private let updateConfig = Fixtures.path("UpdateConfig")
private let listSandboxes = Fixtures.path("ListSandboxes")
private let createSandbox = Fixtures.path("CreateSandbox")
private let createProvider = Fixtures.path("CreateProvider")
private let boundChannel = ChannelSecurity.tls(clientCertificate: Fixtures.sandboxCertificate("a"))

@Suite("Auth decision: markers and credentials")
struct DecisionCredentialTests {
  let auth = Fixtures.authenticator()

  @Test("an unauthenticated method admits anyone, with spoofed markers removed")
  func healthIsOpen() async throws {
    let decision = await auth.decide(
      health,
      ["X-OpenShell-Auth-Source": "sandbox"],
      channel: .plaintext
    )
    let admission = try #require(decision.admission)
    #expect(admission.principal == .anonymous)
    #expect(admission.metadata.entries.isEmpty)

    // Whatever credential comes along is ignored, malformed or not, and not passed on.
    for credential: Metadata in [
      ["authorization": "Basic eA=="], ["authorization": "Bearer a", "Authorization": "Bearer b"],
    ] {
      let admitted = try #require(await auth.decide(health, credential).admission)
      #expect(admitted.principal == .anonymous)
      #expect(admitted.metadata.entries.isEmpty)
    }
  }

  @Test("spoofed markers in any case and number never survive a user call")
  func spoofedMarkersOnUserCall() async throws {
    let decision = await auth.decide(
      listSandboxes,
      [
        "x-openshell-auth-source": "sandbox",
        "authorization": "Bearer user-token",
        "X-OPENSHELL-AUTH-SOURCE": "sandbox",
        "X-OpenShell-Auth-Source": "sandbox",
      ]
    )
    let admission = try #require(decision.admission)
    #expect(admission.principal == .user(Fixtures.user))
    #expect(!admission.metadata.isSandboxCaller)
    #expect(admission.metadata.values(forName: AuthMarker.key).isEmpty)
    #expect(admission.metadata.values(forName: "authorization").isEmpty)
  }

  @Test("a spoofed marker does not make a caller without a certificate a sandbox")
  func spoofedMarkerWithoutCertificate() async {
    let decision = await auth.decide(reportStatus, ["x-openshell-auth-source": "sandbox"])
    #expect(decision.deniedCode == .unauthenticated)
  }

  @Test("a sandbox caller leaves with exactly one marker, whatever it sent")
  func sandboxGetsOneMarker() async throws {
    let decision = await auth.decide(
      reportStatus,
      ["x-openshell-auth-source": "sandbox", "X-Openshell-Auth-Source": "user"],
      channel: boundChannel
    )
    let admission = try #require(decision.admission)
    #expect(admission.metadata.values(forName: AuthMarker.key) == ["sandbox"])
    #expect(admission.metadata.isSandboxCaller)
  }

  @Test(
    "the Bearer scheme matches in any letter case",
    arguments: [
      "Bearer user-token", "bearer user-token", "BEARER user-token", "bEaReR  user-token",
    ]
  )
  func schemeCase(header: String) async throws {
    let decision = await auth.decide(listSandboxes, ["authorization": header])
    #expect(try #require(decision.admission).principal == .user(Fixtures.user))
  }

  @Test(
    "an authorization header that is not one well-formed Bearer is refused, never ignored",
    arguments: [
      "Basic dXNlcjpwYXNz", "", "Bearer", "Bearer ", "Bearer    ", "Bearertoken",
      "Bearer user-token extra", "Bearer\tuser-token", "Token user-token", " Bearer user-token",
      "Bearer user-token\u{0}", "Bearer ===",
    ]
  )
  func malformedHeaders(header: String) async throws {
    for path in [getConfig, updateConfig, listSandboxes, reportStatus] {
      let decision = await auth.decide(path, ["authorization": header], channel: boundChannel)
      let refusal = try #require(decision.refusal, "\(path) admitted '\(header)'")
      #expect(refusal.error.code == .unauthenticated)
    }
  }

  @Test(
    "a Bearer scheme with no token says the token is missing",
    arguments: ["Bearer", "bearer ", "BEARER    "]
  )
  func missingToken(header: String) async throws {
    let decision = await auth.decide(listSandboxes, ["authorization": header])
    let refusal = try #require(decision.refusal)
    #expect(refusal.error.code == .unauthenticated)
    #expect(refusal.error.message.contains("the Bearer token is missing"))
  }

  @Test("two authorization headers are refused even when both are valid")
  func doubledHeader() async throws {
    let verifier = FakeTokenVerifier(["user-token": Fixtures.user])
    let auth = Fixtures.authenticator(verifier: verifier)
    let decision = await auth.decide(
      getConfig,
      ["authorization": "Bearer user-token", "Authorization": "Bearer user-token"],
      channel: boundChannel
    )
    let refusal = try #require(decision.refusal)
    #expect(refusal.error.code == .unauthenticated)
    #expect(refusal.error.message.contains("exactly one authorization header"))
    #expect(verifier.verifyCount == 0)
  }
}

@Suite("Auth decision: sandbox callers")
struct DecisionSandboxTests {
  let auth = Fixtures.authenticator()

  @Test(
    "a bound certificate admits a sandbox on every sandbox-only method, legacy path included",
    arguments: [
      reportStatus, Fixtures.path("PushSandboxLogs"),
      Fixtures.path("GetSandboxProviderEnvironment"), Fixtures.path("SubmitPolicyAnalysis"),
      Fixtures.path("ConnectSupervisor"), Fixtures.path("RelayStream"),
      "/openshell.inference.v1.Inference/GetInferenceBundle",
      "/openshell.sandbox.v1.SandboxService/GetSandboxConfig",
    ]
  )
  func boundSandbox(path: String) async throws {
    let decision = await auth.decide(path, channel: boundChannel)
    let admission = try #require(decision.admission)
    let certificate = Fixtures.sandboxCertificate("a")
    #expect(
      admission.principal
        == .sandbox(SandboxPrincipal(sandboxName: "a", proof: .certificate(certificate)))
    )
  }

  @Test("a Bearer on a sandbox-only method is PERMISSION_DENIED")
  func bearerOnSandboxMethod() async throws {
    let decision = await auth.decide(
      reportStatus,
      ["authorization": "Bearer admin-token"],
      channel: boundChannel
    )
    #expect(decision.deniedCode == .permissionDenied)
  }

  @Test(
    "without a verified certificate a sandbox method is UNAUTHENTICATED",
    arguments: [ChannelSecurity.plaintext, .tls(clientCertificate: nil)]
  )
  func noCertificate(channel: ChannelSecurity) async throws {
    let refusal = try #require(await auth.decide(reportStatus, channel: channel).refusal)
    #expect(refusal.error.code == .unauthenticated)
    #expect(refusal.principalKind == "sandbox")
  }

  @Test("with no client CA the refusal says that no sandbox can be trusted")
  func noClientCA() async throws {
    let auth = Fixtures.authenticator(certificates: .none)
    let refusal = try #require(await auth.decide(reportStatus).refusal)
    #expect(refusal.error.code == .unauthenticated)
    #expect(refusal.error.message.contains("no client CA configured"))
  }

  @Test("an unbound certificate is an unbound sandbox unless identity is required")
  func unboundCertificate() async throws {
    let channel = ChannelSecurity.tls(clientCertificate: Fixtures.unboundCertificate)
    let admission = try #require(await auth.decide(reportStatus, channel: channel).admission)
    guard case .sandbox(let principal) = admission.principal else {
      Issue.record("expected a sandbox principal, got \(admission.principal)")
      return
    }
    #expect(principal.sandboxName == nil)

    let strict = Fixtures.authenticator(requireSandboxIdentity: true)
    let refusal = try #require(await strict.decide(reportStatus, channel: channel).refusal)
    #expect(refusal.error.code == .permissionDenied)
    #expect(refusal.subject == "CN=legacy-supervisor")
  }

  @Test(
    "a certificate whose sandbox identity is ambiguous or malformed is refused",
    arguments: [
      ["openshell://sandbox/a", "openshell://sandbox/b"],
      ["openshell://sandbox/"],
      ["openshell://sandbox/a/b"],
      ["openshell://sandbox/%61"],
      ["openshell://sandbox/a?b"],
      ["openshell://sandbox/.."],
    ]
  )
  func badSandboxIdentity(uris: [String]) async throws {
    let certificate = PeerCertificate(commonName: "x", uris: uris, subject: "CN=x")
    let decision = await auth.decide(reportStatus, channel: .tls(clientCertificate: certificate))
    #expect(decision.deniedCode == .permissionDenied)
  }

  @Test("a certificate past its notAfter stops working on the next call")
  func expiredCertificate() async throws {
    let expiry: Int64 = 1_800_000_000
    let clock = { @Sendable in Date(timeIntervalSince1970: 1_800_000_001) }
    let auth = Authenticator(
      configuration: AuthConfiguration(clientCertificates: .required),
      tokenVerifier: nil,
      now: clock
    )
    let channel = ChannelSecurity.tls(
      clientCertificate: Fixtures.sandboxCertificate("a", notAfter: expiry)
    )
    let refusal = try #require(await auth.decide(reportStatus, channel: channel).refusal)
    #expect(refusal.error.code == .unauthenticated)
    #expect(refusal.error.message.contains("expired"))

    let before = Authenticator(
      configuration: AuthConfiguration(clientCertificates: .required),
      tokenVerifier: nil,
      now: { Date(timeIntervalSince1970: TimeInterval(expiry)) }
    )
    #expect(await before.decide(reportStatus, channel: channel).admission != nil)
  }

  @Test("with gateway auth disabled the fronting proxy vouches for sandbox callers")
  func trustedProxy() async throws {
    let auth = Fixtures.authenticator(certificates: .none, gatewayAuthDisabled: true)
    let admission = try #require(await auth.decide(reportStatus, channel: .plaintext).admission)
    #expect(
      admission.principal == .sandbox(SandboxPrincipal(sandboxName: nil, proof: .trustedProxy)))
    #expect(admission.metadata.isSandboxCaller)

    let strict = Fixtures.authenticator(
      certificates: .none,
      gatewayAuthDisabled: true,
      requireSandboxIdentity: true
    )
    #expect(await strict.decide(reportStatus, channel: .plaintext).deniedCode == .unauthenticated)
  }
}

@Suite("Auth decision: dual-auth methods")
struct DecisionDualAuthTests {
  let auth = Fixtures.authenticator()

  @Test("a Bearer makes the caller a user with full user scope")
  func bearerIsUser() async throws {
    let decision = await auth.decide(
      getConfig,
      ["authorization": "Bearer user-token"],
      channel: boundChannel
    )
    let admission = try #require(decision.admission)
    #expect(admission.principal == .user(Fixtures.user))
    #expect(!admission.metadata.isSandboxCaller)
  }

  @Test("a bad token is UNAUTHENTICATED and never falls back to the sandbox certificate")
  func badTokenNoFallback() async throws {
    let decision = await auth.decide(
      getConfig,
      ["authorization": "Bearer forged-token"],
      channel: boundChannel
    )
    #expect(decision.deniedCode == .unauthenticated)
  }

  @Test("no Bearer means the sandbox rule and the marker")
  func noBearerIsSandbox() async throws {
    let admission = try #require(await auth.decide(updateConfig, channel: boundChannel).admission)
    #expect(admission.metadata.isSandboxCaller)
    guard case .sandbox(let principal) = admission.principal else {
      Issue.record("expected a sandbox principal")
      return
    }
    #expect(principal.sandboxName == "a")
  }

  @Test("no Bearer and no certificate is UNAUTHENTICATED, naming both ways in")
  func neither() async throws {
    let refusal = try #require(await auth.decide(getConfig).refusal)
    #expect(refusal.error.code == .unauthenticated)
    #expect(refusal.error.message.contains("Bearer"))
  }

  @Test("UpdateConfig needs the admin role on the Bearer path")
  func updateConfigNeedsAdmin() async throws {
    let asUser = await auth.decide(updateConfig, ["authorization": "Bearer user-token"])
    #expect(asUser.deniedCode == .permissionDenied)
    #expect(asUser.refusal?.subject == "user-1")
    let asAdmin = await auth.decide(updateConfig, ["authorization": "Bearer admin-token"])
    #expect(try #require(asAdmin.admission).principal == .user(Fixtures.admin))
  }
}

@Suite("Auth decision: Bearer-only methods")
struct DecisionBearerTests {
  let auth = Fixtures.authenticator()

  @Test("no Bearer is UNAUTHENTICATED, even with a sandbox certificate")
  func missingBearer() async {
    #expect(await auth.decide(listSandboxes).deniedCode == .unauthenticated)
    #expect(await auth.decide(listSandboxes, channel: boundChannel).deniedCode == .unauthenticated)
  }

  @Test("the verifier's verdict decides: invalid is UNAUTHENTICATED, keys not loaded UNAVAILABLE")
  func verifierErrors() async {
    let invalid = await auth.decide(listSandboxes, ["authorization": "Bearer forged"])
    #expect(invalid.deniedCode == .unauthenticated)
    let unavailable = await auth.decide(
      listSandboxes, ["authorization": "Bearer unavailable-token"])
    #expect(unavailable.deniedCode == .unavailable)
  }

  @Test("roles and scopes are enforced on the Bearer path")
  func rolesAndScopes() async {
    let read = await auth.decide(listSandboxes, ["authorization": "Bearer user-token"])
    #expect(read.admission != nil)
    let write = await auth.decide(createSandbox, ["authorization": "Bearer user-token"])
    #expect(write.refusal?.error.message == "\(createSandbox) requires the scope 'sandbox:write'")
    let noRole = await auth.decide(listSandboxes, ["authorization": "Bearer nobody-token"])
    #expect(noRole.deniedCode == .permissionDenied)
    let adminMethod = await auth.decide(createProvider, ["authorization": "Bearer user-token"])
    #expect(adminMethod.deniedCode == .permissionDenied)
    let admin = await auth.decide(createProvider, ["authorization": "Bearer admin-token"])
    #expect(admin.admission != nil)
  }

  @Test("an unknown method is reachable only by an admin token with every scope")
  func unknownMethod() async {
    let path = Fixtures.path("NotAMethod")
    #expect(await auth.decide(path).deniedCode == .unauthenticated)
    #expect(await auth.decide(path, channel: boundChannel).deniedCode == .unauthenticated)
    #expect(
      await auth.decide(path, ["authorization": "Bearer user-token"]).deniedCode
        == .permissionDenied
    )
    #expect(await auth.decide(path, ["authorization": "Bearer admin-token"]).admission != nil)
  }

  @Test("a Bearer is refused when no OIDC issuer is configured")
  func noVerifier() async {
    let auth = Fixtures.authenticator(verifier: nil)
    let decision = await auth.decide(listSandboxes, ["authorization": "Bearer user-token"])
    #expect(decision.deniedCode == .unauthenticated)
    #expect(decision.refusal?.error.message.contains("no OIDC issuer") == true)
  }

  @Test("with required certificates and no OIDC a user certificate is the user")
  func certificateUser() async throws {
    let roles = try AuthorizationPolicy(adminRole: "openshell-admin", userRole: "openshell-user")
    let auth = Fixtures.authenticator(certificates: .required, policy: roles, verifier: nil)
    let channel = ChannelSecurity.tls(clientCertificate: Fixtures.userCertificate)
    let admission = try #require(await auth.decide(listSandboxes, channel: channel).admission)
    let expected = Identity(subject: "alice", roles: ["openshell-user"], provider: .mtls)
    #expect(admission.principal == .user(expected))
    #expect(await auth.decide(createProvider, channel: channel).deniedCode == .permissionDenied)

    // Certificates carry OUs as roles but no scopes, so a scope-enforcing policy refuses them;
    // the gateway enforces scopes only when an OIDC scopes claim is configured.
    let scoped = Fixtures.authenticator(certificates: .required, verifier: nil)
    #expect(await scoped.decide(listSandboxes, channel: channel).deniedCode == .permissionDenied)
  }

  @Test(
    "a user's certificate is never an unbound sandbox, on sandbox and dual-auth methods alike",
    arguments: [
      reportStatus, getConfig, updateConfig, Fixtures.path("GetSandboxProviderEnvironment"),
    ]
  )
  func userCertificateIsNoSandbox(path: String) async throws {
    let channel = ChannelSecurity.tls(clientCertificate: Fixtures.userCertificate)
    for certificates in [ClientCertificateRequirement.optional, .required] {
      for verifier in [Fixtures.verifier, nil] {
        let auth = Fixtures.authenticator(certificates: certificates, verifier: verifier)
        let refusal = try #require(await auth.decide(path, channel: channel).refusal)
        #expect(refusal.error.code == .permissionDenied)
        #expect(refusal.error.message.contains("belongs to a user (OU openshell-user)"))
        #expect(refusal.principalKind == "user")
      }
    }
    // The policy's own role names mark a person too, whatever they are called.
    let custom = try AuthorizationPolicy(adminRole: "ops", userRole: "dev")
    let operatorCertificate = PeerCertificate(
      commonName: "bob", organizationalUnits: ["ops"], subject: "CN=bob,OU=ops")
    let auth = Fixtures.authenticator(policy: custom)
    let decision = await auth.decide(
      path, channel: .tls(clientCertificate: operatorCertificate))
    #expect(decision.deniedCode == .permissionDenied)
    // A sandbox certificate that names its sandbox is a sandbox whatever else it carries.
    let bound = PeerCertificate(
      commonName: "a", organizationalUnits: ["openshell-user"],
      uris: ["openshell://sandbox/a"], subject: "CN=a")
    #expect(await auth.decide(path, channel: .tls(clientCertificate: bound)).admission != nil)
  }

  @Test("a sandbox certificate is never a user, and optional certificates make no users")
  func certificateUserLimits() async {
    let required = Fixtures.authenticator(certificates: .required, verifier: nil)
    #expect(
      await required.decide(listSandboxes, channel: boundChannel).deniedCode == .permissionDenied)
    let optional = Fixtures.authenticator(certificates: .optional, verifier: nil)
    let channel = ChannelSecurity.tls(clientCertificate: Fixtures.userCertificate)
    #expect(await optional.decide(listSandboxes, channel: channel).deniedCode == .unauthenticated)
  }

  @Test("with gateway auth disabled a caller without credentials is the trusted proxy's user")
  func proxyUser() async throws {
    let auth = Fixtures.authenticator(certificates: .none, gatewayAuthDisabled: true, verifier: nil)
    let admission = try #require(await auth.decide(createProvider, channel: .plaintext).admission)
    guard case .user(let identity) = admission.principal else {
      Issue.record("expected a user principal")
      return
    }
    #expect(identity.provider == .internal)
  }
}

@Suite("Auth decision without waiting")
struct ImmediateDecisionTests {
  @Test("everything but an unverified Bearer is decided at once")
  func decidedAtOnce() {
    let auth = Fixtures.authenticator(verifier: FakeTokenVerifier([:]))
    let requests = [
      AuthRequest(path: health, metadata: [:], channel: .plaintext),
      AuthRequest(path: reportStatus, metadata: [:], channel: boundChannel),
      AuthRequest(path: listSandboxes, metadata: [:], channel: boundChannel),
      AuthRequest(path: reportStatus, metadata: ["authorization": "Bearer x"], channel: .plaintext),
      AuthRequest(path: listSandboxes, metadata: ["authorization": "Basic x"], channel: .plaintext),
      AuthRequest(path: "/nope", metadata: [:], channel: .plaintext),
    ]
    for request in requests {
      #expect(auth.decideWithoutWaiting(request) != nil, "\(request.path)")
    }
    let bearer = AuthRequest(
      path: listSandboxes, metadata: ["authorization": "Bearer x"], channel: .plaintext)
    #expect(auth.decideWithoutWaiting(bearer) == nil)
  }

  @Test("a token the verifier remembers is decided at once, roles and scopes included")
  func rememberedToken() async throws {
    let verifier = FakeTokenVerifier(["user-token": Fixtures.user])
    let auth = Fixtures.authenticator(verifier: verifier)
    let read = AuthRequest(
      path: listSandboxes, metadata: ["authorization": "Bearer user-token"], channel: .plaintext)
    let write = AuthRequest(
      path: createSandbox, metadata: ["authorization": "Bearer user-token"], channel: .plaintext)
    #expect(auth.decideWithoutWaiting(read) == nil)
    _ = await auth.decide(read)
    #expect(verifier.verifyCount == 1)

    let admission = try #require(auth.decideWithoutWaiting(read)?.admission)
    #expect(admission.principal == .user(Fixtures.user))
    let refusal = try #require(auth.decideWithoutWaiting(write)?.refusal)
    #expect(refusal.error.message == "\(createSandbox) requires the scope 'sandbox:write'")
    #expect(verifier.verifyCount == 1)
  }

  @Test("no issuer configured refuses a Bearer at once")
  func noIssuer() {
    let auth = Fixtures.authenticator(verifier: nil)
    let request = AuthRequest(
      path: listSandboxes, metadata: ["authorization": "Bearer x"], channel: .plaintext)
    #expect(auth.decideWithoutWaiting(request)?.deniedCode == .unauthenticated)
  }
}

@Suite("Bearer token syntax")
struct BearerSyntaxTests {
  /// RFC 6750's b64token alphabet, spelled out as the RFC gives it.
  static let token68BodyAlphabet = Set(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~+/".unicodeScalars)

  @Test("exactly the RFC 6750 alphabet may appear in a token, with '=' only at its end")
  func alphabet() async {
    let auth = Fixtures.authenticator(verifier: FakeTokenVerifier([:]))
    let syntax = "the Bearer token contains characters a token cannot have"
    var scalars = (1...127).compactMap(Unicode.Scalar.init)
    scalars += ["é", "\u{2028}", "\u{FF0B}"]
    for scalar in scalars where scalar != " " {
      let decision = await auth.decide(
        listSandboxes, ["authorization": "Bearer a\(Character(scalar))b"])
      let refusedForSyntax = decision.refusal?.error.message == syntax
      #expect(
        refusedForSyntax == !Self.token68BodyAlphabet.contains(scalar),
        "U+\(String(scalar.value, radix: 16))")
    }
    #expect(
      await auth.decide(listSandboxes, ["authorization": "Bearer ab=="]).refusal?.error
        .message != syntax)
    #expect(
      await auth.decide(listSandboxes, ["authorization": "Bearer a=b"]).refusal?.error
        .message == syntax)
  }
}
