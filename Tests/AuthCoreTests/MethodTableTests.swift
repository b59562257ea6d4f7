import AuthCore
import Testing

/// The table as the issue states it, written out independently of the implementation so that a
/// change to either shows up here.
private let expectedRows: [(path: String, rule: MethodRule)] = {
  let openShell = "/openshell.v1.OpenShell/"
  let inference = "/openshell.inference.v1.Inference/"
  var rows: [(String, MethodRule)] = []

  func entries(_ prefix: String, _ methods: [String], _ rule: MethodRule) -> [(String, MethodRule)]
  {
    methods.map { (prefix + $0, rule) }
  }
  func bearer(_ role: RoleRequirement, _ scope: String) -> MethodRule {
    MethodRule(mode: .bearerOnly, role: role, scope: scope)
  }

  rows += entries(openShell, ["Health"], MethodRule(mode: .unauthenticated))
  rows += entries(inference, ["Health"], MethodRule(mode: .unauthenticated))
  rows += entries(
    openShell,
    [
      "ReportPolicyStatus", "PushSandboxLogs", "GetSandboxProviderEnvironment",
      "SubmitPolicyAnalysis", "ConnectSupervisor", "RelayStream",
    ],
    MethodRule(mode: .sandboxOnly)
  )
  rows += entries(inference, ["GetInferenceBundle"], MethodRule(mode: .sandboxOnly))
  rows += entries(
    "/openshell.sandbox.v1.SandboxService/",
    ["GetSandboxConfig"],
    MethodRule(mode: .sandboxOnly)
  )
  rows += entries(
    openShell,
    ["UpdateConfig"],
    MethodRule(mode: .dualAuth, role: .admin, scope: "config:write")
  )
  rows += entries(
    openShell,
    ["GetSandboxConfig", "GetDraftPolicy"],
    MethodRule(mode: .dualAuth, role: .user, scope: "config:read")
  )
  rows += entries(
    openShell,
    [
      "GetSandbox", "ListSandboxes", "ListSandboxProviders", "WatchSandbox", "GetSandboxLogs",
      "GetService", "ListServices", "GetSandboxPolicyStatus", "ListSandboxPolicies",
    ],
    bearer(.user, "sandbox:read")
  )
  rows += entries(
    openShell,
    [
      "CreateSandbox", "DeleteSandbox", "ExecSandbox", "ForwardTcp", "CreateSshSession",
      "RevokeSshSession", "ExposeService", "DeleteService", "AttachSandboxProvider",
      "DetachSandboxProvider",
    ],
    bearer(.user, "sandbox:write")
  )
  rows += entries(openShell, ["GetProvider", "ListProviders"], bearer(.user, "provider:read"))
  rows += entries(
    openShell,
    ["CreateProvider", "UpdateProvider", "DeleteProvider"],
    bearer(.admin, "provider:write")
  )
  rows += entries(openShell, ["GetGatewayConfig", "GetDraftHistory"], bearer(.user, "config:read"))
  rows += entries(
    openShell,
    [
      "ApproveDraftChunk", "ApproveAllDraftChunks", "RejectDraftChunk", "EditDraftChunk",
      "UndoDraftChunk", "ClearDraftChunks",
    ],
    bearer(.admin, "config:write")
  )
  rows += entries(
    openShell,
    [
      "ListProviderProfiles", "GetProviderProfile", "ImportProviderProfiles",
      "LintProviderProfiles", "DeleteProviderProfile",
    ],
    bearer(.user, "openshell:all")
  )
  rows += entries(inference, ["GetClusterInference"], bearer(.user, "inference:read"))
  rows += entries(inference, ["SetClusterInference"], bearer(.admin, "inference:write"))
  return rows
}()

@Suite("Method table")
struct MethodTableTests {
  @Test("every RPC has the rule the issue assigns", arguments: expectedRows)
  func everyRow(path: String, rule: MethodRule) {
    #expect(MethodTable.openShell.rule(forPath: path) == rule)
  }

  @Test("the table holds exactly the expected paths, no more")
  func noExtraPaths() {
    #expect(MethodTable.openShell.exactPaths == expectedRows.map(\.path).sorted())
  }

  @Test(
    "health and reflection prefixes are unauthenticated",
    arguments: [
      "/grpc.health.v1.Health/Check",
      "/grpc.health.v1.Health/Watch",
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
      "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
    ]
  )
  func prefixes(path: String) {
    #expect(MethodTable.openShell.rule(forPath: path) == MethodRule(mode: .unauthenticated))
  }

  @Test(
    "paths are matched exactly as sent and unknown ones get the strictest rule",
    arguments: [
      "/openshell.v1.OpenShell/health",
      "/openshell.v1.openshell/Health",
      "//openshell.v1.OpenShell/Health",
      "/openshell.v1.OpenShell//Health",
      "/openshell.v1.OpenShell/Health/",
      "/openshell.v1.OpenShell/./Health",
      "/openshell.v1.OpenShell/%48ealth",
      "openshell.v1.OpenShell/Health",
      "/openshell.v1.OpenShell/Nope",
      "",
      "/",
      "/grpc.health.v1.Health/../../openshell.v1.OpenShell/DeleteSandbox",
      "/grpc.health.v1.Health/Check/extra",
      "/grpc.health.v1.Health/",
      "/grpc.health.v1.Health/%43heck",
      "/grpc.healthz/Check",
    ]
  )
  func unknownPaths(path: String) {
    #expect(MethodTable.openShell.rule(forPath: path) == nil)
    #expect(MethodTable.openShell.effectiveRule(forPath: path) == .strictest)
  }

  @Test("the strictest rule is Bearer-only, admin, and needs the all scope")
  func strictest() {
    #expect(MethodRule.strictest.mode == .bearerOnly)
    #expect(MethodRule.strictest.role == .admin)
    #expect(MethodRule.strictest.scope == "openshell:all")
  }
}
