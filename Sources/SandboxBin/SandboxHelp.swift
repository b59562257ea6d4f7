import OpenShellCLI
import OpenShellSandbox

/// The supervisor's help text, laid out like a manual page.
enum SandboxHelp {
  static var manual: String {
    """
    NAME
      openshell-sandbox - the sandbox supervisor's control-plane client

    SYNOPSIS
      openshell-sandbox --gateway-endpoint URL --sandbox-id ID [OPTIONS]

    DESCRIPTION
      Connects to the gateway with this sandbox's client certificate (never a Bearer token)
      and runs the start-up sequence: fetch the sandbox config; sync the local --policy when
      the gateway has none; report the policy status; fetch the provider environment and the
      inference bundle. Then it streams its log lines to the gateway, polls for config
      changes, and reconnects with capped, jittered backoff when the gateway goes away.

    OPTIONS
    \(CommandLineParser(options: SupervisorConfiguration.options).optionsHelp())
    REMOVED OPTIONS
      --ssh-handshake-secret, --ssh-handshake-skew-secs
          Removed: the supervisor authenticates with its client certificate. Passing either
          exits with status 2; the OPENSHELL_SSH_HANDSHAKE_* variables draw a warning.

    EXIT STATUS
      0 on success (with --once) or after SIGTERM; 1 when start-up fails; 2 for usage errors.
    """
  }
}
