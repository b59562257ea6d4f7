import GRPCTransport
public import Logging
public import OpenShellAPI
import OpenShellClient
import Synchronization

/// The sandbox supervisor's control-plane client: the start-up sequence, then log streaming
/// and config polling, reconnecting with backoff whenever the gateway goes away.
public final class Supervisor: Sendable {
  /// What the start-up sequence learned.
  public struct Startup: Sendable {
    /// The policy version the gateway holds for the sandbox, and reported on.
    public var policyVersion: UInt32
    /// The config revision, to notice changes later.
    public var configRevision: UInt64
    /// How many variables the providers supply.
    public var environmentCount: Int
    /// How many inference routes the sandbox may use.
    public var inferenceRoutes: Int
  }

  let configuration: SupervisorConfiguration
  let logger: Logger
  let buffer: LogBuffer<SandboxLogLine>
  let client: OpenShellClient

  /// Creates a supervisor; nothing connects until ``startup()`` or ``run()``.
  ///
  /// - Throws: ``SupervisorError`` when a certificate or key file cannot be used.
  public init(
    configuration: SupervisorConfiguration,
    logger: Logger,
    buffer: LogBuffer<SandboxLogLine>
  ) throws(SupervisorError) {
    self.configuration = configuration
    self.logger = logger
    self.buffer = buffer
    do {
      client = try OpenShellClient(
        config: OpenShellClient.Config(
          endpoint: configuration.endpoint,
          trustRootsPath: configuration.trustRootsPath,
          certificatePath: configuration.certificatePath,
          keyPath: configuration.keyPath,
          callTimeout: .seconds(15)
        )
      )
    } catch {
      throw SupervisorError("cannot set up the connection to the gateway: \(error)")
    }
  }

  /// Connects and runs the start-up sequence once, logging each step.
  ///
  /// - Throws: ``SupervisorError`` with a message a person can act on.
  public func startup() async throws(SupervisorError) -> Startup {
    let id = configuration.sandboxID
    logger.info("connecting to the gateway", metadata: ["gateway.endpoint": configuration.endpoint])

    var request = GetSandboxConfigRequest()
    request.sandboxID = id
    var config: GetSandboxConfigResponse = try await call("GetSandboxConfig") { [request] in
      try await self.client.unary(OpenShellMethods.getSandboxConfig, request)
    }
    logger.info(
      "fetched the sandbox config",
      metadata: [
        "policy.version": "\(config.version)", "config.revision": "\(config.configRevision)",
        "settings.count": "\(config.settings.count)",
      ]
    )

    if config.policy == nil, let path = configuration.policyPath {
      let local: SandboxPolicy
      do {
        local = try PolicyFile.load(path)
      } catch {
        throw SupervisorError("the local policy cannot be used: \(error.message)")
      }
      var update = UpdateConfigRequest()
      update.name = id
      update.policy = local
      let stored: UpdateConfigResponse = try await call("UpdateConfig") { [update] in
        try await self.client.unary(OpenShellMethods.updateConfig, update)
      }
      logger.info(
        "synced the local policy to the gateway",
        metadata: ["policy.version": "\(stored.version)", "policy.hash": stored.policyHash]
      )
      config = try await call("GetSandboxConfig") { [request] in
        try await self.client.unary(OpenShellMethods.getSandboxConfig, request)
      }
    }

    if let policy = config.policy {
      try await report(version: config.version, policy: policy)
    } else {
      logger.notice("the gateway holds no policy for this sandbox and none was given with --policy")
    }

    var environmentRequest = GetSandboxProviderEnvironmentRequest()
    environmentRequest.sandboxID = id
    let environment: GetSandboxProviderEnvironmentResponse = try await call(
      "GetSandboxProviderEnvironment"
    ) { [environmentRequest] in
      try await self.client.unary(
        OpenShellMethods.getSandboxProviderEnvironment, environmentRequest)
    }
    // Names only: the values are credentials.
    logger.info(
      "fetched the provider environment",
      metadata: [
        "environment.count": "\(environment.environment.count)",
        "environment.names": environment.environment.orderedEntries.map(\.key).sorted().joined(
          separator: ","),
      ]
    )

    let bundle: GetInferenceBundleResponse = try await call("GetInferenceBundle") {
      try await self.client.unary(InferenceMethods.getInferenceBundle, GetInferenceBundleRequest())
    }
    logger.info(
      "fetched the inference bundle",
      metadata: [
        "inference.routes": "\(bundle.routes.count)", "inference.revision": bundle.revision,
      ]
    )
    return Startup(
      policyVersion: config.version,
      configRevision: config.configRevision,
      environmentCount: environment.environment.count,
      inferenceRoutes: bundle.routes.count
    )
  }

  /// Pushes waiting log lines in batches until the buffer is empty or a push fails.
  ///
  /// - Returns: How many lines the gateway acknowledged.
  @discardableResult
  public func flushLogs(batchSize: Int = 500) async throws(SupervisorError) -> Int {
    var sent = 0
    while true {
      let dropped = buffer.dropped
      let batch = buffer.peek(limit: batchSize)
      guard !batch.isEmpty else { return sent }
      var request = PushSandboxLogsRequest()
      request.sandboxID = configuration.sandboxID
      request.logs = batch
      let _: PushSandboxLogsResponse = try await call("PushSandboxLogs") { [request] in
        try await self.client.clientStreaming(OpenShellMethods.pushSandboxLogs, [request])
      }
      buffer.acknowledge(batch.count, droppedBefore: dropped)
      sent += batch.count
    }
  }

  /// Runs until cancelled: the start-up sequence (retried with backoff), then log pushes
  /// every second and config polls every ``SupervisorConfiguration/pollInterval``.
  ///
  /// The connection stays open afterwards, so that ``stop(flushingFor:)`` can push the last
  /// lines.
  public func run() async {
    var backoff = Backoff()
    var revision: UInt64?
    var version: UInt32 = 0
    var lastPoll = ContinuousClock.now
    var failing = false
    while !Task.isCancelled {
      do {
        if revision == nil {
          let startup = try await startup()
          revision = startup.configRevision
          version = startup.policyVersion
          logger.notice("start-up sequence complete; streaming logs and polling config")
          failing = false
        }
        try await flushLogs()
        if failing {
          logger.notice("the gateway answers again")
          failing = false
        }
        if ContinuousClock.now - lastPoll >= configuration.pollInterval {
          lastPoll = ContinuousClock.now
          (revision, version) = try await poll(revision: revision ?? 0, version: version)
        }
        backoff.reset()
        try? await Task.sleep(for: .seconds(1))
      } catch {
        // A failure caused by stopping is no news.
        if Task.isCancelled { break }
        failing = true
        let delay = backoff.next()
        // Start-up can fail on this side too (a local policy file that does not parse, read
        // again on each try), so the message names the step, not the gateway.
        logger.warning(
          revision == nil
            ? "the start-up sequence did not complete; retrying"
            : "a call to the gateway failed; retrying",
          metadata: [
            "error": error.message,
            "retry.after": "\(delay)",
          ]
        )
        try? await Task.sleep(for: delay)
      }
    }
  }

  /// Pushes the lines still buffered, for at most `limit`, then closes the connection.
  ///
  /// - Parameter limit: How long the last push may take; defaults to 5 seconds.
  /// - Returns: How many lines were left undelivered.
  public func stop(flushingFor limit: Duration = .seconds(5)) async -> Int {
    _ = await Self.bounded(limit) { _ = try? await self.flushLogs() }
    client.close()
    return buffer.count
  }

  /// Runs `operation` for at most `limit` and returns whether it finished in time.
  ///
  /// Unlike a task group, this does not wait for an operation that ignores cancellation (a
  /// TLS handshake under way runs to its own timeout); that one is cancelled and left to
  /// finish on its own.
  public static func bounded(
    _ limit: Duration,
    _ operation: @escaping @Sendable () async -> Void
  ) async -> Bool {
    let outcome = FirstOutcome()
    return await withCheckedContinuation { continuation in
      outcome.install(continuation)
      let work = Task {
        await operation()
        outcome.resolve(true)
      }
      Task {
        try? await Task.sleep(for: limit)
        work.cancel()
        outcome.resolve(false)
      }
    }
  }

  private func poll(revision: UInt64, version: UInt32) async throws(SupervisorError)
    -> (UInt64, UInt32)
  {
    var request = GetSandboxConfigRequest()
    request.sandboxID = configuration.sandboxID
    let config: GetSandboxConfigResponse = try await call("GetSandboxConfig") { [request] in
      try await self.client.unary(OpenShellMethods.getSandboxConfig, request)
    }
    guard config.configRevision != revision || config.version != version else {
      return (revision, version)
    }
    logger.info(
      "the sandbox config changed",
      metadata: [
        "config.revision": "\(config.configRevision)", "policy.version": "\(config.version)",
      ]
    )
    if config.version != version, let policy = config.policy {
      try await report(version: config.version, policy: policy)
    }
    return (config.configRevision, config.version)
  }

  private func report(version: UInt32, policy: SandboxPolicy) async throws(SupervisorError) {
    var report = ReportPolicyStatusRequest()
    report.sandboxID = configuration.sandboxID
    report.version = version
    if let problem = PolicyCheck.problem(in: policy) {
      report.status = .failed
      report.loadError = problem
      logger.error("policy version \(version) cannot be loaded: \(problem)")
    } else {
      report.status = .loaded
      logger.info("loaded policy version \(version)")
    }
    let _: ReportPolicyStatusResponse = try await call("ReportPolicyStatus") { [report] in
      try await self.client.unary(OpenShellMethods.reportPolicyStatus, report)
    }
  }

  /// Runs one call and turns its failure into a sentence a person can act on.
  private func call<T: Sendable>(
    _ method: String,
    _ body: @Sendable () async throws -> T
  ) async throws(SupervisorError) -> T {
    do {
      return try await body()
    } catch let status as GRPCStatus {
      throw SupervisorError(Self.explain(status, method: method, sandbox: configuration.sandboxID))
    } catch {
      throw SupervisorError("\(method) failed: \(error)")
    }
  }

  static func explain(_ status: GRPCStatus, method: String, sandbox: String) -> String {
    let detail = status.message
    switch status.code {
    case .unauthenticated:
      return "the gateway did not accept this sandbox's credentials for \(method): \(detail). "
        + "Check that --tls-cert was issued by the gateway's client CA and has not expired"
    case .permissionDenied:
      return "the gateway refused \(method) for this sandbox: \(detail). Check that the "
        + "certificate names sandbox '\(sandbox)' (URI SAN openshell://sandbox/\(sandbox))"
    case .notFound:
      return "the gateway has no sandbox '\(sandbox)': \(detail). Create it first, or check "
        + "--sandbox-id"
    case .unavailable:
      let lower = detail.lowercased()
      // "certificate verify:" is how the transport reports this side's check of the
      // gateway's certificate; OpenSSL words a name check as "hostname mismatch" or "IP
      // address mismatch".
      if lower.contains("hostname") || lower.contains("host name")
        || lower.contains("address mismatch")
      {
        return "the gateway's certificate does not name the host in --gateway-endpoint: \(detail). "
          + "Connect by a name the certificate lists, or reissue it with that name"
      }
      if lower.contains("certificate verify:") {
        return "the gateway's certificate is not trusted: \(detail). Check that --tls-ca is the "
          + "CA that issued the gateway's certificate"
      }
      if lower.contains("alert") {
        return "the gateway refused this sandbox's certificate during the TLS handshake "
          + "(\(detail)). Check that --tls-cert was issued by the gateway's client CA and has not "
          + "expired"
      }
      if lower.contains("certificate") || lower.contains("verify") {
        return "the TLS handshake with the gateway failed: \(detail). Check --tls-ca (the "
          + "gateway's CA) and that the gateway accepts this sandbox's certificate"
      }
      return "the gateway is unreachable: \(detail)"
    default:
      return "\(method) failed with \(status.code): \(detail)"
    }
  }
}

/// A supervisor failure, in words a person can act on.
public struct SupervisorError: Error, Hashable, Sendable, CustomStringConvertible {
  /// What went wrong and what to check.
  public var message: String

  init(_ message: String) {
    self.message = message
  }

  /// The message.
  public var description: String { message }
}

/// Resumes a continuation with the first of two outcomes; the later one is ignored.
private final class FirstOutcome: Sendable {
  private let continuation = Mutex<CheckedContinuation<Bool, Never>?>(nil)

  func install(_ continuation: CheckedContinuation<Bool, Never>) {
    self.continuation.withLock { $0 = continuation }
  }

  func resolve(_ finished: Bool) {
    let waiting = continuation.withLock { stored in
      defer { stored = nil }
      return stored
    }
    waiting?.resume(returning: finished)
  }
}
