/// Who the auth decision admitted a call as. Handlers act on this and never re-derive it.
public enum Principal: Hashable, Sendable {
  /// Nobody in particular: an unauthenticated method such as a health probe.
  case anonymous
  /// A sandbox supervisor.
  case sandbox(SandboxPrincipal)
  /// A person (or automation) with a verified user identity.
  case user(Identity)

  /// `anonymous`, `sandbox` or `user`, for logs.
  public var kind: String {
    switch self {
    case .anonymous: "anonymous"
    case .sandbox: "sandbox"
    case .user: "user"
    }
  }
}

/// A sandbox supervisor admitted on the strength of its channel.
public struct SandboxPrincipal: Hashable, Sendable {
  /// How the sandbox was trusted.
  public enum Proof: Hashable, Sendable {
    /// A client certificate that verified against the gateway's client CA.
    case certificate(PeerCertificate)
    /// The operator disabled gateway auth: a fronting proxy vouches for the caller.
    case trustedProxy
  }

  /// The sandbox this principal is bound to, from the certificate's
  /// `openshell://sandbox/<name>` URI; `nil` for an unbound principal, which the sandbox-scope
  /// checks do not narrow to one sandbox.
  public var sandboxName: String?

  /// How the sandbox was trusted.
  public var proof: Proof

  /// Creates a sandbox principal.
  public init(sandboxName: String?, proof: Proof) {
    self.sandboxName = sandboxName
    self.proof = proof
  }
}

/// Reading the sandbox identity a certificate carries.
extension PeerCertificate {
  /// The URI prefix of a sandbox identity, `openshell://sandbox/`.
  public static let sandboxURIPrefix = "openshell://sandbox/"

  /// The organizational unit of a CLI user's certificate, `openshell-user`.
  ///
  /// A certificate with it, and no sandbox identity, is a person's and is never admitted as a
  /// sandbox, whatever roles the gateway's policy names.
  public static let userUnit = "openshell-user"

  /// Every URI SAN that claims a sandbox identity, valid or not.
  var sandboxIdentityURIs: [String] {
    uris.filter { $0.utf8.starts(with: Self.sandboxURIPrefix.utf8) }
  }
}

/// The names sandboxes (and the gateway's other resources) may have.
public enum SandboxName {
  /// Whether `name` is a valid name: 1 to 63 ASCII letters, digits, `-`, `_` and `.`,
  /// starting with a letter or digit.
  ///
  /// A certificate's sandbox identity must be such a name; anything else (an escape, a slash,
  /// a query) is refused rather than decoded, so one certificate can never name two different
  /// sandboxes depending on who parses it.
  ///
  /// - Parameter name: The candidate name.
  /// - Returns: Whether it is valid.
  public static func isValid(_ name: String) -> Bool {
    let bytes = Array(name.utf8)
    guard (1...63).contains(bytes.count), isAlphanumeric(bytes[0]) else { return false }
    return bytes.allSatisfy { byte in
      isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        || byte == UInt8(ascii: ".")
    }
  }

  private static func isAlphanumeric(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
      || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
  }
}
