public import AuthCore
import Foundation
import Logging
public import OpenShellAPI
import Synchronization

extension GatewayService {
  /// `CreateProvider`.
  public func createProvider(_ request: CreateProviderRequest, principal: Principal) async throws
    -> ProviderResponse
  {
    var provider = try Self.requireProvider(request.provider)
    provider.metadata?.id = UUID().uuidString.lowercased()
    provider.metadata?.createdAtMs = nowMs()
    guard try await store.insertProvider(name: provider.name, record: provider.serializedBytes())
    else {
      throw RPCError(RPCError.alreadyExists, "provider '\(provider.name)' already exists")
    }
    logger.info("provider created", metadata: ["provider.name": provider.name])
    return Self.response(provider)
  }

  /// `GetProvider`.
  public func getProvider(_ request: GetProviderRequest, principal: Principal) async throws
    -> ProviderResponse
  {
    Self.response(try await loadProvider(request.name))
  }

  /// `ListProviders`: a page ordered by name.
  public func listProviders(_ request: ListProvidersRequest, principal: Principal) async throws
    -> ListProvidersResponse
  {
    let page = Self.page(limit: request.limit, offset: request.offset)
    var response = ListProvidersResponse()
    for record in try await store.providers(limit: page.limit, offset: page.offset) {
      response.providers.append(Self.redacted(try Provider(serializedBytes: record)))
    }
    return response
  }

  /// `UpdateProvider`: replaces the type, credentials and config of an existing provider.
  public func updateProvider(_ request: UpdateProviderRequest, principal: Principal) async throws
    -> ProviderResponse
  {
    var provider = try Self.requireProvider(request.provider)
    let existing = try await loadProvider(provider.name)
    provider.metadata?.id = existing.metadata?.id ?? ""
    provider.metadata?.createdAtMs = existing.metadata?.createdAtMs ?? 0
    guard try await store.updateProvider(name: provider.name, record: provider.serializedBytes())
    else {
      throw RPCError.notFound("provider '\(provider.name)' does not exist")
    }
    logger.info("provider updated", metadata: ["provider.name": provider.name])
    return Self.response(provider)
  }

  /// `DeleteProvider`: refused while a sandbox still has the provider attached.
  public func deleteProvider(_ request: DeleteProviderRequest, principal: Principal) async throws
    -> DeleteProviderResponse
  {
    for row in try await store.sandboxes(limit: Int.max, offset: 0) {
      let sandbox = try Sandbox(serializedBytes: row.record)
      if sandbox.spec?.providers.contains(request.name) == true {
        throw RPCError(
          RPCError.failedPrecondition,
          "provider '\(request.name)' is attached to sandbox '\(row.name)'; detach it first"
        )
      }
    }
    var response = DeleteProviderResponse()
    response.deleted = try await store.deleteProvider(named: request.name)
    return response
  }

  /// `AttachSandboxProvider`.
  public func attachSandboxProvider(
    _ request: AttachSandboxProviderRequest,
    principal: Principal
  ) async throws -> AttachSandboxProviderResponse {
    _ = try await loadProvider(request.providerName)
    let (sandbox, changed) = try await modifyProviders(request.sandboxName) { providers in
      guard !providers.contains(request.providerName) else { return false }
      providers.append(request.providerName)
      return true
    }
    var response = AttachSandboxProviderResponse()
    response.sandbox = sandbox
    response.attached = changed
    return response
  }

  /// `DetachSandboxProvider`.
  public func detachSandboxProvider(
    _ request: DetachSandboxProviderRequest,
    principal: Principal
  ) async throws -> DetachSandboxProviderResponse {
    let (sandbox, changed) = try await modifyProviders(request.sandboxName) { providers in
      guard let index = providers.firstIndex(of: request.providerName) else { return false }
      providers.remove(at: index)
      return true
    }
    var response = DetachSandboxProviderResponse()
    response.sandbox = sandbox
    response.detached = changed
    return response
  }

  /// `GetSandboxProviderEnvironment`: the credentials of the providers attached to the
  /// sandbox, for its supervisor only.
  public func getSandboxProviderEnvironment(
    _ request: GetSandboxProviderEnvironmentRequest,
    principal: Principal
  ) async throws -> GetSandboxProviderEnvironmentResponse {
    let (_, sandbox) = try await sandboxForSupervisor(
      request.sandboxID,
      principal,
      "read the provider environment of"
    )
    var response = GetSandboxProviderEnvironmentResponse()
    for name in sandbox.spec?.providers ?? [] {
      guard let record = try await store.provider(named: name) else { continue }
      for (key, value) in try Provider(serializedBytes: record).credentials.orderedEntries {
        response.environment[key] = value
      }
    }
    response.providerEnvRevision = try await store.value(of: .providerEnvironmentRevision)
    return response
  }

  private func loadProvider(_ name: String) async throws -> Provider {
    guard let record = try await store.provider(named: name) else {
      throw RPCError.notFound("provider '\(name)' does not exist")
    }
    return try Provider(serializedBytes: record)
  }

  private func modifyProviders(
    _ sandboxName: String,
    _ change: @escaping @Sendable (inout [String]) -> Bool
  ) async throws -> (Sandbox, Bool) {
    let outcome = Mutex<Bool>(false)
    let row = try await store.updateSandbox(named: sandboxName) { row throws(StorageError) in
      guard var sandbox = try? Sandbox(serializedBytes: row.record) else {
        throw StorageError(
          code: .query, message: "the stored record of sandbox '\(row.name)' is corrupt")
      }
      var spec = sandbox.spec ?? SandboxSpec()
      let changed = change(&spec.providers)
      outcome.withLock { $0 = changed }
      sandbox.spec = spec
      return sandbox.serializedBytes()
    }
    guard let row else { throw RPCError.notFound("sandbox '\(sandboxName)' does not exist") }
    let sandbox = try await presented((row, try Sandbox(serializedBytes: row.record)))
    return (sandbox, outcome.withLock { $0 })
  }

  private static func requireProvider(_ provider: Provider?) throws -> Provider {
    guard let provider, provider.metadata != nil else {
      throw RPCError.invalidArgument("the request carries no provider with metadata")
    }
    try validateName(provider.name, "provider name")
    return provider
  }

  /// Users see which credentials a provider holds, never their values: those go only to the
  /// supervisors of sandboxes the provider is attached to.
  static func redacted(_ provider: Provider) -> Provider {
    var copy = provider
    for (key, _) in provider.credentials.orderedEntries {
      copy.credentials[key] = "[redacted]"
    }
    return copy
  }

  private static func response(_ provider: Provider) -> ProviderResponse {
    var response = ProviderResponse()
    response.provider = redacted(provider)
    return response
  }
}

extension Provider {
  var name: String { metadata?.name ?? "" }
}
