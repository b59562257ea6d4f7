// A CLI user's client for the gateway: it authenticates with an OIDC Bearer token (or, on a
// gateway without OIDC, a user certificate) and makes a few calls, printing what came back.

import Foundation
import GRPCTransport
import OpenShellAPI
import OpenShellCLI
import OpenShellClient

let options: [OptionSpec] = [
  OptionSpec(
    "endpoint", environment: "OPENSHELL_ENDPOINT", kind: .value(placeholder: "URL"),
    help: "The gateway, https://HOST:PORT."),
  OptionSpec(
    "ca", environment: "OPENSHELL_TLS_CA", kind: .value(placeholder: "FILE"),
    help: "The CA the gateway's certificate chains to."),
  OptionSpec(
    "token", environment: "OPENSHELL_TOKEN", kind: .value(placeholder: "JWT"),
    help: "The OIDC access token sent as a Bearer."),
  OptionSpec(
    "cert", environment: "OPENSHELL_TLS_CERT", kind: .value(placeholder: "FILE"),
    help: "A user certificate, for a gateway without OIDC."),
  OptionSpec(
    "key", environment: "OPENSHELL_TLS_KEY", kind: .value(placeholder: "FILE"),
    help: "The user certificate's key."),
]

let usage = """
  usage: user-client [OPTIONS] COMMAND
    create-sandbox NAME     create a sandbox
    list-sandboxes          list sandboxes
    policy-status NAME      show the latest policy version of a sandbox and its status
    logs NAME               print a sandbox's log lines
  options:
  \(CommandLineParser(options: options, removed: []).optionsHelp())
  """

func fail(_ message: String, status: Int32 = 1) -> Never {
  FileHandle.standardError.write(Data("user-client: \(message)\n".utf8))
  exit(status)
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--help") || arguments.contains("-h") {
  print(usage)
  exit(0)
}

let parsed: ParsedOptions
do {
  parsed = try CommandLineParser(options: options, removed: [])
    .parse(arguments, environment: ProcessInfo.processInfo.environment)
} catch {
  fail("\(error.description)\n\(usage)", status: 2)
}
guard let endpoint = parsed.value("endpoint"), let command = parsed.positionals.first else {
  fail(usage, status: 2)
}
let argument = parsed.positionals.dropFirst().first

let client: OpenShellClient
do {
  client = try OpenShellClient(
    config: OpenShellClient.Config(
      endpoint: endpoint,
      trustRootsPath: parsed.value("ca"),
      certificatePath: parsed.value("cert"),
      keyPath: parsed.value("key"),
      bearerToken: parsed.value("token")
    )
  )
} catch {
  fail("\(error)")
}

func named(_ what: String) -> String {
  guard let argument else { fail("\(command) needs a sandbox name\n\(usage)", status: 2) }
  return argument
}

do {
  switch command {
  case "create-sandbox":
    var request = CreateSandboxRequest()
    request.name = named("sandbox")
    let response: SandboxResponse = try await client.unary(OpenShellMethods.createSandbox, request)
    print("created sandbox \(request.name) (id \(response.sandbox?.metadata?.id ?? "?"))")

  case "list-sandboxes":
    let response: ListSandboxesResponse = try await client.unary(
      OpenShellMethods.listSandboxes, ListSandboxesRequest())
    for sandbox in response.sandboxes {
      print(
        "\(sandbox.metadata?.name ?? "?")\tphase \(sandbox.phase.rawValue)"
          + "\tpolicy v\(sandbox.currentPolicyVersion)")
    }

  case "policy-status":
    var request = GetSandboxPolicyStatusRequest()
    request.name = named("sandbox")
    let response: GetSandboxPolicyStatusResponse = try await client.unary(
      OpenShellMethods.getSandboxPolicyStatus, request)
    let revision = response.revision
    let status =
      switch revision?.status {
      case .pending?: "PENDING"
      case .loaded?: "LOADED"
      case .failed?: "FAILED"
      case .superseded?: "SUPERSEDED"
      default: "UNSPECIFIED"
      }
    print(
      "sandbox \(request.name): policy v\(revision?.version ?? 0) \(status)"
        + " (active v\(response.activeVersion)) hash \(revision?.policyHash.prefix(12) ?? "")")
    if let error = revision?.loadError, !error.isEmpty { print("  load error: \(error)") }

  case "logs":
    var request = GetSandboxLogsRequest()
    request.sandboxID = named("sandbox")
    let response: GetSandboxLogsResponse = try await client.unary(
      OpenShellMethods.getSandboxLogs, request)
    for line in response.logs {
      print("[\(line.level)] \(line.target): \(line.message)")
    }
    print("(\(response.logs.count) of \(response.bufferTotal) buffered lines)")

  default:
    fail("unknown command '\(command)'\n\(usage)", status: 2)
  }
} catch let status as GRPCStatus {
  fail("the gateway answered \(status.code): \(status.message)")
} catch {
  fail("\(error)")
}
client.close()
