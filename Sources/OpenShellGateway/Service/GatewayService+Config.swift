public import AuthCore
import Foundation
import Logging
public import OpenShellAPI

extension GatewayService {
  /// `GetSandboxConfig` (both the current and the legacy path): the effective policy and
  /// settings of one sandbox.
  ///
  /// A global policy, when one is set, overrides the sandbox's own: it is the operator's way
  /// to pin every sandbox. Settings merge the other way: a sandbox setting overrides the
  /// global setting of the same key.
  public func getSandboxConfig(_ request: GetSandboxConfigRequest, principal: Principal)
    async throws -> GetSandboxConfigResponse
  {
    let (row, _) = try await sandboxForSupervisor(
      request.sandboxID, principal, "read the config of")
    let scope = GatewayStore.sandboxScope(row.name)
    var response = GetSandboxConfigResponse()

    let global = try await store.latestPolicy(scope: GatewayStore.globalScope)
    let own = try await store.latestPolicy(scope: scope)
    response.globalPolicyVersion = global?.version ?? 0
    if let global {
      response.policy = try SandboxPolicy(serializedBytes: global.policy)
      response.version = global.version
      response.policyHash = global.hash
      response.policySource = .global
    } else if let own {
      response.policy = try SandboxPolicy(serializedBytes: own.policy)
      response.version = own.version
      response.policyHash = own.hash
      response.policySource = .sandbox
    }

    for (key, value) in try await store.settings(scope: GatewayStore.globalScope) {
      response.settings[key] = try Self.effective(value, .global)
    }
    for (key, value) in try await store.settings(scope: scope) {
      response.settings[key] = try Self.effective(value, .sandbox)
    }
    response.configRevision = try await configRevision(scope)
    response.providerEnvRevision = try await store.value(of: .providerEnvironmentRevision)
    return response
  }

  /// `GetGatewayConfig`: the global settings.
  public func getGatewayConfig(_ request: GetGatewayConfigRequest, principal: Principal)
    async throws -> GetGatewayConfigResponse
  {
    var response = GetGatewayConfigResponse()
    for (key, value) in try await store.settings(scope: GatewayStore.globalScope) {
      response.settings[key] = try SettingValue(serializedBytes: value)
    }
    response.settingsRevision = try await store.value(of: .settingsRevision)
    return response
  }

  /// `UpdateConfig`: a sandbox policy, the global policy, or one setting at either scope.
  ///
  /// A sandbox caller passes `validateSandboxCallerUpdate` first, so it can only sync its
  /// own sandbox's policy.
  public func updateConfig(_ request: UpdateConfigRequest, principal: Principal) async throws
    -> UpdateConfigResponse
  {
    if case .sandbox(let sandbox) = principal {
      // A supervisor may name its sandbox by id; the binding is by name, so resolve first and
      // validate against the stored name.
      var view = Self.view(of: request)
      if let row = try await store.sandbox(named: request.name) { view.name = row.name }
      do {
        try validateSandboxCallerUpdate(view, principal: sandbox)
      } catch let error as AuthError {
        throw error.rpcError
      }
    }
    // Known gap: merge operations arrive as opaque bytes (their schema is outside our API
    // subset), so the gateway cannot apply them; a user gets UNIMPLEMENTED and must send the
    // whole policy. Sandbox callers never get here with them: validation refused them above.
    guard request.mergeOperations.isEmpty else {
      throw RPCError(
        .unimplemented,
        "this gateway does not apply policy merge operations; send the whole policy instead"
      )
    }

    if !request.settingKey.isEmpty {
      return try await updateSetting(request)
    }
    guard let policy = request.policy else {
      throw RPCError.invalidArgument(
        "the request changes nothing: send a policy, or a setting key with a value or a delete"
      )
    }
    if request.deleteSetting || request.settingValue != nil {
      throw RPCError.invalidArgument("a setting value or delete needs a setting key")
    }

    let scope: String
    if request.global {
      scope = GatewayStore.globalScope
    } else {
      let (row, _) = try await loadSandbox(request.name)
      scope = GatewayStore.sandboxScope(row.name)
    }
    let bytes = policy.serializedBytes()
    let hash = sha256Hex(bytes)
    let (version, created) = try await store.appendPolicy(
      scope: scope,
      policy: bytes,
      hash: hash,
      pendingStatus: PolicyStatus.pending.rawValue,
      nowMs: nowMs()
    )
    if created {
      logger.info(
        "policy stored",
        metadata: [
          "policy.scope": scope, "policy.version": "\(version)", "principal": principal.kind,
        ]
      )
    }
    var response = UpdateConfigResponse()
    response.version = version
    response.policyHash = hash
    return response
  }

  private func updateSetting(_ request: UpdateConfigRequest) async throws -> UpdateConfigResponse {
    guard request.policy == nil else {
      throw RPCError.invalidArgument("send a policy or a setting in one request, not both")
    }
    let scope: String
    if request.global {
      scope = GatewayStore.globalScope
    } else {
      let (row, _) = try await loadSandbox(request.name)
      scope = GatewayStore.sandboxScope(row.name)
    }

    var response = UpdateConfigResponse()
    if request.deleteSetting {
      guard request.settingValue == nil else {
        throw RPCError.invalidArgument("a setting delete carries no value")
      }
      let (deleted, revision) = try await store.deleteSetting(scope: scope, key: request.settingKey)
      response.deleted = deleted
      response.settingsRevision = revision
    } else {
      guard let value = request.settingValue, value.value != nil else {
        throw RPCError.invalidArgument("setting '\(request.settingKey)' needs a value")
      }
      response.settingsRevision = try await store.setSetting(
        scope: scope,
        key: request.settingKey,
        value: value.serializedBytes()
      )
    }
    return response
  }

  /// `ReportPolicyStatus`: what the supervisor made of a policy version.
  public func reportPolicyStatus(_ request: ReportPolicyStatusRequest, principal: Principal)
    async throws -> ReportPolicyStatusResponse
  {
    let (row, _) = try await sandboxForSupervisor(
      request.sandboxID,
      principal,
      "report the policy status of"
    )
    guard request.status == .loaded || request.status == .failed else {
      throw RPCError.invalidArgument(
        "report LOADED or FAILED; got status \(request.status.rawValue)")
    }
    // A version reported as loaded may be the global policy the sandbox was told to use.
    var found = false
    for scope in [GatewayStore.sandboxScope(row.name), GatewayStore.globalScope] where !found {
      guard let policy = try await store.policy(scope: scope, version: request.version) else {
        continue
      }
      let current = try await store.latestPolicy(scope: scope)
      guard scope == GatewayStore.sandboxScope(row.name) || current?.hash == policy.hash else {
        continue
      }
      found = try await store.reportPolicyStatus(
        scope: scope,
        version: request.version,
        status: request.status.rawValue,
        loadError: String(request.loadError.prefix(4096)),
        loadedStatus: PolicyStatus.loaded.rawValue,
        supersededStatus: PolicyStatus.superseded.rawValue,
        nowMs: nowMs()
      )
    }
    guard found else {
      throw RPCError.notFound("sandbox '\(row.name)' has no policy version \(request.version)")
    }
    if request.status == .loaded {
      _ = try await store.updateSandbox(named: row.name) { row throws(StorageError) in
        guard var sandbox = try? Sandbox(serializedBytes: row.record) else { return row.record }
        sandbox.phase = .ready
        return sandbox.serializedBytes()
      }
    }
    logger.info(
      "policy status reported",
      metadata: [
        "sandbox.name": row.name, "policy.version": "\(request.version)",
        "policy.status": "\(request.status.rawValue)",
      ]
    )
    return ReportPolicyStatusResponse()
  }

  /// `GetSandboxPolicyStatus`: one version of a sandbox's (or the global) policy, and the
  /// version the sandbox last loaded.
  public func getSandboxPolicyStatus(
    _ request: GetSandboxPolicyStatusRequest,
    principal: Principal
  ) async throws -> GetSandboxPolicyStatusResponse {
    let scope = try await policyScope(name: request.name, global: request.global)
    let row =
      request.version == 0
      ? try await store.latestPolicy(scope: scope)
      : try await store.policy(scope: scope, version: request.version)
    guard let row else {
      let which = request.version == 0 ? "policy yet" : "policy version \(request.version)"
      throw RPCError.notFound(
        "\(request.global ? "the global scope" : "sandbox '\(request.name)'") has no \(which)")
    }
    var response = GetSandboxPolicyStatusResponse()
    response.revision = Self.revision(row, includePolicy: false)
    response.activeVersion = try await store.activePolicyVersion(
      scope: scope,
      loadedStatus: PolicyStatus.loaded.rawValue
    )
    return response
  }

  /// `ListSandboxPolicies`: a page of policy versions, newest first, without the policies.
  public func listSandboxPolicies(_ request: ListSandboxPoliciesRequest, principal: Principal)
    async throws -> ListSandboxPoliciesResponse
  {
    let scope = try await policyScope(name: request.name, global: request.global)
    let page = Self.page(limit: request.limit, offset: request.offset)
    var response = ListSandboxPoliciesResponse()
    response.revisions = try await store.policies(
      scope: scope, limit: page.limit, offset: page.offset
    )
    .map { Self.revision($0, includePolicy: false) }
    return response
  }

  private func policyScope(name: String, global: Bool) async throws -> String {
    if global { return GatewayStore.globalScope }
    return GatewayStore.sandboxScope(try await loadSandbox(name).row.name)
  }

  static func revision(_ row: PolicyRow, includePolicy: Bool) -> SandboxPolicyRevision {
    var revision = SandboxPolicyRevision()
    revision.version = row.version
    revision.policyHash = row.hash
    revision.status = PolicyStatus(rawValue: row.status)
    revision.loadError = row.loadError
    revision.createdAtMs = row.createdAtMs
    revision.loadedAtMs = row.loadedAtMs
    if includePolicy { revision.policy = try? SandboxPolicy(serializedBytes: row.policy) }
    return revision
  }

  /// A revision that changes whenever the sandbox's effective config does.
  func configRevision(_ scope: String) async throws -> UInt64 {
    let settings = try await store.value(of: .settingsRevision)
    let own = UInt64(try await store.latestPolicy(scope: scope)?.version ?? 0)
    let global = UInt64(try await store.latestPolicy(scope: GatewayStore.globalScope)?.version ?? 0)
    // Each part only grows, so their sum only grows and changes with any of them.
    return settings + own + global
  }

  static func effective(_ value: [UInt8], _ scope: SettingScope) throws -> EffectiveSetting {
    var setting = EffectiveSetting()
    setting.value = try SettingValue(serializedBytes: value)
    setting.scope = scope
    return setting
  }

  static func view(of request: UpdateConfigRequest) -> SandboxConfigUpdate {
    SandboxConfigUpdate(
      name: request.name,
      hasPolicy: request.policy != nil,
      settingKey: request.settingKey,
      hasSettingValue: request.settingValue != nil,
      deleteSetting: request.deleteSetting,
      global: request.global,
      mergeOperationCount: request.mergeOperations.count
    )
  }
}
