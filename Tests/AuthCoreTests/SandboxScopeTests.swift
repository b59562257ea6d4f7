import AuthCore
import Testing

private let bound = SandboxPrincipal(sandboxName: "a", proof: .trustedProxy)
private let unbound = SandboxPrincipal(sandboxName: nil, proof: .trustedProxy)

@Suite("Sandbox scope")
struct SandboxScopeTests {
  @Test("a sandbox may sync its own policy")
  func ownPolicy() throws {
    try validateSandboxCallerUpdate(
      SandboxConfigUpdate(name: "a", hasPolicy: true), principal: bound)
    try validateSandboxCallerUpdate(
      SandboxConfigUpdate(name: "b", hasPolicy: true),
      principal: unbound
    )
  }

  @Test(
    "everything but a policy sync is PERMISSION_DENIED with a reason",
    arguments: [
      (SandboxConfigUpdate(name: "a", hasPolicy: true, global: true), "global configuration"),
      (SandboxConfigUpdate(name: "a", hasPolicy: false, global: true), "global configuration"),
      (SandboxConfigUpdate(name: "a", hasPolicy: true, deleteSetting: true), "deleted"),
      (SandboxConfigUpdate(name: "a", hasPolicy: true, settingKey: "k"), "settings"),
      (SandboxConfigUpdate(name: "a", hasPolicy: true, hasSettingValue: true), "settings"),
      (SandboxConfigUpdate(name: "a", hasPolicy: true, mergeOperationCount: 1), "merge"),
      (SandboxConfigUpdate(name: "", hasPolicy: true), "names no sandbox"),
      (SandboxConfigUpdate(name: " \t", hasPolicy: true), "names no sandbox"),
      (SandboxConfigUpdate(name: "a", hasPolicy: false), "no policy"),
      (SandboxConfigUpdate(name: "b", hasPolicy: true), "bound to sandbox 'a', not 'b'"),
    ]
  )
  func refused(update: SandboxConfigUpdate, reason: String) throws {
    let error = #expect(throws: AuthError.self) {
      try validateSandboxCallerUpdate(update, principal: bound)
    }
    #expect(error?.code == .permissionDenied)
    #expect(error?.message.contains(reason) == true, "\(error?.message ?? "")")
  }

  @Test("a bound sandbox reads only its own sandbox; an unbound one is not narrowed")
  func access() throws {
    try authorizeSandboxAccess(to: "a", principal: bound, action: "read the logs of")
    try authorizeSandboxAccess(to: "b", principal: unbound, action: "read the logs of")
    let other = #expect(throws: AuthError.self) {
      try authorizeSandboxAccess(to: "b", principal: bound, action: "read the logs of")
    }
    #expect(other?.code == .permissionDenied)
    #expect(other?.message.contains("cannot read the logs of sandbox 'b'") == true)
    let blank = #expect(throws: AuthError.self) {
      try authorizeSandboxAccess(to: "", principal: bound, action: "read the logs of")
    }
    #expect(blank?.code == .invalidArgument)
  }
}
