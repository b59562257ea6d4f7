/// One option an executable accepts: its flag, its environment variable and its help.
public struct OptionSpec: Hashable, Sendable {
  /// Whether the option takes a value.
  public enum Kind: Hashable, Sendable {
    /// `--name`: on when present. The environment variable takes `1`/`true`/`yes`/`on` or
    /// `0`/`false`/`no`/`off`.
    case flag
    /// `--name VALUE` or `--name=VALUE`.
    case value(placeholder: String)
    /// Like ``value(placeholder:)``, and may be given more than once.
    case repeatedValue(placeholder: String)
  }

  /// The flag without its dashes, such as `bind-address`.
  public var name: String

  /// The environment variable that sets the option when the flag is absent.
  public var environment: String?

  /// Whether and how the option takes a value.
  public var kind: Kind

  /// What the option does, one or more sentences.
  public var help: String

  /// The value used when neither the flag nor the variable is given, for the help text.
  public var defaultDescription: String?

  /// Creates an option.
  public init(
    _ name: String,
    environment: String? = nil,
    kind: Kind,
    help: String,
    default defaultDescription: String? = nil
  ) {
    self.name = name
    self.environment = environment
    self.kind = kind
    self.help = help
    self.defaultDescription = defaultDescription
  }
}

/// An option that no longer exists, with what to do instead.
public struct RemovedOption: Hashable, Sendable {
  /// The removed flag without its dashes.
  public var name: String

  /// The environment variable that used to set it.
  public var environment: String

  /// Why it was removed and what replaces it.
  public var migration: String

  /// Creates a removed option.
  public init(name: String, environment: String, migration: String) {
    self.name = name
    self.environment = environment
    self.migration = migration
  }

  /// The shared SSH handshake secret and its clock skew, removed in favour of mutual TLS.
  public static let sshHandshake: [RemovedOption] = [
    RemovedOption(
      name: "ssh-handshake-secret",
      environment: "OPENSHELL_SSH_HANDSHAKE_SECRET",
      migration: sshMigration
    ),
    RemovedOption(
      name: "ssh-handshake-skew-secs",
      environment: "OPENSHELL_SSH_HANDSHAKE_SKEW_SECS",
      migration: sshMigration
    ),
  ]

  private static let sshMigration =
    "the shared SSH handshake secret was removed: sandbox supervisors now authenticate with "
    + "a client certificate over mutual TLS. Give each supervisor a certificate from the "
    + "gateway's client CA (OPENSHELL_TLS_CERT, OPENSHELL_TLS_KEY, OPENSHELL_TLS_CA), start the "
    + "gateway with --tls-client-ca, and delete the secret from command lines and environment "
    + "files; see docs/gateway-auth.md"
}
