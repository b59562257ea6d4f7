// openshell-sandbox: the sandbox supervisor's control-plane client. The library does the
// work; this file turns flags into a configuration and outcomes into exit statuses.

import Foundation
import Logging
import OpenShellAPI
import OpenShellCLI
import OpenShellSandbox

func complain(_ message: String) {
  FileHandle.standardError.write(Data("openshell-sandbox: \(message)\n".utf8))
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--help") || arguments.contains("-h") {
  print(SandboxHelp.manual)
  exit(0)
}

let parser = CommandLineParser(options: SupervisorConfiguration.options)
let parsed: ParsedOptions
let configuration: SupervisorConfiguration
do {
  parsed = try parser.parse(arguments, environment: ProcessInfo.processInfo.environment)
  guard parsed.positionals.isEmpty else {
    complain("unexpected argument '\(parsed.positionals[0])'; see 'openshell-sandbox --help'")
    exit(2)
  }
  configuration = try SupervisorConfiguration(parsed)
} catch {
  complain(error.description)
  exit(error.exitStatus)
}

let buffer = LogBuffer<SandboxLogLine>()
let logger = Logger(
  label: "openshell.sandbox",
  handler: SupervisorLogHandler(logLevel: configuration.logLevel, buffer: buffer),
  metadata: ["sandbox.id": configuration.sandboxID]
)
for warning in parsed.warnings { logger.warning("\(warning)") }

let supervisor: Supervisor
do {
  supervisor = try Supervisor(configuration: configuration, logger: logger, buffer: buffer)
} catch {
  complain(error.message)
  exit(1)
}

if configuration.once {
  do {
    _ = try await supervisor.startup()
    logger.notice("start-up sequence complete")
    try await supervisor.flushLogs()
    exit(0)
  } catch {
    logger.error("start-up failed: \(error.message)")
    complain(error.message)
    exit(1)
  }
}

let task = Task { await supervisor.run() }
let (stopRequests, stopRequested) = AsyncStream<Void>.makeStream()
let signals = [SIGTERM, SIGINT].map { number in
  signal(number, SIG_IGN)
  let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
  source.setEventHandler {
    logger.notice("signal \(number) received: stopping")
    task.cancel()
    stopRequested.yield()
  }
  source.resume()
  return source
}
for await _ in stopRequests { break }
// run() returns as soon as what it awaits notices the cancellation; a TLS handshake under way
// does not, so it is not waited for past a moment.
_ = await Supervisor.bounded(.seconds(1)) { await task.value }
// One last push, bounded, so the lines about stopping reach the gateway when it is up.
let undelivered = await supervisor.stop()
if undelivered > 0 {
  complain("\(undelivered) log line(s) were not delivered to the gateway before stopping")
}
_ = signals
exit(0)
