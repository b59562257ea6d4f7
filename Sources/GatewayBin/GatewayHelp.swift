import OpenShellCLI
import OpenShellGateway

/// The gateway's help texts, laid out like a manual page.
enum GatewayHelp {
  static let generateCertsOptions: [OptionSpec] = [
    OptionSpec(
      "output-dir", kind: .value(placeholder: "DIR"),
      help: "Where the files go; created when absent."),
    OptionSpec(
      "server-san", kind: .repeatedValue(placeholder: "NAME"),
      help: "A DNS name or IP address for the server certificate; repeat for more.",
      default: "localhost, 127.0.0.1 and ::1"
    ),
    OptionSpec(
      "user", kind: .value(placeholder: "NAME"),
      help: "The CLI user's name, the CN of client.pem (its OU is openshell-user).",
      default: "openshell-user"
    ),
    OptionSpec(
      "sandbox", kind: .repeatedValue(placeholder: "NAME"),
      help: "Issue sandbox-NAME.pem with the URI SAN openshell://sandbox/NAME; repeat for more."
    ),
    OptionSpec("force", kind: .flag, help: "Replace existing files."),
  ]

  static var manual: String {
    """
    NAME
      openshell-gateway - the OpenShell control-plane gateway

    SYNOPSIS
      openshell-gateway [run] [OPTIONS]
      openshell-gateway generate-certs --output-dir DIR [OPTIONS]

    DESCRIPTION
      Serves the OpenShell gRPC API to CLI users, who send an OIDC access token as
      'authorization: Bearer', and to sandbox supervisors, who connect over mutual TLS with
      a client certificate from the gateway's client CA. Every call passes the auth decision
      on its headers before any of its body reaches a handler; refusals are logged one line
      each.

      The TLS mode follows from the options: --tls-client-ca without OIDC requires client
      certificates; with --oidc-issuer too they are optional; OIDC without a client CA
      trusts no sandbox; --disable-tls serves h2c behind a TLS-terminating proxy.

    OPTIONS
    \(CommandLineParser(options: GatewayConfiguration.options).optionsHelp())
    REMOVED OPTIONS
      --ssh-handshake-secret, --ssh-handshake-skew-secs
          Removed: sandboxes authenticate with client certificates. Passing either exits
          with status 2; OPENSHELL_SSH_HANDSHAKE_SECRET and OPENSHELL_SSH_HANDSHAKE_SKEW_SECS
          draw a warning and have no effect.

    SIGNALS
      SIGTERM, SIGINT
          Stop accepting, let in-flight calls finish (up to 10 seconds), close the
          database, exit 0.

    EXIT STATUS
      0 after a clean stop; 1 when the configuration or start-up fails; 2 for usage errors
      and removed options.

    EXAMPLES
      openshell-gateway generate-certs --output-dir pki --sandbox demo
      openshell-gateway --tls-cert pki/server.pem --tls-key pki/server-key.pem \\
          --tls-client-ca pki/ca.pem --oidc-issuer http://127.0.0.1:9000 --port 8443

    SEE ALSO
      docs/gateway-auth.md
    """
  }

  static var generateCerts: String {
    """
    NAME
      openshell-gateway generate-certs - write a development PKI

    SYNOPSIS
      openshell-gateway generate-certs --output-dir DIR [OPTIONS]

    DESCRIPTION
      Writes ca.pem, server.pem, client.pem and one sandbox-NAME.pem per --sandbox, each with
      its -key.pem (mode 0600). Existing files are left alone unless --force is given: with a
      CA already in DIR, only the missing certificates are issued, signed by that CA, so
      adding --sandbox NAME later gives a new sandbox its certificate. --force replaces the
      whole PKI: a new CA, and new certificates for the server, the user and every sandbox
      whose certificate is in DIR. For development only: production CAs belong in the
      organisation's PKI.

    OPTIONS
    \(CommandLineParser(options: generateCertsOptions).optionsHelp())
    """
  }
}
