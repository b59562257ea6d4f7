/// How a method authenticates its callers; every method has exactly one.
public enum AuthMode: Hashable, Sendable, CustomStringConvertible {
  /// Anyone may call it (health probes, reflection).
  case unauthenticated
  /// Only a sandbox supervisor, proved by its client certificate, may call it.
  case sandboxOnly
  /// A Bearer token makes the caller a user with full user scope; without one the caller
  /// must prove a sandbox identity and gets sandbox-restricted scope.
  case dualAuth
  /// Only a user with a Bearer token (or, where configured, a user certificate) may call it.
  case bearerOnly

  /// `unauthenticated`, `sandbox-only`, `dual-auth` or `bearer-only`.
  public var description: String {
    switch self {
    case .unauthenticated: "unauthenticated"
    case .sandboxOnly: "sandbox-only"
    case .dualAuth: "dual-auth"
    case .bearerOnly: "bearer-only"
    }
  }
}

/// The role a user needs for a method on the Bearer path.
public enum RoleRequirement: Hashable, Sendable, CustomStringConvertible {
  /// No role: the method is not on the Bearer path.
  case none
  /// The configured user role; the admin role satisfies it too.
  case user
  /// The configured admin role.
  case admin

  /// `none`, `user` or `admin`.
  public var description: String {
    switch self {
    case .none: "none"
    case .user: "user"
    case .admin: "admin"
    }
  }
}

/// What a method demands of its caller.
public struct MethodRule: Hashable, Sendable {
  /// How callers authenticate.
  public var mode: AuthMode

  /// The role a user needs on the Bearer path.
  public var role: RoleRequirement

  /// The scope a user's token needs when scopes are enforced; `nil` for methods with no
  /// Bearer path. ``AuthorizationPolicy/allScope`` satisfies every scope.
  public var scope: String?

  /// Creates a rule.
  public init(mode: AuthMode, role: RoleRequirement = .none, scope: String? = nil) {
    self.mode = mode
    self.role = role
    self.scope = scope
  }

  /// The rule for a path the table does not know: the strictest Bearer rule there is, so an
  /// unknown method is reachable only by an admin whose token grants everything, and never
  /// by a sandbox or an anonymous caller.
  public static let strictest = MethodRule(
    mode: .bearerOnly,
    role: .admin,
    scope: AuthorizationPolicy.allScope
  )
}
