// openshell-gateway: the gateway executable. Parsing, validation and serving live in the
// OpenShellGateway library; this file turns their outcomes into output and exit statuses.

import Foundation
import Logging
import OpenShellCLI
import OpenShellGateway

let arguments = Array(CommandLine.arguments.dropFirst())
let environment = ProcessInfo.processInfo.environment

/// Writes one line to standard error.
func complain(_ message: String) {
  FileHandle.standardError.write(Data("openshell-gateway: \(message)\n".utf8))
}

let subcommand = arguments.first.flatMap { $0.hasPrefix("-") ? nil : $0 } ?? "run"
let rest = arguments.first == subcommand ? Array(arguments.dropFirst()) : arguments

if rest.contains("--help") || rest.contains("-h") || subcommand == "help" {
  print(subcommand == "generate-certs" ? GatewayHelp.generateCerts : GatewayHelp.manual)
  exit(0)
}

switch subcommand {
case "run":
  let parser = CommandLineParser(options: GatewayConfiguration.options)
  let configuration: GatewayConfiguration
  let parsed: ParsedOptions
  do {
    parsed = try parser.parse(rest, environment: environment)
    guard parsed.positionals.isEmpty else {
      complain("unexpected argument '\(parsed.positionals[0])'; see 'openshell-gateway --help'")
      exit(2)
    }
    configuration = try GatewayConfiguration(parsed)
  } catch {
    complain(error.description)
    exit(error.exitStatus)
  }

  let logger = Logger(
    label: "openshell.gateway",
    handler: StreamLogHandler(logLevel: configuration.logLevel)
  )
  for warning in parsed.warnings { logger.warning("\(warning)") }
  do {
    try await Gateway.run(configuration, logger: logger)
  } catch {
    logger.critical("the gateway could not start: \(error)")
    exit(1)
  }

case "generate-certs":
  let parser = CommandLineParser(options: GatewayHelp.generateCertsOptions)
  do {
    let parsed = try parser.parse(rest, environment: [:])
    guard let directory = parsed.value("output-dir"), parsed.positionals.isEmpty else {
      complain(
        "generate-certs needs --output-dir DIR; see 'openshell-gateway generate-certs --help'")
      exit(2)
    }
    let sans = parsed.allValues("server-san")
    let files = try DevelopmentPKI(
      options: .init(
        outputDirectory: directory,
        serverNames: sans.isEmpty ? ["localhost", "127.0.0.1", "::1"] : sans,
        userName: parsed.value("user") ?? "openshell-user",
        sandboxNames: parsed.allValues("sandbox"),
        force: parsed.isSet("force")
      )
    ).generate()
    for file in files { print(file) }
    let requested =
      ["ca", "server", "client"] + parsed.allValues("sandbox").map { "sandbox-\($0)" }
    let kept = requested.map { "\(directory)/\($0).pem" }.filter { !files.contains($0) }
    if !kept.isEmpty {
      // Options such as --server-san apply only to certificates written now.
      complain(
        "kept, as they were: \(kept.joined(separator: ", ")) (pass --force to reissue the whole "
          + "PKI)")
    }
  } catch let error as CommandLineError {
    complain(error.description)
    exit(error.exitStatus)
  } catch {
    complain("\(error)")
    exit(1)
  }

default:
  complain("unknown command '\(subcommand)'; the commands are run and generate-certs (see --help)")
  exit(2)
}
