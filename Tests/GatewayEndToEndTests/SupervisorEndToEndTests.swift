import Foundation
import OpenShellAPI
import Testing

/// The real `openshell-sandbox` against the real `openshell-gateway`, over mutual TLS with
/// certificates from `generate-certs`.
@Suite("Supervisor end to end", .serialized)
struct SupervisorEndToEndTests {
  /// A gateway with client certificates required (users by certificate too) and sandbox
  /// `alpha` created by the CLI user.
  func deploymentWithSandbox(serverNames: [String] = []) async throws -> Deployment {
    let deployment = try Deployment()
    try await deployment.generateCertificates(serverNames: serverNames)
    try await deployment.startGateway(gatewayArguments(deployment))
    let user = try deployment.grpcio(certificate: "client")
    var create = CreateSandboxRequest()
    create.name = "alpha"
    let created = try await user.unary(OpenShellMethods.createSandbox, create)
    #expect(created.code == 0, "\(created.details)")
    return deployment
  }

  func gatewayArguments(_ deployment: Deployment) -> [String] {
    deployment.tlsArguments + [
      "--tls-client-ca", "\(deployment.pki)/ca.pem", "--require-sandbox-identity",
    ]
  }

  func supervisor(
    _ deployment: Deployment,
    sandbox: String = "alpha",
    certificate: String? = "sandbox-alpha",
    pki: String? = nil,
    host: String = "localhost",
    ca: String? = nil,
    extra: [String] = []
  ) throws -> ChildProcess {
    let folder = pki ?? deployment.pki
    var arguments = [
      "--gateway-endpoint", "https://\(host):\(deployment.port)", "--sandbox-id", sandbox,
      "--tls-ca", ca ?? "\(deployment.pki)/ca.pem",
    ]
    if let certificate {
      arguments += ["--tls-cert", "\(folder)/\(certificate).pem"]
      arguments += ["--tls-key", "\(folder)/\(certificate)-key.pem"]
    }
    return try ChildProcess(Paths.executable("openshell-sandbox"), arguments + extra)
  }

  func policyFile(_ deployment: Deployment) throws -> String {
    let path = deployment.directory + "/policy.json"
    let json =
      #"{"network_policies": {"pypi": {"endpoints": [{"host": "pypi.org", "port": 443}]}}}"#
    try Data(json.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test("the start-up sequence succeeds with a bound certificate, and its logs reach the user")
  func startup() async throws {
    let deployment = try await deploymentWithSandbox()
    let child = try supervisor(
      deployment, extra: ["--once", "--policy", try policyFile(deployment)])
    #expect(try await child.waitForExit() == 0, "\(child.standardError)")
    for step in [
      "fetched the sandbox config", "synced the local policy", "loaded policy version 1",
      "fetched the provider environment", "fetched the inference bundle",
    ] {
      #expect(child.standardError.contains(step), "missing step: \(step)")
    }

    let user = try deployment.grpcio(certificate: "client")
    var status = GetSandboxPolicyStatusRequest()
    status.name = "alpha"
    let answer = try await user.unary(OpenShellMethods.getSandboxPolicyStatus, status)
    let revision = try answer.decode(GetSandboxPolicyStatusResponse.self).revision
    #expect(revision?.status == .loaded)
    var read = GetSandboxLogsRequest()
    read.sandboxID = "alpha"
    let logs = try await user.unary(OpenShellMethods.getSandboxLogs, read)
    let messages = try logs.decode(GetSandboxLogsResponse.self).logs.map(\.message)
    #expect(messages.contains("loaded policy version 1"))
  }

  @Test("a gateway certificate from a CA the supervisor does not trust is named as such")
  func untrustedGateway() async throws {
    let deployment = try await deploymentWithSandbox()
    let other = deployment.directory + "/other-pki"
    try await deployment.generateCertificates(sandboxes: [], into: other)
    let child = try supervisor(deployment, ca: "\(other)/ca.pem", extra: ["--once"])
    #expect(try await child.waitForExit() == 1)
    #expect(
      child.standardError.contains("the gateway's certificate is not trusted"),
      "\(child.standardError)")
    #expect(child.standardError.contains("--tls-ca"))
  }

  @Test("a gateway certificate that does not name the endpoint's host is named as such")
  func hostMismatch() async throws {
    // The server certificate names localhost only; the supervisor dials 127.0.0.1.
    let deployment = try await deploymentWithSandbox(serverNames: ["localhost"])
    let child = try supervisor(deployment, host: "127.0.0.1", extra: ["--once"])
    #expect(try await child.waitForExit() == 1)
    #expect(
      child.standardError.contains("does not name the host in --gateway-endpoint"),
      "\(child.standardError)")
  }

  @Test("missing, unprotected or mismatched certificate files are named before connecting")
  func badCertificateFiles() async throws {
    let deployment = try await deploymentWithSandbox()
    let pki = deployment.pki
    let loose = deployment.directory + "/loose-key.pem"
    try FileManager.default.copyItem(atPath: "\(pki)/sandbox-alpha-key.pem", toPath: loose)
    try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: loose)
    let cases: [(certificate: String, key: String, expected: String)] = [
      ("\(pki)/missing.pem", "\(pki)/sandbox-alpha-key.pem", "missing.pem"),
      ("\(pki)/sandbox-alpha.pem", loose, "chmod 600"),
      ("\(pki)/sandbox-alpha.pem", "\(pki)/sandbox-beta-key.pem", "does not match the certificate"),
    ]
    for (certificate, key, expected) in cases {
      let child = try supervisor(
        deployment, certificate: nil,
        extra: ["--once", "--tls-cert", certificate, "--tls-key", key]
      )
      #expect(try await child.waitForExit() != 0)
      #expect(child.standardError.contains(expected), "\(child.standardError)")
    }
  }

  @Test("a certificate from another CA fails with a message about the certificate")
  func wrongCA() async throws {
    let deployment = try await deploymentWithSandbox()
    let other = deployment.directory + "/other-pki"
    try await deployment.generateCertificates(sandboxes: ["alpha"], into: other)
    let child = try supervisor(deployment, pki: other, extra: ["--once"])
    #expect(try await child.waitForExit() == 1)
    let message = child.standardError.lowercased()
    #expect(message.contains("certificate"), "\(child.standardError)")
  }

  @Test("no certificate for an https gateway is refused before connecting")
  func noCertificate() async throws {
    let deployment = try await deploymentWithSandbox()
    let child = try supervisor(deployment, certificate: nil, extra: ["--once"])
    #expect(try await child.waitForExit() == 2)
    #expect(child.standardError.contains("--tls-cert and --tls-key"))
  }

  @Test("a certificate bound to another sandbox is refused with the binding named")
  func otherSandbox() async throws {
    let deployment = try await deploymentWithSandbox()
    let child = try supervisor(deployment, certificate: "sandbox-beta", extra: ["--once"])
    #expect(try await child.waitForExit() == 1)
    #expect(child.standardError.contains("bound to sandbox 'beta'"), "\(child.standardError)")
  }

  @Test("a sandbox the gateway does not know is named in the error")
  func unknownSandbox() async throws {
    let deployment = try Deployment()
    try await deployment.generateCertificates()
    try await deployment.startGateway(gatewayArguments(deployment))
    let child = try supervisor(deployment, extra: ["--once"])
    #expect(try await child.waitForExit() == 1)
    #expect(child.standardError.contains("has no sandbox 'alpha'"), "\(child.standardError)")
  }

  @Test("a gateway restart loses no acknowledged log line and the supervisor reconnects")
  func gatewayRestart() async throws {
    let deployment = try await deploymentWithSandbox()
    let port = deployment.port
    let child = try supervisor(deployment, extra: ["--poll-interval", "0.2"])
    let user = try deployment.grpcio(certificate: "client")
    var read = GetSandboxLogsRequest()
    read.sandboxID = "alpha"

    func messages(_ client: GRPCIOClient) async throws -> [String] {
      let logs = try await client.unary(OpenShellMethods.getSandboxLogs, read)
      guard logs.code == 0 else { return [] }
      return try logs.decode(GetSandboxLogsResponse.self).logs.map(\.message)
    }
    var before: [String] = []
    for _ in 0..<100 {
      before = try await messages(user)
      if before.contains(where: { $0.hasPrefix("start-up sequence complete") }) { break }
      try await Task.sleep(for: .milliseconds(100))
    }
    #expect(before.contains { $0.hasPrefix("start-up sequence complete") })

    deployment.gateway?.kill(SIGKILL)
    _ = try await deployment.gateway?.waitForExit()
    // Lines logged while the gateway is down wait in the supervisor's buffer.
    try await Task.sleep(for: .seconds(2))
    try await deployment.startGateway(gatewayArguments(deployment) + ["--port", "\(port)"])

    let again = try deployment.grpcio(certificate: "client")
    var after: [String] = []
    for _ in 0..<300 {
      after = try await messages(again)
      if after.contains("the gateway answers again") { break }
      try await Task.sleep(for: .milliseconds(100))
    }
    #expect(Array(after.prefix(before.count)) == before, "acknowledged lines were lost")
    #expect(after.contains { $0.contains("a call to the gateway failed; retrying") })
    #expect(after.contains("the gateway answers again"), "the supervisor did not reconnect")

    // The lines about stopping are pushed before the supervisor exits.
    child.kill(SIGTERM)
    #expect(try await child.waitForExit() == 0)
    #expect(try await messages(again).contains { $0.hasPrefix("signal 15 received: stopping") })
    #expect(!child.standardError.contains("not delivered"), "\(child.standardError)")
  }

  @Test("a supervisor stopped while the gateway is down says how many lines it could not deliver")
  func stopWhileGatewayDown() async throws {
    let deployment = try await deploymentWithSandbox()
    let child = try supervisor(deployment, extra: ["--poll-interval", "0.2"])
    let user = try deployment.grpcio(certificate: "client")
    var read = GetSandboxLogsRequest()
    read.sandboxID = "alpha"
    for _ in 0..<100 {
      let logs = try await user.unary(OpenShellMethods.getSandboxLogs, read)
      if logs.code == 0,
        try logs.decode(GetSandboxLogsResponse.self).logs.contains(where: {
          $0.message.hasPrefix("start-up sequence complete")
        })
      {
        break
      }
      try await Task.sleep(for: .milliseconds(100))
    }

    deployment.gateway?.kill(SIGKILL)
    _ = try await deployment.gateway?.waitForExit()
    try await Task.sleep(for: .seconds(1))
    child.kill(SIGTERM)
    #expect(try await child.waitForExit() == 0)
    #expect(
      child.standardError.contains("were not delivered to the gateway before stopping"),
      "\(child.standardError)")
  }
}
