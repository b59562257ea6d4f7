public import OpenShellAPI

/// The checks a supervisor runs before it reports a policy as loaded.
///
/// Enforcement itself (Landlock, the network proxy) belongs to the sandbox runtime; what the
/// control-plane client can promise is that the policy it hands over is well formed, and it
/// reports FAILED with the reason when it is not.
public enum PolicyCheck {
  /// Returns the first problem with `policy`, or `nil` when it can be loaded.
  public static func problem(in policy: SandboxPolicy) -> String? {
    for path in (policy.filesystem?.readOnly ?? []) + (policy.filesystem?.readWrite ?? [])
    where !path.hasPrefix("/") {
      return "filesystem path '\(path)' is not absolute"
    }
    for (name, rule) in policy.networkPolicies.orderedEntries {
      for endpoint in rule.endpoints {
        if endpoint.host.isEmpty && endpoint.allowedIPs.isEmpty {
          return "network rule '\(name)' has an endpoint with no host and no allowed IPs"
        }
        for port in [endpoint.port] + endpoint.ports where port > 65_535 {
          return "network rule '\(name)' names port \(port), past 65535"
        }
      }
      for binary in rule.binaries where !binary.path.hasPrefix("/") {
        return "network rule '\(name)' names binary '\(binary.path)', which is not absolute"
      }
    }
    return nil
  }
}
