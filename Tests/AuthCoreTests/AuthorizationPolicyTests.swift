import AuthCore
import Testing

@Suite("Authorization policy")
struct AuthorizationPolicyTests {
  @Test(
    "one role without the other is a configuration error",
    arguments: [("admin", nil), (nil, "user"), ("admin", ""), ("", "user")] as [(String?, String?)]
  )
  func oneRole(admin: String?, user: String?) {
    #expect(throws: AuthError.self) {
      try AuthorizationPolicy(adminRole: admin, userRole: user)
    }
  }

  @Test("both roles empty means authentication only")
  func authenticationOnly() throws {
    let policy = try AuthorizationPolicy(adminRole: "", userRole: nil)
    #expect(!policy.rolesEnforced)
    let rule = MethodRule(mode: .bearerOnly, role: .admin, scope: "config:write")
    try policy.authorize(Fixtures.nobody, for: rule, method: "/m/M")
  }

  @Test("the admin role satisfies a user method; the user role does not satisfy an admin one")
  func roles() throws {
    let policy = try AuthorizationPolicy(adminRole: "a", userRole: "u")
    let adminIdentity = Identity(subject: "x", roles: ["a"], provider: .oidc)
    let userIdentity = Identity(subject: "y", roles: ["u"], provider: .oidc)
    let userRule = MethodRule(mode: .bearerOnly, role: .user, scope: "sandbox:read")
    let adminRule = MethodRule(mode: .bearerOnly, role: .admin, scope: "config:write")

    try policy.authorize(adminIdentity, for: userRule, method: "/m/M")
    try policy.authorize(userIdentity, for: userRule, method: "/m/M")
    try policy.authorize(adminIdentity, for: adminRule, method: "/m/M")
    let error = #expect(throws: AuthError.self) {
      try policy.authorize(userIdentity, for: adminRule, method: "/m/M")
    }
    #expect(error?.code == .permissionDenied)
    #expect(error?.message == "/m/M requires the role 'a'")
  }

  @Test("scopes are checked only when enforced, and openshell:all grants every scope")
  func scopes() throws {
    let off = try AuthorizationPolicy(adminRole: nil, userRole: nil, scopesEnforced: false)
    let on = try AuthorizationPolicy(adminRole: nil, userRole: nil, scopesEnforced: true)
    let rule = MethodRule(mode: .bearerOnly, role: .user, scope: "provider:read")
    let noScopes = Identity(subject: "x", provider: .oidc)
    let all = Identity(subject: "x", scopes: ["openshell:all"], provider: .oidc)

    try off.authorize(noScopes, for: rule, method: "/m/M")
    try on.authorize(all, for: rule, method: "/m/M")
    let error = #expect(throws: AuthError.self) {
      try on.authorize(noScopes, for: rule, method: "/m/M")
    }
    #expect(error?.message == "/m/M requires the scope 'provider:read'")
  }
}
