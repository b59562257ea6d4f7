/// Which roles and scopes a user needs, as the operator configured them.
///
/// With both roles empty the gateway authenticates users but authorises nothing by role
/// (authentication-only). Setting exactly one of them is refused: it almost always means a
/// typo in a deployment, and guessing either way would open or close the whole API.
public struct AuthorizationPolicy: Hashable, Sendable {
  /// The scope that grants every method, `openshell:all`.
  public static let allScope = "openshell:all"

  /// The role that admin methods need, or `nil` when roles are off.
  public let adminRole: String?

  /// The role that every other Bearer method needs, or `nil` when roles are off.
  public let userRole: String?

  /// Whether a token's scopes are checked against each method's scope.
  public let scopesEnforced: Bool

  /// Creates a policy.
  ///
  /// - Parameters:
  ///   - adminRole: The admin role; empty or `nil` for none.
  ///   - userRole: The user role; empty or `nil` for none.
  ///   - scopesEnforced: Whether scopes are checked; defaults to `false`.
  /// - Throws: ``AuthError`` when exactly one of the two roles is set.
  public init(adminRole: String?, userRole: String?, scopesEnforced: Bool = false) throws {
    let admin = adminRole.flatMap { $0.isEmpty ? nil : $0 }
    let user = userRole.flatMap { $0.isEmpty ? nil : $0 }
    switch (admin, user) {
    case (.some, .none):
      throw AuthError(
        code: .invalidArgument,
        message: "an admin role is set but no user role; set both roles, or neither for "
          + "authentication-only"
      )
    case (.none, .some):
      throw AuthError(
        code: .invalidArgument,
        message: "a user role is set but no admin role; set both roles, or neither for "
          + "authentication-only"
      )
    default:
      break
    }
    self.adminRole = admin
    self.userRole = user
    self.scopesEnforced = scopesEnforced
  }

  /// Authenticates users and checks neither roles nor scopes.
  public static let authenticationOnly = AuthorizationPolicy(unchecked: nil, nil, false)

  private init(unchecked admin: String?, _ user: String?, _ scopes: Bool) {
    self.adminRole = admin
    self.userRole = user
    self.scopesEnforced = scopes
  }

  /// Whether roles are checked at all.
  public var rolesEnforced: Bool {
    adminRole != nil
  }

  /// Checks that `identity` may call a method governed by `rule`.
  ///
  /// Identities the gateway itself vouches for (``Identity/Provider/internal``) pass: they
  /// come from the operator's own trusted proxy, which made this decision already.
  ///
  /// - Parameters:
  ///   - identity: The authenticated user.
  ///   - rule: The method's rule.
  ///   - method: The method path, for the refusal message.
  /// - Throws: ``AuthError`` with PERMISSION_DENIED naming the missing role or scope.
  public func authorize(_ identity: Identity, for rule: MethodRule, method: String) throws {
    guard identity.provider != .internal else { return }

    if let adminRole, let userRole {
      switch rule.role {
      case .none:
        break
      case .user:
        guard identity.roles.contains(userRole) || identity.roles.contains(adminRole) else {
          throw AuthError.permissionDenied("\(method) requires the role '\(userRole)'")
        }
      case .admin:
        guard identity.roles.contains(adminRole) else {
          throw AuthError.permissionDenied("\(method) requires the role '\(adminRole)'")
        }
      }
    }

    if scopesEnforced {
      let scope = rule.scope ?? Self.allScope
      guard identity.scopes.contains(scope) || identity.scopes.contains(Self.allScope) else {
        throw AuthError.permissionDenied("\(method) requires the scope '\(scope)'")
      }
    }
  }
}
