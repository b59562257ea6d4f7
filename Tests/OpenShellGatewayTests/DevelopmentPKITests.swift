import Foundation
import OpenShellGateway
import Testing

@Suite("Development PKI")
struct DevelopmentPKITests {
  @Test("every certificate verifies against the CA with the right purpose, per the openssl CLI")
  func verifies() async throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let pki = DevelopmentPKI(
      options: .init(outputDirectory: directory, userName: "alice", sandboxNames: ["alpha"])
    )
    try pki.generate()

    let checks: [(String, String)] = [
      ("server", "sslserver"), ("client", "sslclient"), ("sandbox-alpha", "sslclient"),
    ]
    for (name, purpose) in checks {
      let result = try await Subprocess.run(
        "openssl",
        [
          "verify", "-purpose", purpose, "-CAfile", "\(directory)/ca.pem",
          "\(directory)/\(name).pem",
        ]
      )
      #expect(result.status == 0, "\(name): \(result.output) \(result.error)")
    }
    // A client certificate must not pass as a server certificate.
    let wrongPurpose = try await Subprocess.run(
      "openssl",
      [
        "verify", "-purpose", "sslserver", "-CAfile", "\(directory)/ca.pem",
        "\(directory)/client.pem",
      ]
    )
    #expect(wrongPurpose.status != 0)
  }

  @Test("names, units and SANs are where the gateway reads them")
  func contents() async throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try DevelopmentPKI(
      options: .init(
        outputDirectory: directory,
        serverNames: ["gateway.test", "127.0.0.1", "::1"],
        userName: "alice",
        sandboxNames: ["alpha", "beta"]
      )
    ).generate()

    func text(_ name: String) async throws -> String {
      try await Subprocess.run(
        "openssl",
        ["x509", "-noout", "-subject", "-ext", "subjectAltName", "-in", "\(directory)/\(name).pem"]
      ).output
    }
    let server = try await text("server")
    #expect(server.contains("DNS:gateway.test"))
    #expect(server.contains("IP Address:127.0.0.1"))
    #expect(server.contains("IP Address:0:0:0:0:0:0:0:1"))
    let client = try await text("client")
    #expect(client.contains("CN = alice"))
    #expect(client.contains("OU = openshell-user"))
    #expect(try await text("sandbox-beta").contains("URI:openshell://sandbox/beta"))
  }

  @Test("keys are written mode 0600 and match their certificates")
  func keys() async throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try DevelopmentPKI(options: .init(outputDirectory: directory, sandboxNames: ["a"])).generate()

    for name in ["ca", "server", "client", "sandbox-a"] {
      let attributes = try FileManager.default.attributesOfItem(
        atPath: "\(directory)/\(name)-key.pem"
      )
      #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(name)-key.pem")
      let fromKey = try await Subprocess.run(
        "openssl", ["pkey", "-pubout", "-in", "\(directory)/\(name)-key.pem"])
      let fromCertificate = try await Subprocess.run(
        "openssl",
        ["x509", "-noout", "-pubkey", "-in", "\(directory)/\(name).pem"]
      )
      #expect(fromKey.output == fromCertificate.output)
    }
  }

  @Test("existing files are not overwritten without force")
  func noOverwrite() async throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let options = DevelopmentPKI.Options(outputDirectory: directory)
    try DevelopmentPKI(options: options).generate()
    let names = ["ca", "server", "client"]
    let before = try names.map {
      try String(contentsOfFile: "\(directory)/\($0).pem", encoding: .utf8)
    }

    #expect(try DevelopmentPKI(options: options).generate().isEmpty)
    let again = try names.map {
      try String(contentsOfFile: "\(directory)/\($0).pem", encoding: .utf8)
    }
    #expect(again == before)

    var forced = options
    forced.force = true
    try DevelopmentPKI(options: forced).generate()
    #expect(try String(contentsOfFile: "\(directory)/ca.pem", encoding: .utf8) != before[0])
  }

  @Test("a sandbox added later is signed by the CA already there, and nothing else changes")
  func addSandbox() async throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try DevelopmentPKI(options: .init(outputDirectory: directory, sandboxNames: ["a"])).generate()
    let ca = try String(contentsOfFile: "\(directory)/ca.pem", encoding: .utf8)
    let sandboxA = try String(contentsOfFile: "\(directory)/sandbox-a.pem", encoding: .utf8)

    let written = try DevelopmentPKI(
      options: .init(outputDirectory: directory, sandboxNames: ["a", "b"])
    ).generate()
    #expect(written == ["\(directory)/sandbox-b.pem", "\(directory)/sandbox-b-key.pem"])
    #expect(try String(contentsOfFile: "\(directory)/ca.pem", encoding: .utf8) == ca)
    #expect(try String(contentsOfFile: "\(directory)/sandbox-a.pem", encoding: .utf8) == sandboxA)
    let verify = try await Subprocess.run(
      "openssl",
      [
        "verify", "-purpose", "sslclient", "-CAfile", "\(directory)/ca.pem",
        "\(directory)/sandbox-b.pem",
      ]
    )
    #expect(verify.status == 0, "\(verify.output) \(verify.error)")
  }

  @Test("half a pair, or a leaf without its CA, is refused without force and nothing is written")
  func inconsistentFolder() async throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let options = DevelopmentPKI.Options(outputDirectory: directory, sandboxNames: ["a"])
    try DevelopmentPKI(options: options).generate()

    try FileManager.default.removeItem(atPath: "\(directory)/sandbox-a-key.pem")
    #expect {
      try DevelopmentPKI(options: options).generate()
    } throws: { error in
      "\(error)".contains("sandbox-a.pem exists without \(directory)/sandbox-a-key.pem")
    }
    #expect(!FileManager.default.fileExists(atPath: "\(directory)/sandbox-a-key.pem"))

    try FileManager.default.removeItem(atPath: "\(directory)/sandbox-a.pem")
    try FileManager.default.removeItem(atPath: "\(directory)/ca.pem")
    try FileManager.default.removeItem(atPath: "\(directory)/ca-key.pem")
    #expect {
      try DevelopmentPKI(options: options).generate()
    } throws: { error in
      "\(error)".contains("server.pem exists but ca.pem does not")
    }
    #expect(!FileManager.default.fileExists(atPath: "\(directory)/ca.pem"))
  }

  @Test("force reissues every sandbox certificate in the folder under the new CA")
  func forceReissuesSandboxes() async throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try DevelopmentPKI(options: .init(outputDirectory: directory, sandboxNames: ["a", "b"]))
      .generate()

    let written = try DevelopmentPKI(options: .init(outputDirectory: directory, force: true))
      .generate()
    #expect(written.contains("\(directory)/sandbox-a.pem"))
    #expect(written.contains("\(directory)/sandbox-b.pem"))
    for name in ["server", "client", "sandbox-a", "sandbox-b"] {
      let verify = try await Subprocess.run(
        "openssl", ["verify", "-CAfile", "\(directory)/ca.pem", "\(directory)/\(name).pem"])
      #expect(verify.status == 0, "\(name): \(verify.output) \(verify.error)")
    }
  }

  @Test("a leaf the CA did not sign, or a CA that is not one, is refused without force")
  func foreignCertificates() async throws {
    let directory = try makeTemporaryDirectory()
    let other = try makeTemporaryDirectory()
    defer {
      try? FileManager.default.removeItem(atPath: directory)
      try? FileManager.default.removeItem(atPath: other)
    }
    try DevelopmentPKI(options: .init(outputDirectory: directory, sandboxNames: ["a"]))
      .generate()
    try DevelopmentPKI(options: .init(outputDirectory: other, sandboxNames: ["a"])).generate()
    for suffix in [".pem", "-key.pem"] {
      try FileManager.default.removeItem(atPath: "\(directory)/sandbox-a\(suffix)")
      try FileManager.default.copyItem(
        atPath: "\(other)/sandbox-a\(suffix)", toPath: "\(directory)/sandbox-a\(suffix)")
    }
    #expect {
      try DevelopmentPKI(options: .init(outputDirectory: directory, sandboxNames: ["a"]))
        .generate()
    } throws: { error in
      "\(error)".contains("sandbox-a.pem was not signed by")
    }

    // The server's certificate and key, put in place of the CA's.
    let fake = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: fake) }
    try FileManager.default.copyItem(atPath: "\(other)/server.pem", toPath: "\(fake)/ca.pem")
    try FileManager.default.copyItem(
      atPath: "\(other)/server-key.pem", toPath: "\(fake)/ca-key.pem")
    #expect {
      try DevelopmentPKI(options: .init(outputDirectory: fake, sandboxNames: ["q"])).generate()
    } throws: { error in
      "\(error)".contains("is not a CA certificate")
    }
    #expect(!FileManager.default.fileExists(atPath: "\(fake)/sandbox-q.pem"))
  }

  @Test("a CA key that is not the CA's is refused")
  func mismatchedCAKey() async throws {
    let directory = try makeTemporaryDirectory()
    let other = try makeTemporaryDirectory()
    defer {
      try? FileManager.default.removeItem(atPath: directory)
      try? FileManager.default.removeItem(atPath: other)
    }
    try DevelopmentPKI(options: .init(outputDirectory: directory)).generate()
    try DevelopmentPKI(options: .init(outputDirectory: other)).generate()
    try FileManager.default.removeItem(atPath: "\(directory)/ca-key.pem")
    try FileManager.default.copyItem(
      atPath: "\(other)/ca-key.pem", toPath: "\(directory)/ca-key.pem")
    #expect {
      try DevelopmentPKI(options: .init(outputDirectory: directory, sandboxNames: ["x"]))
        .generate()
    } throws: { error in
      "\(error)".contains("is not the key of")
    }
    #expect(!FileManager.default.fileExists(atPath: "\(directory)/sandbox-x.pem"))
  }

  @Test(
    "a sandbox name that cannot be an identity is refused", arguments: ["", "a/b", ".x", "a b"])
  func badSandboxName(name: String) async throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    #expect(throws: PKIError.self) {
      try DevelopmentPKI(options: .init(outputDirectory: directory, sandboxNames: [name]))
        .generate()
    }
  }
}
