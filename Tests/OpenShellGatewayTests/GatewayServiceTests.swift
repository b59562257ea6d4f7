import AuthCore
import Foundation
import OpenShellAPI
import OpenShellGateway
import Testing

private let admin = Principal.user(
  Identity(subject: "admin", roles: ["openshell-admin"], provider: .oidc)
)

private func sandboxPrincipal(_ name: String?) -> Principal {
  .sandbox(SandboxPrincipal(sandboxName: name, proof: .trustedProxy))
}

private func policy(_ host: String) -> SandboxPolicy {
  var endpoint = NetworkEndpoint()
  endpoint.host = host
  endpoint.port = 443
  var rule = NetworkPolicyRule()
  rule.name = "allow-\(host)"
  rule.endpoints = [endpoint]
  var policy = SandboxPolicy()
  policy.version = 1
  policy.networkPolicies = ProtoMap([rule.name: rule])
  return policy
}

@Suite("Gateway handlers")
final class GatewayServiceTests {
  let directory: String
  let store: GatewayStore
  let service: GatewayService

  init() async throws {
    directory = try makeTemporaryDirectory()
    store = try await GatewayStore(directory: directory)
    service = GatewayService(store: store, version: "test")
  }

  deinit {
    store.close()
    try? FileManager.default.removeItem(atPath: directory)
  }

  @discardableResult
  func createSandbox(_ name: String, policy: SandboxPolicy? = nil, providers: [String] = [])
    async throws -> Sandbox
  {
    var request = CreateSandboxRequest()
    request.name = name
    var spec = SandboxSpec()
    spec.policy = policy
    spec.providers = providers
    request.spec = spec
    return try #require(try await service.createSandbox(request, principal: admin).sandbox)
  }

  func createProvider(_ name: String, credentials: [String: String]) async throws {
    var meta = ObjectMeta()
    meta.name = name
    var provider = Provider()
    provider.metadata = meta
    provider.type = "openai"
    provider.credentials = ProtoMap(credentials)
    provider.config = ["base_url": "https://models.test/v1", "protocols": "openai, anthropic"]
    var request = CreateProviderRequest()
    request.provider = provider
    _ = try await service.createProvider(request, principal: admin)
  }

  func expectError(
    _ code: StatusCode,
    _ fragment: String = "",
    _ body: () async throws -> Void
  ) async {
    do {
      try await body()
      Issue.record("expected \(code), but the call succeeded")
    } catch let error as RPCError {
      #expect(error.code == code, "\(error)")
      #expect(fragment.isEmpty || error.message.contains(fragment), "\(error.message)")
    } catch {
      Issue.record("expected RPCError \(code), got \(error)")
    }
  }

  @Test("a created sandbox reads back, lists, and is gone after delete")
  func sandboxLifecycle() async throws {
    let created = try await createSandbox("alpha")
    #expect(created.metadata?.name == "alpha")
    #expect(created.phase == .provisioning)
    var get = GetSandboxRequest()
    get.name = "alpha"
    #expect(
      try await service.getSandbox(get, principal: admin).sandbox?.metadata?.id
        == created.metadata?.id)
    await expectError(RPCError.alreadyExistsCode) { try await self.createSandbox("alpha") }
    await expectError(.invalidArgument, "not valid") { try await self.createSandbox("a/b") }

    var delete = DeleteSandboxRequest()
    delete.name = "alpha"
    #expect(try await service.deleteSandbox(delete, principal: admin).deleted)
    #expect(try await service.deleteSandbox(delete, principal: admin).deleted == false)
    await expectError(.notFound) { _ = try await self.service.getSandbox(get, principal: admin) }
  }

  @Test("policy versions increase per sandbox and policy_hash is the SHA-256 of the policy")
  func policyVersionsAndHash() async throws {
    try await createSandbox("alpha", policy: policy("a.test"))
    var update = UpdateConfigRequest()
    update.name = "alpha"
    update.policy = policy("b.test")
    let second = try await service.updateConfig(update, principal: admin)
    #expect(second.version == 2)
    let again = try await service.updateConfig(update, principal: sandboxPrincipal("alpha"))
    #expect(again.version == 2, "an identical policy keeps its version")
    // A supervisor may name its sandbox by id; the binding still holds by name.
    var byID = update
    byID.name = try #require(try await store.sandbox(named: "alpha")?.id)
    #expect(try await service.updateConfig(byID, principal: sandboxPrincipal("alpha")).version == 2)

    let file = "\(directory)/policy.bin"
    try Data(policy("b.test").serializedBytes()).write(to: URL(fileURLWithPath: file))
    let digest = try await Subprocess.run("openssl", ["dgst", "-sha256", "-r", file])
    #expect(second.policyHash == String(digest.output.prefix(64)))

    var config = GetSandboxConfigRequest()
    config.sandboxID = "alpha"
    let response = try await service.getSandboxConfig(config, principal: sandboxPrincipal("alpha"))
    #expect(response.version == 2)
    #expect(response.policyHash == second.policyHash)
    #expect(response.policySource == .sandbox)
  }

  @Test("a sandbox caller cannot update global config, settings, or another sandbox")
  func sandboxUpdatesNarrowed() async throws {
    try await createSandbox("alpha")
    try await createSandbox("beta")
    var global = UpdateConfigRequest()
    global.name = "alpha"
    global.global = true
    global.policy = policy("x.test")
    await expectError(.permissionDenied, "global") {
      _ = try await self.service.updateConfig(global, principal: sandboxPrincipal("alpha"))
    }
    var setting = UpdateConfigRequest()
    setting.name = "alpha"
    setting.settingKey = "log_level"
    setting.settingValue = SettingValue()
    setting.settingValue?.value = .stringValue("debug")
    await expectError(.permissionDenied, "settings") {
      _ = try await self.service.updateConfig(setting, principal: sandboxPrincipal("alpha"))
    }
    var other = UpdateConfigRequest()
    other.name = "beta"
    other.policy = policy("x.test")
    await expectError(.permissionDenied, "bound to sandbox 'alpha'") {
      _ = try await self.service.updateConfig(other, principal: sandboxPrincipal("alpha"))
    }
    // The same requests from an admin go through.
    _ = try await service.updateConfig(global, principal: admin)
    #expect(try await service.updateConfig(setting, principal: admin).settingsRevision == 1)
  }

  @Test("a bound sandbox reads only its own provider environment")
  func providerEnvironment() async throws {
    try await createProvider("openai", credentials: ["OPENAI_API_KEY": "sk-test"])
    try await createSandbox("alpha", providers: ["openai"])
    try await createSandbox("beta")

    var own = GetSandboxProviderEnvironmentRequest()
    own.sandboxID = "alpha"
    let environment = try await service.getSandboxProviderEnvironment(
      own,
      principal: sandboxPrincipal("alpha")
    )
    #expect(environment.environment["OPENAI_API_KEY"] == "sk-test")

    await expectError(.permissionDenied, "cannot read the provider environment of") {
      _ = try await self.service.getSandboxProviderEnvironment(
        own, principal: sandboxPrincipal("beta"))
    }
    // A bound sandbox asking for a sandbox that does not exist is refused like any other
    // sandbox, so it cannot probe which names exist.
    var missing = GetSandboxProviderEnvironmentRequest()
    missing.sandboxID = "gamma"
    await expectError(.permissionDenied) {
      _ = try await self.service.getSandboxProviderEnvironment(
        missing,
        principal: sandboxPrincipal("beta")
      )
    }
  }

  @Test("users see provider credential names but never their values")
  func redaction() async throws {
    try await createProvider("openai", credentials: ["OPENAI_API_KEY": "sk-secret"])
    var get = GetProviderRequest()
    get.name = "openai"
    let provider = try #require(try await service.getProvider(get, principal: admin).provider)
    #expect(provider.credentials["OPENAI_API_KEY"] == "[redacted]")
    let listed = try await service.listProviders(ListProvidersRequest(), principal: admin)
    #expect(!String(decoding: listed.serializedBytes(), as: UTF8.self).contains("sk-secret"))
  }

  @Test("a loaded policy report marks the sandbox ready; an unknown version is NOT_FOUND")
  func reportStatus() async throws {
    try await createSandbox("alpha", policy: policy("a.test"))
    var report = ReportPolicyStatusRequest()
    report.sandboxID = "alpha"
    report.version = 1
    report.status = .loaded
    _ = try await service.reportPolicyStatus(report, principal: sandboxPrincipal("alpha"))
    var get = GetSandboxRequest()
    get.name = "alpha"
    #expect(try await service.getSandbox(get, principal: admin).sandbox?.phase == .ready)

    var status = GetSandboxPolicyStatusRequest()
    status.name = "alpha"
    let answer = try await service.getSandboxPolicyStatus(status, principal: admin)
    #expect(answer.revision?.version == 1)
    #expect(answer.revision?.status == .loaded)
    #expect(answer.activeVersion == 1)
    status.version = 3
    await expectError(.notFound) {
      _ = try await self.service.getSandboxPolicyStatus(status, principal: admin)
    }
    report.version = 7
    await expectError(.notFound) {
      _ = try await self.service.reportPolicyStatus(report, principal: sandboxPrincipal("alpha"))
    }
  }

  @Test("pushed log lines read back in order, filtered by level and source")
  func logs() async throws {
    try await createSandbox("alpha")
    var push = PushSandboxLogsRequest()
    push.sandboxID = "alpha"
    for (index, level) in ["DEBUG", "INFO", "WARN", "ERROR"].enumerated() {
      var line = SandboxLogLine()
      line.timestampMs = Int64(index)
      line.level = level
      line.message = "line \(index)"
      line.sandboxID = "forged"
      push.logs.append(line)
    }
    #expect(try await service.pushSandboxLogs(push, principal: sandboxPrincipal("alpha")) == 4)
    await expectError(.permissionDenied) {
      _ = try await self.service.pushSandboxLogs(push, principal: sandboxPrincipal("beta"))
    }

    var read = GetSandboxLogsRequest()
    read.sandboxID = "alpha"
    let all = try await service.getSandboxLogs(read, principal: admin)
    #expect(all.logs.map(\.message) == ["line 0", "line 1", "line 2", "line 3"])
    #expect(all.bufferTotal == 4)
    #expect(all.logs.allSatisfy { $0.sandboxID != "forged" })
    read.minLevel = "warn"
    #expect(
      try await service.getSandboxLogs(read, principal: admin).logs.map(\.level) == [
        "WARN", "ERROR",
      ])
    read.minLevel = "loud"
    await expectError(.invalidArgument) {
      _ = try await self.service.getSandboxLogs(read, principal: admin)
    }
  }

  @Test("the inference bundle resolves routes against their providers")
  func inference() async throws {
    try await createProvider("openai", credentials: ["api_key": "sk-route"])
    var set = SetClusterInferenceRequest()
    set.providerName = "openai"
    set.modelID = "gpt-test"
    set.timeoutSecs = 30
    let stored = try await service.setClusterInference(set, principal: admin)
    #expect(stored.routeName == "default")
    #expect(stored.version == 1)
    let bundle = try await service.getInferenceBundle(
      GetInferenceBundleRequest(), principal: sandboxPrincipal("a"))
    let route = try #require(bundle.routes.first)
    #expect(route.apiKey == "sk-route")
    #expect(route.baseURL == "https://models.test/v1")
    #expect(route.protocols == ["openai", "anthropic"])
    await expectError(.notFound) {
      var missing = GetClusterInferenceRequest()
      missing.routeName = "other"
      _ = try await self.service.getClusterInference(missing, principal: admin)
    }
  }

  @Test("proposed chunks get gateway ids and read back as the draft policy")
  func drafts() async throws {
    try await createSandbox("alpha")
    var submit = SubmitPolicyAnalysisRequest()
    submit.name = "alpha"
    var chunk = PolicyChunk()
    chunk.id = "chosen-by-sandbox"
    chunk.ruleName = "allow-a"
    chunk.proposedRule = NetworkPolicyRule()
    submit.proposedChunks = [chunk, PolicyChunk()]
    let response = try await service.submitPolicyAnalysis(
      submit, principal: sandboxPrincipal("alpha"))
    #expect(response.acceptedChunks == 1)
    #expect(response.rejectedChunks == 1)
    #expect(response.acceptedChunkIDs.first != "chosen-by-sandbox")

    var draft = GetDraftPolicyRequest()
    draft.name = "alpha"
    let chunks = try await service.getDraftPolicy(draft, principal: sandboxPrincipal("alpha"))
      .chunks
    #expect(chunks.map(\.id) == response.acceptedChunkIDs)
    #expect(chunks.first?.status == "pending")
  }
}

extension RPCError {
  static let alreadyExistsCode = StatusCode(rawValue: 6)
}
