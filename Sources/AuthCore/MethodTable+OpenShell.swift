extension MethodTable {
  /// The table for the whole OpenShell API: both services, the legacy paths existing
  /// deployments still call, and the health and reflection prefixes.
  public static let openShell: MethodTable = {
    var exact: [String: MethodRule] = [:]

    func add(_ service: String, _ methods: [String], _ rule: MethodRule) {
      for method in methods {
        let path = "/\(service)/\(method)"
        precondition(exact[path] == nil, "\(path) has two rules")
        exact[path] = rule
      }
    }

    func user(_ scope: String) -> MethodRule {
      MethodRule(mode: .bearerOnly, role: .user, scope: scope)
    }

    func admin(_ scope: String) -> MethodRule {
      MethodRule(mode: .bearerOnly, role: .admin, scope: scope)
    }

    let openShell = OpenShellServices.openShell
    let inference = OpenShellServices.inference
    let all = AuthorizationPolicy.allScope

    // Probes must answer before anyone can authenticate.
    add(openShell, ["Health"], MethodRule(mode: .unauthenticated))
    add(inference, ["Health"], MethodRule(mode: .unauthenticated))

    // Calls only the sandbox supervisor makes, including the two streams it holds open for
    // the sandbox's life; they must work with no Bearer at all.
    add(
      openShell,
      [
        "ReportPolicyStatus", "PushSandboxLogs", "GetSandboxProviderEnvironment",
        "SubmitPolicyAnalysis", "ConnectSupervisor", "RelayStream",
      ],
      MethodRule(mode: .sandboxOnly)
    )
    add(inference, ["GetInferenceBundle"], MethodRule(mode: .sandboxOnly))
    add(OpenShellServices.legacySandbox, ["GetSandboxConfig"], MethodRule(mode: .sandboxOnly))

    // Both a user and the supervisor call these; the supervisor's scope is narrowed later by
    // the sandbox-scope checks.
    add(openShell, ["GetSandboxConfig", "GetDraftPolicy"], .dualAuth(role: .user, "config:read"))
    add(openShell, ["UpdateConfig"], .dualAuth(role: .admin, "config:write"))

    add(
      openShell,
      [
        "GetSandbox", "ListSandboxes", "ListSandboxProviders", "WatchSandbox", "GetSandboxLogs",
        "GetService", "ListServices", "GetSandboxPolicyStatus", "ListSandboxPolicies",
      ],
      user("sandbox:read")
    )
    add(
      openShell,
      [
        "CreateSandbox", "DeleteSandbox", "ExecSandbox", "ForwardTcp", "CreateSshSession",
        "RevokeSshSession", "ExposeService", "DeleteService", "AttachSandboxProvider",
        "DetachSandboxProvider",
      ],
      user("sandbox:write")
    )
    add(openShell, ["GetProvider", "ListProviders"], user("provider:read"))
    add(
      openShell,
      ["CreateProvider", "UpdateProvider", "DeleteProvider"],
      admin("provider:write")
    )
    add(openShell, ["GetGatewayConfig", "GetDraftHistory"], user("config:read"))
    add(
      openShell,
      [
        "ApproveDraftChunk", "ApproveAllDraftChunks", "RejectDraftChunk", "EditDraftChunk",
        "UndoDraftChunk", "ClearDraftChunks",
      ],
      admin("config:write")
    )
    add(
      openShell,
      [
        "ListProviderProfiles", "GetProviderProfile", "ImportProviderProfiles",
        "LintProviderProfiles", "DeleteProviderProfile",
      ],
      user(all)
    )
    add(inference, ["GetClusterInference"], user("inference:read"))
    add(inference, ["SetClusterInference"], admin("inference:write"))

    return MethodTable(
      exact: exact,
      prefixes: [
        "/grpc.health.": MethodRule(mode: .unauthenticated),
        "/grpc.reflection.": MethodRule(mode: .unauthenticated),
      ]
    )
  }()
}

extension MethodRule {
  fileprivate static func dualAuth(role: RoleRequirement, _ scope: String) -> MethodRule {
    MethodRule(mode: .dualAuth, role: role, scope: scope)
  }
}

/// The fully qualified names of the OpenShell gRPC services.
public enum OpenShellServices {
  /// `openshell.v1.OpenShell`.
  public static let openShell = "openshell.v1.OpenShell"
  /// `openshell.inference.v1.Inference`.
  public static let inference = "openshell.inference.v1.Inference"
  /// `openshell.sandbox.v1.SandboxService`, which older supervisors still call.
  public static let legacySandbox = "openshell.sandbox.v1.SandboxService"
}
