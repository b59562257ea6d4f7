public import AuthCore
import Foundation
import Logging
public import OpenShellAPI

extension GatewayService {
  /// `CreateSandbox`: stores a sandbox, and its policy as version 1 when the spec has one.
  public func createSandbox(
    _ request: CreateSandboxRequest,
    principal: Principal
  ) async throws -> SandboxResponse {
    try Self.validateName(request.name, "sandbox name")
    for provider in request.spec?.providers ?? [] {
      guard try await store.provider(named: provider) != nil else {
        throw RPCError.notFound("provider '\(provider)' does not exist; create it first")
      }
    }

    var metadata = ObjectMeta()
    metadata.id = UUID().uuidString.lowercased()
    metadata.name = request.name
    metadata.createdAtMs = nowMs()
    metadata.labels = request.labels
    var sandbox = Sandbox()
    sandbox.metadata = metadata
    sandbox.spec = request.spec
    sandbox.phase = .provisioning

    if let policy = request.spec?.policy {
      sandbox.currentPolicyVersion = 1
      sandbox.spec?.policy = nil
      let row = SandboxRow(
        id: metadata.id,
        name: request.name,
        createdAtMs: metadata.createdAtMs,
        record: sandbox.serializedBytes()
      )
      guard try await store.insertSandbox(row) else { throw Self.sandboxExists(request.name) }
      let bytes = policy.serializedBytes()
      _ = try await store.appendPolicy(
        scope: GatewayStore.sandboxScope(request.name),
        policy: bytes,
        hash: sha256Hex(bytes),
        pendingStatus: PolicyStatus.pending.rawValue,
        nowMs: metadata.createdAtMs
      )
      sandbox.spec?.policy = policy
    } else {
      let row = SandboxRow(
        id: metadata.id,
        name: request.name,
        createdAtMs: metadata.createdAtMs,
        record: sandbox.serializedBytes()
      )
      guard try await store.insertSandbox(row) else { throw Self.sandboxExists(request.name) }
    }
    logger.info(
      "sandbox created",
      metadata: ["sandbox.name": request.name, "sandbox.id": metadata.id]
    )
    var response = SandboxResponse()
    response.sandbox = sandbox
    return response
  }

  /// `GetSandbox`.
  public func getSandbox(_ request: GetSandboxRequest, principal: Principal) async throws
    -> SandboxResponse
  {
    var response = SandboxResponse()
    response.sandbox = try await presented(loadSandbox(request.name))
    return response
  }

  /// `ListSandboxes`: a page ordered by name, filtered by `k=v,k2=v2` label selectors.
  public func listSandboxes(_ request: ListSandboxesRequest, principal: Principal) async throws
    -> ListSandboxesResponse
  {
    let selector = try Self.parseSelector(request.labelSelector)
    let page = Self.page(limit: request.limit, offset: request.offset)
    var response = ListSandboxesResponse()
    if selector.isEmpty {
      for row in try await store.sandboxes(limit: page.limit, offset: page.offset) {
        response.sandboxes.append(
          try await presented((row, try Sandbox(serializedBytes: row.record)))
        )
      }
      return response
    }
    // Label filtering happens after loading; the page applies to the filtered list.
    var skipped = 0
    for row in try await store.sandboxes(limit: Int.max, offset: 0) {
      let sandbox = try Sandbox(serializedBytes: row.record)
      let labels = sandbox.metadata?.labels ?? [:]
      guard selector.allSatisfy({ labels[$0.key] == $0.value }) else { continue }
      if skipped < page.offset {
        skipped += 1
        continue
      }
      response.sandboxes.append(try await presented((row, sandbox)))
      if response.sandboxes.count == page.limit { break }
    }
    return response
  }

  /// `DeleteSandbox`: removes the sandbox with its policies, settings, logs and drafts.
  public func deleteSandbox(_ request: DeleteSandboxRequest, principal: Principal) async throws
    -> DeleteSandboxResponse
  {
    var response = DeleteSandboxResponse()
    response.deleted = try await store.deleteSandbox(named: request.name)
    if response.deleted {
      logger.info("sandbox deleted", metadata: ["sandbox.name": request.name])
    }
    return response
  }

  /// The sandbox as callers see it: its latest policy version and, when that version has
  /// loaded, the READY phase.
  func presented(_ loaded: (row: SandboxRow, sandbox: Sandbox)) async throws -> Sandbox {
    var sandbox = loaded.sandbox
    if let latest = try await store.latestPolicy(
      scope: GatewayStore.sandboxScope(loaded.row.name)
    ) {
      sandbox.currentPolicyVersion = latest.version
      if sandbox.spec == nil { sandbox.spec = SandboxSpec() }
      sandbox.spec?.policy = try SandboxPolicy(serializedBytes: latest.policy)
    }
    return sandbox
  }

  static func parseSelector(_ text: String) throws -> [String: String] {
    var selector: [String: String] = [:]
    for term in text.split(separator: ",") {
      let parts = term.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      guard parts.count == 2, !parts[0].isEmpty else {
        throw RPCError.invalidArgument(
          "label selector term '\(term)' is not key=value; separate terms with commas"
        )
      }
      selector[parts[0].trimmingCharacters(in: .whitespaces)] =
        parts[1].trimmingCharacters(in: .whitespaces)
    }
    return selector
  }

  static func sandboxExists(_ name: String) -> RPCError {
    RPCError(RPCError.alreadyExists, "sandbox '\(name)' already exists")
  }
}
