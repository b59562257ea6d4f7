import AuthCore
import Dispatch
import Foundation
import GRPCTransport
public import Logging
import OIDC
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The running gateway: state store, auth, handlers and the gRPC server, started from a
/// ``GatewayConfiguration`` and stopped by SIGTERM or SIGINT.
public enum Gateway {
  /// The version `Health` reports.
  public static let version = "0.1.0"

  /// Serves until SIGTERM or SIGINT, then drains in-flight calls and closes the database.
  ///
  /// Prints `listening on HOST:PORT` to standard output once the port accepts connections.
  ///
  /// - Parameters:
  ///   - configuration: What to serve and how.
  ///   - logger: Where the gateway logs.
  ///   - shutdownGracePeriod: How long in-flight calls may run after the signal; defaults to
  ///     10 seconds.
  /// - Throws: Start-up failures (a file, the port, the database), with what to fix.
  public static func run(
    _ configuration: GatewayConfiguration,
    logger: Logger,
    shutdownGracePeriod: Duration = .seconds(10)
  ) async throws {
    try createStateDirectory(configuration.stateDirectory)
    let store = try await GatewayStore(directory: configuration.stateDirectory)
    defer { store.close() }

    let verifier = try configuration.oidc.map { try makeVerifier($0, logger: logger) }
    verifier?.start()
    defer { verifier?.stop() }

    logger.notice("gateway auth mode: \(configuration.modeDescription)")
    if case .tls(_, _, clientCA: nil) = configuration.transport,
      !configuration.auth.gatewayAuthDisabled
    {
      logger.warning(
        "no --tls-client-ca: sandbox supervisors cannot authenticate, so sandbox methods are refused"
      )
    }

    let authenticator = Authenticator(configuration: configuration.auth, tokenVerifier: verifier)
    let service = GatewayService(
      store: store,
      version: version,
      logger: Logger(label: "openshell.gateway.service", handler: logger.handler)
    )
    let server = try GRPCServer(
      config: GRPCServer.Config(
        host: configuration.bindAddress,
        port: configuration.port,
        tls: serverTLS(configuration),
        shutdownGracePeriod: shutdownGracePeriod,
        logger: Logger(label: "openshell.gateway.transport", handler: logger.handler)
      ),
      router: GatewayRoutes(service: service, logger: logger).router(),
      interceptor: AuthInterceptor(
        authenticator: authenticator,
        tls: configuration.transport != .plaintext,
        logger: Logger(label: "openshell.gateway.auth", handler: logger.handler)
      )
    )

    let signals = SignalWatcher(signals: [SIGTERM, SIGINT]) { signal in
      logger.notice("signal \(signal) received: draining in-flight calls, then stopping")
      server.beginGracefulShutdown()
    }
    defer { signals.cancel() }

    let host =
      configuration.bindAddress.contains(":")
      ? "[\(configuration.bindAddress)]" : configuration.bindAddress
    if configuration.auth.gatewayAuthDisabled {
      // Logged once the port is bound, so that with --port 0 it names the real port.
      logger.warning(
        "gateway auth is disabled: every caller that reaches this port is trusted as the fronting "
          + "proxy vouches for it; make sure nothing but that proxy can reach \(host):\(server.port)"
      )
    }
    // Written straight to the descriptor: scripts wait for this line, and a buffered stdout
    // would hold it back when the output is a pipe.
    FileHandle.standardOutput.write(Data("listening on \(host):\(server.port)\n".utf8))
    try await server.run()
    logger.notice("gateway stopped")
  }

  private static func serverTLS(_ configuration: GatewayConfiguration) -> ServerTLSConfiguration? {
    guard case .tls(let certificate, let key, let clientCA) = configuration.transport else {
      return nil
    }
    let mode: GRPCTransport.ClientCertificateMode =
      switch configuration.auth.clientCertificates {
      case .none: .none
      case .optional: .optional
      case .required: .required
      }
    return ServerTLSConfiguration(
      certificateChainPath: certificate,
      privateKeyPath: key,
      clientCertificateMode: mode,
      clientCAPath: clientCA
    )
  }

  private static func makeVerifier(
    _ settings: GatewayConfiguration.OIDC,
    logger: Logger
  ) throws -> OIDCVerifier {
    var configuration = OIDCVerifier.Configuration(
      issuer: settings.issuer, audience: settings.audience)
    configuration.claims = OIDCVerifier.Configuration.Claims(
      rolesPath: settings.rolesClaim, scopesPath: settings.scopesClaim)
    configuration.keys.cacheTTL = Double(settings.jwksTTL)
    configuration.fetch.caBundlePath = settings.caBundle
    configuration.logger = Logger(label: "openshell.gateway.oidc", handler: logger.handler)
    return try OIDCVerifier(configuration: configuration)
  }

  private static func createStateDirectory(_ path: String) throws {
    guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
      throw GatewayStartError(
        "cannot create the state folder \(path): \(String(cString: strerror(errno)))")
    }
  }
}

/// A failure to start, with what to fix.
public struct GatewayStartError: Error, CustomStringConvertible {
  /// What failed.
  public var message: String

  init(_ message: String) {
    self.message = message
  }

  /// The message.
  public var description: String { message }
}

/// Turns process signals into a callback on a dispatch queue, instead of a signal handler
/// that could run at any instruction.
final class SignalWatcher: Sendable {
  private let sources: Mutex<[any DispatchSourceSignal]>

  init(signals: [Int32], _ handler: @escaping @Sendable (Int32) -> Void) {
    let queue = DispatchQueue(label: "openshell.gateway.signals")
    var sources: [any DispatchSourceSignal] = []
    for number in signals {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
      source.setEventHandler { handler(number) }
      source.resume()
      sources.append(source)
    }
    self.sources = Mutex(sources)
  }

  func cancel() {
    sources.withLock { sources in
      for source in sources { source.cancel() }
      sources.removeAll()
    }
  }
}
