import AuthCore
public import Foundation
public import Logging
public import OpenShellAPI

/// The gateway's handlers, independent of any transport.
///
/// Each method takes the decoded request and the principal the auth decision admitted, and
/// returns the response or throws an ``RPCError``. The principal is never re-derived here:
/// handlers only narrow what a sandbox principal may touch, with AuthCore's sandbox-scope
/// checks.
public final class GatewayService: Sendable {
  let store: GatewayStore
  let logger: Logger
  let version: String
  let nowMs: @Sendable () -> Int64

  /// Creates the service.
  ///
  /// - Parameters:
  ///   - store: The durable state.
  ///   - version: The version `Health` reports.
  ///   - logger: Where handler events go; defaults to nowhere.
  ///   - nowMs: The clock, in milliseconds since 1970; defaults to the system clock.
  public init(
    store: GatewayStore,
    version: String,
    logger: Logger = .disabled,
    nowMs: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
  ) {
    self.store = store
    self.version = version
    self.logger = logger
    self.nowMs = nowMs
  }

  /// `Health`: the gateway is serving.
  public func health(_ request: HealthRequest) -> HealthResponse {
    var response = HealthResponse()
    response.status = .healthy
    response.version = version
    return response
  }

  // MARK: - Shared steps

  /// Loads a sandbox by name (or id), or throws NOT_FOUND.
  func loadSandbox(_ name: String) async throws -> (row: SandboxRow, sandbox: Sandbox) {
    guard !name.allSatisfy(\.isWhitespace) else {
      throw RPCError.invalidArgument("the request names no sandbox")
    }
    guard let row = try await store.sandbox(named: name) else {
      throw RPCError.notFound("sandbox '\(name)' does not exist")
    }
    return (row, try Sandbox(serializedBytes: row.record))
  }

  /// Narrows a sandbox principal to its own sandbox; users pass.
  func checkAccess(_ principal: Principal, to sandboxName: String, _ action: String) throws {
    switch principal {
    case .user:
      return
    case .sandbox(let sandbox):
      do {
        try authorizeSandboxAccess(to: sandboxName, principal: sandbox, action: action)
      } catch let error as AuthError {
        throw error.rpcError
      }
    case .anonymous:
      throw RPCError(.permissionDenied, "this method needs an authenticated caller")
    }
  }

  /// The sandbox a sandbox-only request names, loaded and checked against the principal.
  func sandboxForSupervisor(
    _ idOrName: String,
    _ principal: Principal,
    _ action: String
  ) async throws -> (row: SandboxRow, sandbox: Sandbox) {
    // The binding names the sandbox, while supervisors send its id: resolve first, then check
    // the name, so an id can never be used to reach another sandbox.
    let loaded: (row: SandboxRow, sandbox: Sandbox)
    do {
      loaded = try await loadSandbox(idOrName)
    } catch let error as RPCError where error.code == .notFound {
      // A bound sandbox asking about a sandbox that does not exist learns nothing more than
      // it would about one that is not its own.
      if case .sandbox(let sandbox) = principal, let bound = sandbox.sandboxName,
        bound != idOrName
      {
        try checkAccess(principal, to: idOrName, action)
      }
      throw error
    }
    try checkAccess(principal, to: loaded.row.name, action)
    return loaded
  }

  static func validateName(_ name: String, _ what: String) throws {
    guard SandboxName.isValid(name) else {
      throw RPCError.invalidArgument(
        "\(what) '\(name)' is not valid: use 1 to 63 letters, digits, '-', '_' or '.', "
          + "starting with a letter or digit"
      )
    }
  }

  static func page(limit: UInt32, offset: UInt32) -> (limit: Int, offset: Int) {
    (limit == 0 ? 100 : min(Int(limit), 1000), Int(offset))
  }
}
