import Foundation

/// A CA and a server certificate for 127.0.0.1 and localhost, made once per test process
/// with the `openssl` command-line tool.
///
/// `openssl req -x509` in OpenSSL 3.0 cannot set notBefore, so the certificates are issued
/// with `openssl ca -startdate`, backdated a day so clock skew between the tools cannot
/// make them not yet valid.
struct TestCertificates: Sendable {
  let directory: String
  var caPath: String { directory + "/ca.pem" }
  var serverCertificatePath: String { directory + "/server.pem" }
  var serverKeyPath: String { directory + "/server.key" }

  static let shared: TestCertificates = {
    do {
      return try make()
    } catch {
      fatalError("cannot make test certificates: \(error)")
    }
  }()

  private static func make() throws -> TestCertificates {
    let directory = NSTemporaryDirectory() + "oidc-tests-\(UUID().uuidString)"
    try FileManager.default.createDirectory(
      atPath: directory, withIntermediateDirectories: true)
    let config = """
      [ ca ]
      default_ca = test_ca
      [ test_ca ]
      dir = \(directory)
      database = \(directory)/index.txt
      new_certs_dir = \(directory)
      serial = \(directory)/serial
      default_md = sha256
      policy = any_name
      copy_extensions = none
      unique_subject = no
      [ any_name ]
      commonName = supplied
      [ ca_ext ]
      basicConstraints = critical,CA:TRUE
      keyUsage = critical,keyCertSign,cRLSign
      subjectKeyIdentifier = hash
      [ server_ext ]
      basicConstraints = CA:FALSE
      keyUsage = critical,digitalSignature
      extendedKeyUsage = serverAuth
      subjectAltName = IP:127.0.0.1,DNS:localhost
      authorityKeyIdentifier = keyid
      """
    try config.write(toFile: directory + "/ca.cnf", atomically: true, encoding: .utf8)
    let script = """
      set -e
      cd '\(directory)'
      : > index.txt
      echo 1000 > serial
      start=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)
      end=$(date -u -d '+2 days' +%Y%m%d%H%M%SZ)
      openssl ecparam -name prime256v1 -genkey -noout -out ca.key
      openssl req -new -key ca.key -subj '/CN=OIDC test CA' -out ca.csr
      openssl ca -batch -notext -config ca.cnf -selfsign -keyfile ca.key -in ca.csr \
        -startdate "$start" -enddate "$end" -extensions ca_ext -out ca.pem 2>/dev/null
      openssl ecparam -name prime256v1 -genkey -noout -out server.key
      openssl req -new -key server.key -subj '/CN=localhost' -out server.csr
      openssl ca -batch -notext -config ca.cnf -cert ca.pem -keyfile ca.key -in server.csr \
        -startdate "$start" -enddate "$end" -extensions server_ext -out server.pem 2>/dev/null
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", script]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw TestSupportError("openssl exited with \(process.terminationStatus)")
    }
    // Keys and certificates live as long as the test process; remove them when it exits.
    atexit {
      try? FileManager.default.removeItem(atPath: TestCertificates.shared.directory)
    }
    return TestCertificates(directory: directory)
  }
}

/// A failure in the test harness itself, not in the code under test.
struct TestSupportError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
