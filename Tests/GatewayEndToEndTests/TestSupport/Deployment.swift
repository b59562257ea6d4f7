import Foundation

/// A whole deployment made for one test: a development PKI from `generate-certs`, a local OIDC
/// issuer, and the gateway binary started on an ephemeral port.
final class Deployment {
  let directory: String
  let pki: String
  let state: String
  private(set) var issuer: ChildProcess?
  private(set) var issuerURL = ""
  private(set) var gateway: ChildProcess?
  private(set) var port = 0

  init() throws {
    directory = NSTemporaryDirectory() + "openshell-e2e-\(UUID().uuidString)"
    pki = directory + "/pki"
    state = directory + "/state"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  deinit {
    gateway?.kill(SIGKILL)
    issuer?.kill(SIGKILL)
    try? FileManager.default.removeItem(atPath: directory)
  }

  /// Runs `openshell-gateway generate-certs` for `sandboxes`.
  func generateCertificates(
    sandboxes: [String] = ["alpha", "beta"], into folder: String? = nil,
    serverNames: [String] = []
  ) async throws {
    var arguments = ["generate-certs", "--output-dir", folder ?? pki, "--user", "alice"]
    for sandbox in sandboxes { arguments += ["--sandbox", sandbox] }
    for name in serverNames { arguments += ["--server-san", name] }
    let child = try ChildProcess(Paths.executable("openshell-gateway"), arguments)
    let status = try await child.waitForExit()
    guard status == 0 else {
      throw ChildProcessError("generate-certs failed: \(child.standardError)")
    }
  }

  /// Starts the development issuer and returns its URL.
  @discardableResult
  func startIssuer() async throws -> String {
    let child = try ChildProcess(
      "/usr/bin/env",
      ["python3", Paths.devIssuer, "serve", "--state-dir", directory + "/issuer"]
    )
    issuer = child
    let line = try await child.waitForLine(startingWith: "issuer ")
    issuerURL = String(line.dropFirst("issuer ".count))
    return issuerURL
  }

  /// Mints a token for `user` with `roles` and `scopes`, signed by the issuer's key.
  func token(user: String, roles: [String], scopes: [String] = []) async throws -> String {
    var arguments = [
      "python3", Paths.devIssuer, "token", "--state-dir", directory + "/issuer",
      "--issuer", issuerURL, "--user", user,
    ]
    for role in roles { arguments += ["--role", role] }
    for scope in scopes { arguments += ["--scope", scope] }
    let child = try ChildProcess("/usr/bin/env", arguments)
    guard try await child.waitForExit() == 0 else {
      throw ChildProcessError("minting failed: \(child.standardError)")
    }
    return child.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// The TLS options for the generated PKI.
  var tlsArguments: [String] {
    ["--tls-cert", "\(pki)/server.pem", "--tls-key", "\(pki)/server-key.pem"]
  }

  /// Starts the gateway with `arguments` after `--port 0 --state-dir`, and waits for its
  /// `listening on` line.
  func startGateway(_ arguments: [String], environment: [String: String] = [:]) async throws {
    let child = try ChildProcess(
      Paths.executable("openshell-gateway"),
      ["--port", "0", "--state-dir", state, "--log-level", "debug"] + arguments,
      environment: environment
    )
    gateway = child
    let line = try await child.waitForLine(startingWith: "listening on ")
    guard let port = Int(line.split(separator: ":").last ?? "") else {
      throw ChildProcessError("cannot read the port from '\(line)'")
    }
    self.port = port
  }

  var target: String { "127.0.0.1:\(port)" }

  /// A grpcio client presenting `certificate` (a file stem in the PKI such as
  /// `sandbox-alpha`), or none.
  func grpcio(certificate: String? = nil, tls: Bool = true) throws -> GRPCIOClient {
    try GRPCIOClient(
      target: target,
      ca: tls ? "\(pki)/ca.pem" : nil,
      certificate: certificate.map { "\(pki)/\($0).pem" },
      key: certificate.map { "\(pki)/\($0)-key.pem" }
    )
  }
}
