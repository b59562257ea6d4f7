import Foundation
import TestSupport

/// Certificates and keys made with the `openssl` CLI once per test process.
///
/// Every certificate is backdated to 2024 so clock skew never matters; SANs cover
/// `localhost` and `127.0.0.1`.
struct TestCertificates: Sendable {
  let directory: String
  var caPath: String { directory + "/ca.pem" }
  var otherCAPath: String { directory + "/other-ca/ca.pem" }
  var serverCertPath: String { directory + "/server.pem" }
  var serverKeyPath: String { directory + "/server.key" }
  var clientCertPath: String { directory + "/client.pem" }
  var clientKeyPath: String { directory + "/client.key" }
  var expiredClientCertPath: String { directory + "/expired.pem" }
  var expiredClientKeyPath: String { directory + "/expired.key" }
  var strangerCertPath: String { directory + "/other-ca/stranger.pem" }
  var strangerKeyPath: String { directory + "/other-ca/stranger.key" }
  var otherHostCertPath: String { directory + "/otherhost.pem" }
  var otherHostKeyPath: String { directory + "/otherhost.key" }

  /// ``shared``, made on a thread outside the cooperative pool.
  ///
  /// The first use runs the `openssl` CLI a dozen times, and every other reader blocks until
  /// it is done; on the pool that held both of a 2-core machine's threads for seconds, so the
  /// handlers and clients of every test then running stalled past their deadlines.
  static func load() async throws -> TestCertificates {
    try await offPool { shared }
  }

  static let shared: TestCertificates = {
    do {
      return try TestCertificates.generate()
    } catch {
      fatalError("cannot generate test certificates: \(error)")
    }
  }()

  private static func generate() throws -> TestCertificates {
    let directory = NSTemporaryDirectory() + "grpc-transport-tests-\(getpid())"
    try FileManager.default.createDirectory(
      atPath: directory + "/other-ca", withIntermediateDirectories: true)
    let certs = TestCertificates(directory: directory)

    try makeCA(in: directory, name: "Transport Test CA")
    try makeCA(in: directory + "/other-ca", name: "Stranger CA")
    try issue(
      in: directory, name: "server", subject: "/CN=localhost", profile: "server")
    try issue(
      in: directory, name: "client", subject: "/OU=openshell-sandbox/OU=team-a/CN=sandbox-a",
      profile: "client")
    try issue(
      in: directory, name: "expired", subject: "/CN=expired-sandbox", profile: "client",
      start: "20200101000000Z", end: "20210101000000Z")
    try issue(
      in: directory, name: "otherhost", subject: "/CN=elsewhere", profile: "otherhost")
    try issue(
      in: directory + "/other-ca", name: "stranger", subject: "/CN=stranger", profile: "client")
    return certs
  }

  /// A client certificate from ``caPath`` that expires `seconds` from now, made off the
  /// cooperative pool; returns the certificate and key paths.
  func shortLivedClient(seconds: Int) async throws -> (certificate: String, key: String) {
    try await offPool {
      let formatter = DateFormatter()
      formatter.locale = Locale(identifier: "en_US_POSIX")
      formatter.timeZone = TimeZone(identifier: "UTC")
      formatter.dateFormat = "yyyyMMddHHmmss'Z'"
      let name = "short-lived-\(UUID().uuidString.prefix(8))"
      try Self.issue(
        in: directory, name: name, subject: "/CN=\(name)", profile: "client",
        end: formatter.string(from: Date().addingTimeInterval(Double(seconds))))
      return (directory + "/\(name).pem", directory + "/\(name).key")
    }
  }

  private static func config(_ directory: String) -> String {
    """
    [ ca ]
    default_ca = test_ca
    [ test_ca ]
    dir = \(directory)
    database = \(directory)/index.txt
    new_certs_dir = \(directory)
    serial = \(directory)/serial
    default_md = sha256
    policy = policy_any
    unique_subject = no
    [ policy_any ]
    organizationalUnitName = optional
    commonName = supplied
    [ v3_ca ]
    basicConstraints = critical, CA:TRUE
    keyUsage = critical, keyCertSign, cRLSign
    subjectKeyIdentifier = hash
    [ server ]
    basicConstraints = CA:FALSE
    keyUsage = critical, digitalSignature, keyEncipherment
    extendedKeyUsage = serverAuth, clientAuth
    subjectAltName = DNS:localhost, IP:127.0.0.1
    [ client ]
    basicConstraints = CA:FALSE
    keyUsage = critical, digitalSignature, keyEncipherment
    extendedKeyUsage = clientAuth, serverAuth
    subjectAltName = DNS:sandbox-a.local, URI:spiffe://openshell/sandbox/a, IP:10.0.0.7
    [ otherhost ]
    basicConstraints = CA:FALSE
    keyUsage = critical, digitalSignature, keyEncipherment
    extendedKeyUsage = serverAuth
    subjectAltName = DNS:elsewhere.example
    """
  }

  private static func makeCA(in directory: String, name: String) throws {
    try config(directory).write(
      toFile: directory + "/ca.cnf", atomically: true, encoding: .utf8)
    try "".write(toFile: directory + "/index.txt", atomically: true, encoding: .utf8)
    try "1000\n".write(toFile: directory + "/serial", atomically: true, encoding: .utf8)
    try newKeyAndRequest(in: directory, name: "ca", subject: "/CN=\(name)")
    try Shell.run([
      "openssl", "ca", "-batch", "-selfsign", "-config", directory + "/ca.cnf", "-notext",
      "-keyfile", directory + "/ca.key", "-in", directory + "/ca.csr", "-out",
      directory + "/ca.pem", "-extensions", "v3_ca", "-startdate", "20240101000000Z",
      "-enddate", "20400101000000Z",
    ])
  }

  private static func issue(
    in directory: String, name: String, subject: String, profile: String,
    start: String = "20240101000000Z", end: String = "20400101000000Z"
  ) throws {
    try newKeyAndRequest(in: directory, name: name, subject: subject)
    try Shell.run([
      "openssl", "ca", "-batch", "-config", directory + "/ca.cnf", "-notext", "-cert",
      directory + "/ca.pem", "-keyfile", directory + "/ca.key", "-in",
      directory + "/\(name).csr", "-out", directory + "/\(name).pem", "-extensions", profile,
      "-startdate", start, "-enddate", end,
    ])
  }

  private static func newKeyAndRequest(in directory: String, name: String, subject: String)
    throws
  {
    try Shell.run([
      "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
      "-nodes", "-keyout", directory + "/\(name).key", "-out", directory + "/\(name).csr",
      "-subj", subject,
    ])
    chmod(directory + "/\(name).key", 0o600)
  }
}
