import AuthCore
import Foundation
import OpenShellCLI
import OpenShellGateway
import Testing

@Suite("Gateway configuration")
final class GatewayConfigurationTests {
  let directory: String
  let parser = CommandLineParser(options: GatewayConfiguration.options)

  init() throws {
    directory = try makeTemporaryDirectory()
    try DevelopmentPKI(options: .init(outputDirectory: directory)).generate()
  }

  deinit {
    try? FileManager.default.removeItem(atPath: directory)
  }

  func configuration(_ arguments: [String], _ environment: [String: String] = [:]) throws
    -> GatewayConfiguration
  {
    try GatewayConfiguration(parser.parse(arguments, environment: environment))
  }

  var tls: [String] {
    ["--tls-cert", "\(directory)/server.pem", "--tls-key", "\(directory)/server-key.pem"]
  }

  @Test("the client CA and OIDC settings decide the TLS mode")
  func modes() throws {
    let ca = ["--tls-client-ca", "\(directory)/ca.pem"]
    let issuer = ["--oidc-issuer", "https://issuer.example/realms/openshell"]
    #expect(try configuration(tls + ca).auth.clientCertificates == .required)
    #expect(try configuration(tls + ca + issuer).auth.clientCertificates == .optional)
    let oidcOnly = try configuration(tls + issuer)
    #expect(oidcOnly.auth.clientCertificates == .none)
    #expect(oidcOnly.modeDescription.contains("sandbox methods are refused"))
    let proxied = try configuration(["--disable-tls", "--disable-gateway-auth"])
    #expect(proxied.transport == .plaintext)
    #expect(proxied.auth.gatewayAuthDisabled)
  }

  @Test("scopes are enforced only when a scopes claim is configured")
  func scopes() throws {
    let base = tls + ["--oidc-issuer", "https://issuer.example"]
    #expect(try configuration(base).auth.policy.scopesEnforced == false)
    #expect(try configuration(base + ["--oidc-scopes-claim", "scope"]).auth.policy.scopesEnforced)
  }

  @Test(
    "bad configuration is refused with what to fix",
    arguments: [
      (["--oidc-admin-role", "admin", "--oidc-user-role", ""], "--oidc-admin-role"),
      (["--oidc-issuer", "issuer.example"], "https://"),
      (["--oidc-issuer", "http://issuer.example"], "loopback"),
      (["--oidc-issuer", "https://user@issuer.example"], "credentials"),
      (["--port", "70000"], "--port"),
      (["--bind-address", "localhost"], "--bind-address"),
      (["--log-level", "loud"], "--log-level"),
      (["--oidc-issuer", "https://i.example", "--oidc-jwks-ttl", "0"], "--oidc-jwks-ttl"),
      (["--oidc-audience", "cli"], "without --oidc-issuer"),
    ]
  )
  func refused(extra: [String], fragment: String) throws {
    let ca = ["--tls-client-ca", "\(directory)/ca.pem"]
    let error = #expect(throws: CommandLineError.self) {
      try self.configuration(self.tls + ca + extra)
    }
    #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "")")
  }

  @Test("a missing key file is named in the error")
  func missingFile() {
    let error = #expect(throws: CommandLineError.self) {
      try self.configuration([
        "--tls-cert", "\(self.directory)/server.pem", "--tls-key", "\(self.directory)/nope.pem",
        "--tls-client-ca", "\(self.directory)/ca.pem",
      ])
    }
    #expect(error?.message.contains("nope.pem") == true)
    #expect(error?.exitStatus == 1)
  }

  @Test("TLS without certificates, or nobody to authenticate, is refused")
  func incomplete() {
    #expect(throws: CommandLineError.self) { try self.configuration([]) }
    #expect(throws: CommandLineError.self) { try self.configuration(self.tls) }
    #expect(throws: CommandLineError.self) {
      try self.configuration(["--disable-tls", "--tls-cert", "x"])
    }
    #expect(throws: CommandLineError.self) { try self.configuration(["--disable-tls"]) }
  }

  @Test("http:// issuers on loopback are accepted")
  func loopbackIssuer() throws {
    for issuer in ["http://127.0.0.1:9000/realm", "http://localhost", "http://[::1]:80"] {
      #expect(try configuration(tls + ["--oidc-issuer", issuer]).oidc?.issuer == issuer)
    }
  }
}
