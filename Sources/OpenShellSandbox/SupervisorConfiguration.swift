public import Logging
public import OpenShellCLI

/// How the supervisor reaches the gateway and which sandbox it speaks for.
public struct SupervisorConfiguration: Sendable {
  /// `https://host:port` (mutual TLS) or `http://host:port` (h2c behind a proxy).
  public var endpoint: String
  /// The sandbox's name or id at the gateway.
  public var sandboxID: String
  /// The CA bundle the gateway's certificate must chain to.
  public var trustRootsPath: String?
  /// This sandbox's client certificate.
  public var certificatePath: String?
  /// The certificate's key.
  public var keyPath: String?
  /// A local policy to sync when the gateway has none.
  public var policyPath: String?
  /// The lowest level logged.
  public var logLevel: Logger.Level
  /// Run the start-up sequence once and exit.
  public var once: Bool
  /// How often to poll the gateway for config changes.
  public var pollInterval: Duration

  /// The options `openshell-sandbox` accepts.
  public static let options: [OptionSpec] = [
    OptionSpec(
      "gateway-endpoint", environment: "OPENSHELL_ENDPOINT", kind: .value(placeholder: "URL"),
      help: "The gateway: https://HOST:PORT for mutual TLS, http://HOST:PORT for h2c behind a "
        + "TLS-terminating proxy."
    ),
    OptionSpec(
      "sandbox-id", environment: "OPENSHELL_SANDBOX_ID", kind: .value(placeholder: "ID"),
      help: "The sandbox this supervisor runs, by name or id."
    ),
    OptionSpec(
      "tls-ca", environment: "OPENSHELL_TLS_CA", kind: .value(placeholder: "FILE"),
      help: "The CA bundle the gateway's certificate must chain to."
    ),
    OptionSpec(
      "tls-cert", environment: "OPENSHELL_TLS_CERT", kind: .value(placeholder: "FILE"),
      help: "This sandbox's client certificate, from the gateway's client CA."
    ),
    OptionSpec(
      "tls-key", environment: "OPENSHELL_TLS_KEY", kind: .value(placeholder: "FILE"),
      help: "The client certificate's private key; not readable by group or others."
    ),
    OptionSpec(
      "policy", environment: "OPENSHELL_POLICY", kind: .value(placeholder: "FILE"),
      help: "A local policy as JSON, synced to the gateway when the gateway has none."
    ),
    OptionSpec(
      "log-level", environment: "OPENSHELL_LOG_LEVEL", kind: .value(placeholder: "LEVEL"),
      help: "trace, debug, info, notice, warning, error or critical.", default: "info"
    ),
    OptionSpec(
      "poll-interval", environment: "OPENSHELL_POLL_INTERVAL", kind: .value(placeholder: "SECS"),
      help: "Seconds between config polls.", default: "5"
    ),
    OptionSpec(
      "once", kind: .flag,
      help: "Run the start-up sequence, push its logs, and exit 0 on success or 1 on failure."
    ),
  ]

  /// Builds the configuration from parsed options.
  ///
  /// - Throws: ``OpenShellCLI/CommandLineError`` saying what to fix.
  public init(_ options: ParsedOptions) throws(CommandLineError) {
    guard let endpoint = options.value("gateway-endpoint"), !endpoint.isEmpty else {
      throw Self.missing("--gateway-endpoint (or OPENSHELL_ENDPOINT) is required")
    }
    guard endpoint.hasPrefix("https://") || endpoint.hasPrefix("http://") else {
      throw CommandLineError(
        code: .invalidValue,
        message: "--gateway-endpoint '\(endpoint)' must start with https:// or http://"
      )
    }
    guard let sandboxID = options.value("sandbox-id"), !sandboxID.isEmpty else {
      throw Self.missing("--sandbox-id (or OPENSHELL_SANDBOX_ID) is required")
    }
    self.endpoint = endpoint
    self.sandboxID = sandboxID
    trustRootsPath = options.nonEmptyValue("tls-ca")
    certificatePath = options.nonEmptyValue("tls-cert")
    keyPath = options.nonEmptyValue("tls-key")
    policyPath = options.nonEmptyValue("policy")
    once = options.isSet("once")

    logLevel = try options.logLevel()
    let pollText = options.value("poll-interval") ?? "5"
    guard let poll = Double(pollText), poll > 0 else {
      throw CommandLineError(
        code: .invalidValue,
        message: "--poll-interval '\(pollText)' is not a positive number of seconds"
      )
    }
    pollInterval = .milliseconds(Int64(poll * 1000))

    if endpoint.hasPrefix("https://") {
      guard let certificatePath, let keyPath else {
        throw Self.missing(
          "a sandbox authenticates to an https:// gateway with its client certificate: set "
            + "--tls-cert and --tls-key (OPENSHELL_TLS_CERT, OPENSHELL_TLS_KEY)"
        )
      }
      var files = [("--tls-cert", certificatePath), ("--tls-key", keyPath)]
      if let trustRootsPath { files.append(("--tls-ca", trustRootsPath)) }
      for (flag, path) in files { try requireReadableFile(path, option: flag) }
    }
    if let policyPath { try requireReadableFile(policyPath, option: "--policy") }
  }

  private static func missing(_ message: String) -> CommandLineError {
    CommandLineError(code: .usage, message: message)
  }
}
