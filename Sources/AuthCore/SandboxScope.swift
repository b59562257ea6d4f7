/// The parts of an `UpdateConfig` request that decide what a sandbox caller may change.
///
/// AuthCore carries no message types, so a service maps its own request onto this view; the
/// gateway does it from `openshell.v1.UpdateConfigRequest`.
public struct SandboxConfigUpdate: Hashable, Sendable {
  /// The sandbox the update names (field 1, `name`).
  public var name: String
  /// Whether a policy is present (field 2).
  public var hasPolicy: Bool
  /// The setting key (field 3); empty when absent.
  public var settingKey: String
  /// Whether a setting value is present (field 4).
  public var hasSettingValue: Bool
  /// Whether the request deletes a setting (field 5).
  public var deleteSetting: Bool
  /// Whether the request targets the global scope (field 6).
  public var global: Bool
  /// How many merge operations the request carries (field 7).
  public var mergeOperationCount: Int

  /// Creates the view of one request.
  public init(
    name: String,
    hasPolicy: Bool,
    settingKey: String = "",
    hasSettingValue: Bool = false,
    deleteSetting: Bool = false,
    global: Bool = false,
    mergeOperationCount: Int = 0
  ) {
    self.name = name
    self.hasPolicy = hasPolicy
    self.settingKey = settingKey
    self.hasSettingValue = hasSettingValue
    self.deleteSetting = deleteSetting
    self.global = global
    self.mergeOperationCount = mergeOperationCount
  }
}

/// Keeps a sandbox caller's `UpdateConfig` to what a supervisor legitimately does: sync its
/// own sandbox's policy.
///
/// A sandbox may not touch global configuration, settings (at any scope) or deletes, may not
/// send merge operations (those are a user's editing tool), and a bound sandbox may only
/// name itself.
///
/// - Parameters:
///   - update: The request's relevant fields.
///   - principal: The sandbox caller.
/// - Throws: ``AuthError`` with PERMISSION_DENIED saying what was refused and why.
public func validateSandboxCallerUpdate(
  _ update: SandboxConfigUpdate,
  principal: SandboxPrincipal
) throws {
  func refuse(_ message: String) -> AuthError {
    .permissionDenied("sandbox callers may only sync their sandbox's policy: \(message)")
  }

  if update.global {
    throw refuse("global configuration cannot be changed by a sandbox")
  }
  if update.deleteSetting {
    throw refuse("settings cannot be deleted by a sandbox")
  }
  if !update.settingKey.isEmpty || update.hasSettingValue {
    throw refuse("settings cannot be changed by a sandbox")
  }
  if update.mergeOperationCount > 0 {
    throw refuse("merge operations are reserved for users")
  }
  if update.name.allSatisfy(\.isWhitespace) {
    throw refuse("the request names no sandbox")
  }
  if !update.hasPolicy {
    throw refuse("the request carries no policy")
  }
  if let bound = principal.sandboxName, bound != update.name {
    throw refuse("this certificate is bound to sandbox '\(bound)', not '\(update.name)'")
  }
}

/// Checks that a sandbox caller may read or write the sandbox a request names.
///
/// A bound sandbox reaches only its own config, provider environment and logs. An unbound
/// one (a certificate with no sandbox identity, or a trusted proxy) is not narrowed here: the
/// operator chose not to bind identities, which `--require-sandbox-identity` forbids.
///
/// - Parameters:
///   - sandboxName: The sandbox the request names.
///   - principal: The sandbox caller.
///   - action: What the request does, for the message (`read the config of`).
/// - Throws: ``AuthError``: INVALID_ARGUMENT for a blank name, PERMISSION_DENIED for another
///   sandbox.
public func authorizeSandboxAccess(
  to sandboxName: String,
  principal: SandboxPrincipal,
  action: String
) throws {
  if sandboxName.allSatisfy(\.isWhitespace) {
    throw AuthError(code: .invalidArgument, message: "the request names no sandbox")
  }
  if let bound = principal.sandboxName, bound != sandboxName {
    throw AuthError.permissionDenied(
      "this certificate is bound to sandbox '\(bound)'; it cannot \(action) sandbox "
        + "'\(sandboxName)'"
    )
  }
}
