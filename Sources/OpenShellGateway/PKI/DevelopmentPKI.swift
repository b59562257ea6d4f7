import AuthCore
internal import COpenSSL
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Writes a development PKI: a CA, a server certificate, a CLI user certificate and one
/// client certificate per sandbox, all made with OpenSSL's API.
///
/// Keys are EC P-256 and are written with mode 0600. Existing files are left alone unless
/// ``Options/force`` is set, so running it twice never silently replaces a CA that already
/// signed certificates in use: with a CA already in the folder, only the certificates that are
/// missing are issued, signed by that CA (how a new sandbox gets its certificate).
public struct DevelopmentPKI: Sendable {
  /// What to generate.
  public struct Options: Sendable {
    /// The folder the files go in; created when absent.
    public var outputDirectory: String
    /// Subject alternative names of the server certificate (DNS names or IP addresses);
    /// defaults to `localhost`, `127.0.0.1` and `::1`.
    public var serverNames: [String]
    /// The CLI user's name (the certificate's CN); defaults to `openshell-user`.
    public var userName: String
    /// The sandboxes to issue certificates for.
    public var sandboxNames: [String]
    /// Replace existing files; defaults to `false`.
    public var force: Bool
    /// Days the leaf certificates are valid; defaults to 365.
    public var validityDays: Int

    /// Creates options.
    public init(
      outputDirectory: String,
      serverNames: [String] = ["localhost", "127.0.0.1", "::1"],
      userName: String = "openshell-user",
      sandboxNames: [String] = [],
      force: Bool = false,
      validityDays: Int = 365
    ) {
      self.outputDirectory = outputDirectory
      self.serverNames = serverNames
      self.userName = userName
      self.sandboxNames = sandboxNames
      self.force = force
      self.validityDays = validityDays
    }
  }

  /// The organizational unit of user certificates, `openshell-user`.
  public static let userUnit = PeerCertificate.userUnit
  /// The organizational unit of sandbox certificates, `openshell-sandbox`.
  public static let sandboxUnit = "openshell-sandbox"

  /// What to generate.
  public let options: Options

  /// Creates a generator.
  public init(options: Options) {
    self.options = options
  }

  /// Generates the files that are missing (every file with ``Options/force``) and returns
  /// their paths.
  ///
  /// - Returns: The files written, in order; empty when every file already existed.
  /// - Throws: ``PKIError`` naming the file or the step that failed. Without
  ///   ``Options/force`` nothing is written when a certificate exists without its key (or the
  ///   reverse), or a leaf certificate exists without the CA.
  @discardableResult
  public func generate() throws(PKIError) -> [String] {
    try validate()
    let directory = options.outputDirectory
    if mkdir(directory, 0o755) != 0, errno != EEXIST {
      throw PKIError(
        "cannot create the output folder \(directory): \(String(cString: strerror(errno)))")
    }

    // --force replaces the whole PKI: sandboxes already in the folder get new certificates
    // too, or they would be left signed by a CA that no longer exists.
    let sandboxes =
      options.force
      ? options.sandboxNames + existingSandboxes().filter { !options.sandboxNames.contains($0) }
      : options.sandboxNames
    let leaves = ["server", "client"] + sandboxes.map { "sandbox-\($0)" }
    for name in ["ca"] + leaves where !options.force {
      if case .partial(let present, let missing) = presence(name) {
        throw PKIError(
          "\(present) exists without \(missing); restore it, or pass --force to "
            + "replace the whole PKI")
      }
    }

    let ca: Certificate
    let caKey: Key
    var plan = leaves
    var written: [String] = []
    if !options.force, presence("ca") == .complete {
      // The CA may already have signed certificates in use: keep it, and issue only the
      // certificates that are missing, such as one for a new sandbox.
      ca = try Certificate.load("\(directory)/ca.pem")
      caKey = try Key.load("\(directory)/ca-key.pem")
      guard ca.matches(caKey) else {
        throw PKIError("\(directory)/ca-key.pem is not the key of \(directory)/ca.pem")
      }
      guard ca.isCA else {
        throw PKIError("\(directory)/ca.pem is not a CA certificate")
      }
      for name in leaves where presence(name) == .complete {
        guard try Certificate.load("\(directory)/\(name).pem").isSigned(by: ca) else {
          throw PKIError(
            "\(directory)/\(name).pem was not signed by \(directory)/ca.pem; pass --force to "
              + "reissue the whole PKI")
        }
      }
      plan = leaves.filter { presence($0) == .absent }
    } else {
      if !options.force, let existing = leaves.first(where: { presence($0) != .absent }) {
        throw PKIError(
          "\(directory)/\(existing).pem exists but ca.pem does not; pass --force to replace "
            + "the whole PKI")
      }
      caKey = try Key.generate()
      ca = try CertificateBuilder(subject: [("CN", "OpenShell development CA")], key: caKey)
        .validity(days: 3650)
        .extensions([
          (NID_basic_constraints, "critical,CA:TRUE,pathlen:0"),
          (NID_key_usage, "critical,keyCertSign,cRLSign"),
          (NID_subject_key_identifier, "hash"),
        ])
        .sign(issuer: nil, issuerKey: caKey)
      written += try write(ca, caKey, name: "ca")
    }

    let serverSANs = options.serverNames.map { isIPAddress($0) ? "IP:\($0)" : "DNS:\($0)" }
    if plan.contains("server") {
      written += try issue(
        name: "server",
        subject: [("CN", options.serverNames.first ?? "localhost")],
        extendedUsage: "serverAuth",
        subjectAltNames: serverSANs,
        ca: ca,
        caKey: caKey
      )
    }
    if plan.contains("client") {
      written += try issue(
        name: "client",
        subject: [("CN", options.userName), ("OU", Self.userUnit)],
        extendedUsage: "clientAuth",
        subjectAltNames: [],
        ca: ca,
        caKey: caKey
      )
    }
    for sandbox in sandboxes where plan.contains("sandbox-\(sandbox)") {
      written += try issue(
        name: "sandbox-\(sandbox)",
        subject: [("CN", "sandbox-\(sandbox)"), ("OU", Self.sandboxUnit)],
        extendedUsage: "clientAuth",
        subjectAltNames: ["URI:openshell://sandbox/\(sandbox)"],
        ca: ca,
        caKey: caKey
      )
    }
    return written
  }

  /// The sandboxes whose certificates are in the output folder.
  private func existingSandboxes() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: options.outputDirectory))
    return (names ?? []).sorted().compactMap { file in
      guard file.hasPrefix("sandbox-"), file.hasSuffix(".pem"), !file.hasSuffix("-key.pem")
      else { return nil }
      let name = String(file.dropFirst("sandbox-".count).dropLast(".pem".count))
      return SandboxName.isValid(name) ? name : nil
    }
  }

  private enum Presence: Equatable {
    case absent
    case complete
    case partial(present: String, missing: String)
  }

  /// Whether `name`.pem and `name`-key.pem exist in the output folder.
  private func presence(_ name: String) -> Presence {
    let certificate = "\(options.outputDirectory)/\(name).pem"
    let key = "\(options.outputDirectory)/\(name)-key.pem"
    switch (access(certificate, F_OK) == 0, access(key, F_OK) == 0) {
    case (false, false): return .absent
    case (true, true): return .complete
    case (true, false): return .partial(present: certificate, missing: key)
    case (false, true): return .partial(present: key, missing: certificate)
    }
  }

  private func validate() throws(PKIError) {
    for name in options.sandboxNames where !SandboxName.isValid(name) {
      throw PKIError(
        "'\(name)' is not a valid sandbox name: use letters, digits, '-', '_' and '.', "
          + "starting with a letter or digit"
      )
    }
    for name in options.serverNames + [options.userName] {
      guard !name.isEmpty, !name.contains(where: { $0 == "," || $0 == "\n" || $0 == "\0" })
      else {
        throw PKIError("'\(name)' cannot be used in a certificate")
      }
    }
    guard options.validityDays > 0 else {
      throw PKIError("the validity must be at least one day")
    }
  }

  private func issue(
    name: String,
    subject: [(String, String)],
    extendedUsage: String,
    subjectAltNames: [String],
    ca: Certificate,
    caKey: Key
  ) throws(PKIError) -> [String] {
    let key = try Key.generate()
    var extensions: [(Int32, String)] = [
      (NID_basic_constraints, "critical,CA:FALSE"),
      (NID_key_usage, "critical,digitalSignature,keyAgreement"),
      (NID_ext_key_usage, extendedUsage),
      (NID_subject_key_identifier, "hash"),
      (NID_authority_key_identifier, "keyid:always"),
    ]
    if !subjectAltNames.isEmpty {
      extensions.append((NID_subject_alt_name, subjectAltNames.joined(separator: ",")))
    }
    let certificate = try CertificateBuilder(subject: subject, key: key)
      .validity(days: options.validityDays)
      .extensions(extensions)
      .sign(issuer: ca, issuerKey: caKey)
    return try write(certificate, key, name: name)
  }

  /// Writes a certificate and its key; returns both paths, certificate first.
  private func write(
    _ certificate: Certificate,
    _ key: Key,
    name: String
  ) throws(PKIError) -> [String] {
    let directory = options.outputDirectory
    try writeFile("\(directory)/\(name)-key.pem", mode: 0o600, contents: key.privatePEM())
    try writeFile("\(directory)/\(name).pem", mode: 0o644, contents: certificate.pem())
    return ["\(directory)/\(name).pem", "\(directory)/\(name)-key.pem"]
  }

  private func writeFile(_ path: String, mode: mode_t, contents: [UInt8]) throws(PKIError) {
    // Write to a fresh temporary file with its final mode, then rename: a key is never
    // readable by others, even for a moment, and a crash never leaves half a file.
    let temporary = "\(path).tmp-\(getpid())"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
    guard descriptor >= 0 else {
      throw PKIError("cannot create \(path): \(String(cString: strerror(errno)))")
    }
    let written = contents.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
    let synced = fsync(descriptor) == 0
    close(descriptor)
    guard written == contents.count, synced, rename(temporary, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw PKIError("cannot write \(path): \(reason)")
    }
  }
}

/// A failure while generating the development PKI.
public struct PKIError: Error, Hashable, Sendable, CustomStringConvertible {
  /// What failed, naming the file or the step.
  public var message: String

  init(_ message: String) {
    self.message = message
  }

  /// The message.
  public var description: String { message }
}
