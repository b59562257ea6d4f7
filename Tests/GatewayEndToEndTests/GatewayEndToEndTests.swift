import Foundation
import OpenShellAPI
import Testing

private enum Code {
  static let ok = 0
  static let invalidArgument = 3
  static let notFound = 5
  static let permissionDenied = 7
  static let resourceExhausted = 8
  static let unimplemented = 12
  static let unavailable = 14
  static let unauthenticated = 16
}

private func createSandboxRequest(_ name: String, providers: [String] = []) -> CreateSandboxRequest
{
  var request = CreateSandboxRequest()
  request.name = name
  var spec = SandboxSpec()
  spec.providers = providers
  request.spec = spec
  return request
}

private func policy(_ host: String) -> SandboxPolicy {
  var endpoint = NetworkEndpoint()
  endpoint.host = host
  endpoint.port = 443
  var rule = NetworkPolicyRule()
  rule.name = host
  rule.endpoints = [endpoint]
  var policy = SandboxPolicy()
  policy.networkPolicies = ProtoMap([host: rule])
  return policy
}

private func bearer(_ token: String) -> [(String, String)] {
  [("authorization", "Bearer \(token)")]
}

/// The real `openshell-gateway` binary, with certificates from its own `generate-certs`, a
/// local OIDC issuer, and Python grpcio as the caller.
@Suite("Gateway end to end", .serialized)
struct GatewayEndToEndTests {
  @Test("TLS with optional client certificates: users by token, sandboxes by certificate")
  func optionalCertificates() async throws {
    let deployment = try Deployment()
    try await deployment.generateCertificates()
    try await deployment.startIssuer()
    try await deployment.startGateway(
      deployment.tlsArguments + [
        "--tls-client-ca", "\(deployment.pki)/ca.pem", "--oidc-issuer", deployment.issuerURL,
        "--oidc-scopes-claim", "scope",
      ]
    )
    let admin = try await deployment.token(
      user: "root",
      roles: ["openshell-admin"],
      scopes: ["openshell:all"]
    )
    let reader = try await deployment.token(
      user: "reader",
      roles: ["openshell-user"],
      scopes: ["sandbox:read"]
    )
    let nobody = try await deployment.token(user: "nobody", roles: [], scopes: ["openshell:all"])
    let member = try await deployment.token(
      user: "member", roles: ["openshell-user"], scopes: ["openshell:all"])

    let user = try deployment.grpcio()
    #expect(try await user.unary(OpenShellMethods.health, HealthRequest()).code == Code.ok)
    #expect(try await user.unaryRaw("/grpc.health.v1.Health/Check", []).response == [0x08, 0x01])

    // Keys load in the background; the first Bearer calls may see UNAVAILABLE.
    var created = try await user.unary(
      OpenShellMethods.createSandbox, createSandboxRequest("alpha"), metadata: bearer(admin))
    for _ in 0..<100 where created.code == Code.unavailable {
      try await Task.sleep(for: .milliseconds(100))
      created = try await user.unary(
        OpenShellMethods.createSandbox, createSandboxRequest("alpha"), metadata: bearer(admin))
    }
    #expect(created.code == Code.ok, "\(created.details)")
    #expect(
      try await user.unary(
        OpenShellMethods.createSandbox, createSandboxRequest("beta"), metadata: bearer(admin)
      ).code == Code.ok
    )

    // Roles and scopes on the Bearer path.
    let listed = try await user.unary(
      OpenShellMethods.listSandboxes, ListSandboxesRequest(), metadata: bearer(reader))
    #expect(try listed.decode(ListSandboxesResponse.self).sandboxes.count == 2)
    let denied = try await user.unary(
      OpenShellMethods.createSandbox, createSandboxRequest("gamma"), metadata: bearer(reader))
    #expect(denied.code == Code.permissionDenied)
    #expect(denied.details.contains("sandbox:write"))
    // The user role alone covers user methods, never the admin ones.
    #expect(
      try await user.unary(
        OpenShellMethods.listSandboxes, ListSandboxesRequest(), metadata: bearer(member)
      ).code == Code.ok)
    var meta = ObjectMeta()
    meta.name = "openai"
    var openai = Provider()
    openai.metadata = meta
    openai.type = "openai"
    var provider = CreateProviderRequest()
    provider.provider = openai
    var inference = SetClusterInferenceRequest()
    inference.providerName = "openai"
    var sandboxPolicy = UpdateConfigRequest()
    sandboxPolicy.name = "alpha"
    sandboxPolicy.policy = policy("member.test")
    for (path, message) in [
      (OpenShellMethods.createProvider, provider.serializedBytes()),
      (InferenceMethods.setClusterInference, inference.serializedBytes()),
      (OpenShellMethods.updateConfig, sandboxPolicy.serializedBytes()),
    ] {
      let refused = try await user.unaryRaw(path, message, metadata: bearer(member))
      #expect(refused.code == Code.permissionDenied, "\(path)")
      #expect(refused.details.contains("openshell-admin"), "\(path): \(refused.details)")
    }
    let noRole = try await user.unary(
      OpenShellMethods.listSandboxes, ListSandboxesRequest(), metadata: bearer(nobody))
    #expect(noRole.code == Code.permissionDenied)
    #expect(
      try await user.unary(OpenShellMethods.listSandboxes, ListSandboxesRequest()).code
        == Code.unauthenticated
    )
    let basic = try await user.unary(
      OpenShellMethods.listSandboxes, ListSandboxesRequest(),
      metadata: [("authorization", "Basic YWxpY2U6cHc=")])
    #expect(basic.code == Code.unauthenticated)

    // Unknown methods: refused before auth succeeds, UNIMPLEMENTED only after.
    #expect(
      try await user.unaryRaw("/openshell.v1.OpenShell/Nope", []).code == Code.unauthenticated)
    #expect(
      try await user.unaryRaw("/openshell.v1.OpenShell/Nope", [], metadata: bearer(admin)).code
        == Code.unimplemented
    )

    // A bound sandbox: its own config yes, another sandbox's provider environment no, global
    // updates no.
    let alpha = try deployment.grpcio(certificate: "sandbox-alpha")
    var config = GetSandboxConfigRequest()
    config.sandboxID = "alpha"
    #expect(try await alpha.unary(OpenShellMethods.getSandboxConfig, config).code == Code.ok)
    var environment = GetSandboxProviderEnvironmentRequest()
    environment.sandboxID = "beta"
    let foreign = try await alpha.unary(OpenShellMethods.getSandboxProviderEnvironment, environment)
    #expect(foreign.code == Code.permissionDenied)
    var global = UpdateConfigRequest()
    global.name = "alpha"
    global.global = true
    global.policy = policy("evil.test")
    #expect(
      try await alpha.unary(OpenShellMethods.updateConfig, global).code == Code.permissionDenied)
    var sync = UpdateConfigRequest()
    sync.name = "alpha"
    sync.policy = policy("ok.test")
    #expect(try await alpha.unary(OpenShellMethods.updateConfig, sync).code == Code.ok)
    // A Bearer on a sandbox-only method is refused even with a good certificate.
    var report = ReportPolicyStatusRequest()
    report.sandboxID = "alpha"
    report.version = 1
    report.status = .loaded
    #expect(
      try await alpha.unary(OpenShellMethods.reportPolicyStatus, report, metadata: bearer(admin))
        .code == Code.permissionDenied
    )
    #expect(try await alpha.unary(OpenShellMethods.reportPolicyStatus, report).code == Code.ok)

    // A user's certificate is not a sandbox's: no provider credentials, no policy writes.
    let person = try deployment.grpcio(certificate: "client")
    environment.sandboxID = "alpha"
    let credentials = try await person.unary(
      OpenShellMethods.getSandboxProviderEnvironment, environment)
    #expect(credentials.code == Code.permissionDenied, "\(credentials.details)")
    #expect(credentials.details.contains("belongs to a user"))
    #expect(
      try await person.unary(OpenShellMethods.updateConfig, sync).code == Code.permissionDenied)

    // Spoofed markers do not make a caller without a certificate a sandbox.
    let spoof = try await user.unary(
      OpenShellMethods.reportPolicyStatus, report,
      metadata: [("x-openshell-auth-source", "sandbox"), ("x-openshell-auth-source", "sandbox")])
    #expect(spoof.code == Code.unauthenticated)

    // Headers too large for any decision get a status the caller can read, and a line too.
    let oversized = try await user.unary(
      OpenShellMethods.listSandboxes, ListSandboxesRequest(),
      metadata: [
        ("authorization", "Bearer \(admin)"), ("x-big", String(repeating: "a", count: 40_000)),
      ])
    #expect(oversized.code == Code.resourceExhausted)
    #expect(oversized.details.contains("header list is over"))

    // One structured line per refusal, and no token anywhere in the log.
    let log = try #require(deployment.gateway?.standardError)
    #expect(log.contains("call refused"))
    #expect(log.contains("auth.method=/openshell.v1.OpenShell/GetSandboxProviderEnvironment"))
    #expect(log.contains("auth.reason=\"the request's header list is over its limit\""))
    #expect(
      log.contains("auth.subject=\"CN=sandbox-alpha,OU=openshell-sandbox\"")
        || log.contains("sandbox-alpha"))
    for token in [admin, reader, nobody, member] {
      #expect(!log.contains(token))
      #expect(!log.contains(String(token.split(separator: ".").last ?? "")))
    }
  }

  @Test("every write acknowledged before a kill -9 mid-run is there after the restart")
  func durability() async throws {
    let deployment = try Deployment()
    try await deployment.generateCertificates()
    let arguments = deployment.tlsArguments + ["--tls-client-ca", "\(deployment.pki)/ca.pem"]
    try await deployment.startGateway(arguments)

    // Client certificates required and no OIDC: the user is the CLI certificate.
    let user = try deployment.grpcio(certificate: "client")
    #expect(
      try await user.unary(OpenShellMethods.createSandbox, createSandboxRequest("alpha")).code
        == Code.ok
    )

    // Two writers keep writing while the gateway is killed under them: the user creates
    // sandboxes; the sandbox syncs policy versions and pushes log lines. A write counts once
    // its caller has the answer; whatever was in flight at the kill may or may not be there.
    let (target, pki) = (deployment.target, deployment.pki)
    let created = Task { () -> [String] in
      let sandboxWriter = try GRPCIOClient(
        target: target, ca: "\(pki)/ca.pem", certificate: "\(pki)/client.pem",
        key: "\(pki)/client-key.pem")
      var acknowledged: [String] = []
      for index in 0..<100_000 {
        let name = "w-\(index)"
        guard
          let result = try? await sandboxWriter.unary(
            OpenShellMethods.createSandbox, createSandboxRequest(name)),
          result.code == Code.ok
        else { break }
        acknowledged.append(name)
      }
      return acknowledged
    }
    let synced = Task { () -> (version: UInt32, lines: Int) in
      let policyWriter = try GRPCIOClient(
        target: target, ca: "\(pki)/ca.pem", certificate: "\(pki)/sandbox-alpha.pem",
        key: "\(pki)/sandbox-alpha-key.pem")
      var version: UInt32 = 0
      var lines = 0
      for index in 0..<100_000 {
        var sync = UpdateConfigRequest()
        sync.name = "alpha"
        sync.policy = policy("host-\(index).test")
        guard let result = try? await policyWriter.unary(OpenShellMethods.updateConfig, sync),
          result.code == Code.ok,
          let answer = try? result.decode(UpdateConfigResponse.self)
        else { break }
        version = answer.version
        var line = SandboxLogLine()
        line.message = "line \(index)"
        line.level = "INFO"
        var push = PushSandboxLogsRequest()
        push.sandboxID = "alpha"
        push.logs = [line]
        guard
          let pushed = try? await policyWriter.clientStream(
            OpenShellMethods.pushSandboxLogs, [push]),
          pushed.code == Code.ok
        else { break }
        lines = index + 1
      }
      return (version, lines)
    }

    try await Task.sleep(for: .seconds(1))
    deployment.gateway?.kill(SIGKILL)
    try await deployment.gateway?.waitForExit()
    let sandboxes = try await created.value
    let (version, lines) = try await synced.value
    #expect(sandboxes.count > 0, "no sandbox write was acknowledged before the kill")
    #expect(version > 0 && lines > 0, "no policy or log write was acknowledged before the kill")
    try await deployment.startGateway(arguments)

    let again = try deployment.grpcio(certificate: "client")
    var list = ListSandboxesRequest()
    list.limit = 100_000
    let listed = try await again.unary(OpenShellMethods.listSandboxes, list)
    let names = Set(try listed.decode(ListSandboxesResponse.self).sandboxes.map(\.metadata?.name))
    let lost = sandboxes.filter { !names.contains($0) }
    #expect(lost.isEmpty, "acknowledged sandboxes missing after the restart: \(lost)")

    var status = GetSandboxPolicyStatusRequest()
    status.name = "alpha"
    let answer = try await again.unary(OpenShellMethods.getSandboxPolicyStatus, status)
    // The version in flight at the kill may have committed too, but none acknowledged is lost.
    let latest = try #require(try answer.decode(GetSandboxPolicyStatusResponse.self).revision)
    #expect(latest.version >= version && latest.version <= version + 1)

    var read = GetSandboxLogsRequest()
    read.sandboxID = "alpha"
    read.lines = UInt32(lines + 10)
    let logs = try await again.unary(OpenShellMethods.getSandboxLogs, read)
    let messages = Set(try logs.decode(GetSandboxLogsResponse.self).logs.map(\.message))
    let missing = (0..<lines).map { "line \($0)" }.filter { !messages.contains($0) }
    #expect(missing.isEmpty, "acknowledged log lines missing after the restart: \(missing)")
  }

  @Test("certificate users in required mode; sandboxes refused without a client CA")
  func tlsModes() async throws {
    let deployment = try Deployment()
    try await deployment.generateCertificates()
    try await deployment.startIssuer()
    // OIDC without a client CA: no sandbox can be trusted.
    try await deployment.startGateway(
      deployment.tlsArguments + ["--oidc-issuer", deployment.issuerURL])
    let log = try #require(deployment.gateway?.standardError)
    #expect(log.contains("sandbox methods are refused"))
    let anonymous = try deployment.grpcio()
    var report = ReportPolicyStatusRequest()
    report.sandboxID = "alpha"
    let refused = try await anonymous.unary(OpenShellMethods.reportPolicyStatus, report)
    #expect(refused.code == Code.unauthenticated)
    #expect(refused.details.contains("no client CA"))
  }

  @Test("plaintext behind a proxy with gateway auth disabled warns and trusts the proxy")
  func proxied() async throws {
    let deployment = try Deployment()
    try await deployment.startGateway(["--disable-tls", "--disable-gateway-auth"])
    let log = try #require(deployment.gateway?.standardError)
    #expect(log.contains("gateway auth is disabled"))
    #expect(log.contains("can reach 127.0.0.1:\(deployment.port)"), "\(log)")
    let client = try deployment.grpcio(tls: false)
    #expect(
      try await client.unary(OpenShellMethods.createSandbox, createSandboxRequest("alpha")).code
        == Code.ok
    )
  }

  @Test("an unreachable issuer at start: sandbox calls served, Bearer calls UNAVAILABLE")
  func issuerDown() async throws {
    let deployment = try Deployment()
    try await deployment.generateCertificates()
    try await deployment.startGateway(
      deployment.tlsArguments + [
        "--tls-client-ca", "\(deployment.pki)/ca.pem", "--oidc-issuer", "http://127.0.0.1:9",
      ]
    )
    let anonymous = try deployment.grpcio()
    let bearerCall = try await anonymous.unary(
      OpenShellMethods.listSandboxes, ListSandboxesRequest(),
      metadata: bearer("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.eyJzdWIiOiJ4In0.c2ln"))
    #expect(bearerCall.code == Code.unavailable)
    let alpha = try deployment.grpcio(certificate: "sandbox-alpha")
    var config = GetSandboxConfigRequest()
    config.sandboxID = "alpha"
    // The sandbox does not exist yet, but the call got past auth to the handler.
    #expect(try await alpha.unary(OpenShellMethods.getSandboxConfig, config).code == Code.notFound)
  }

  @Test(
    "removed flags exit 2 with the migration; their variables only warn",
    arguments: ["--ssh-handshake-secret", "--ssh-handshake-skew-secs"]
  )
  func removedFlags(flag: String) async throws {
    let child = try ChildProcess(Paths.executable("openshell-gateway"), [flag, "x"])
    #expect(try await child.waitForExit() == 2)
    #expect(child.standardError.contains("mutual TLS"))
  }

  @Test("leftover handshake variables draw a warning and change nothing")
  func removedVariables() async throws {
    let deployment = try Deployment()
    try await deployment.startGateway(
      ["--disable-tls", "--disable-gateway-auth"],
      environment: ["OPENSHELL_SSH_HANDSHAKE_SECRET": "hunter2"]
    )
    let log = try #require(deployment.gateway?.standardError)
    #expect(log.contains("OPENSHELL_SSH_HANDSHAKE_SECRET is set but has no effect"))
    #expect(!log.contains("hunter2"))
  }

  @Test("bad configuration exits 1 and says what to fix")
  func badConfiguration() async throws {
    let deployment = try Deployment()
    try await deployment.generateCertificates()
    let child = try ChildProcess(
      Paths.executable("openshell-gateway"),
      deployment.tlsArguments + [
        "--tls-client-ca", "\(deployment.pki)/ca.pem", "--oidc-admin-role", "admins",
        "--oidc-user-role", "",
      ]
    )
    #expect(try await child.waitForExit() == 1)
    #expect(child.standardError.contains("set both roles"))
  }

  @Test("a second gateway on the same state directory exits 1 and names the folder")
  func stateDirectoryLocked() async throws {
    let deployment = try Deployment()
    try await deployment.startGateway(["--disable-tls", "--disable-gateway-auth"])
    let second = try ChildProcess(
      Paths.executable("openshell-gateway"),
      ["--port", "0", "--state-dir", deployment.state, "--disable-tls", "--disable-gateway-auth"]
    )
    #expect(try await second.waitForExit() == 1)
    #expect(second.standardError.contains("another openshell-gateway is using the state directory"))
    #expect(second.standardError.contains(deployment.state))
    // The first gateway still serves, and once it is gone the folder is free again.
    let client = try deployment.grpcio(tls: false)
    #expect(try await client.unary(OpenShellMethods.health, HealthRequest()).code == Code.ok)
    deployment.gateway?.kill(SIGKILL)
    _ = try await deployment.gateway?.waitForExit()
    try await deployment.startGateway(["--disable-tls", "--disable-gateway-auth"])
  }

  @Test("SIGTERM drains and exits 0")
  func sigterm() async throws {
    let deployment = try Deployment()
    try await deployment.startGateway(["--disable-tls", "--disable-gateway-auth"])
    deployment.gateway?.kill(SIGTERM)
    #expect(try await deployment.gateway?.waitForExit() == 0)
  }
}
