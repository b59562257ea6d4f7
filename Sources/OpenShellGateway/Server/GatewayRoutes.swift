import AuthCore
import GRPCTransport
import Logging
import OpenShellAPI
import OpenShellClient

/// Registers every method the gateway implements on a router.
///
/// A path with no handler here still passes the auth interceptor first; only an admitted
/// caller learns that it is UNIMPLEMENTED.
struct GatewayRoutes {
  let service: GatewayService
  let logger: Logger

  func router() -> Router {
    var router = Router()
    let s = service

    unary(&router, OpenShellMethods.health) { (request: HealthRequest, _) in s.health(request) }
    unary(&router, InferenceMethods.health) { (request: HealthRequest, _) in s.health(request) }
    unary(&router, "/grpc.health.v1.Health/Check") { (request: HealthCheckRequest, _) in
      var response = HealthCheckResponse()
      let known = ["", OpenShellMethods.service, InferenceMethods.service]
      response.status =
        known.contains(request.service)
        ? HealthCheckResponse.serving : HealthCheckResponse.serviceUnknown
      return response
    }

    unary(&router, OpenShellMethods.createSandbox, s.createSandbox)
    unary(&router, OpenShellMethods.getSandbox, s.getSandbox)
    unary(&router, OpenShellMethods.listSandboxes, s.listSandboxes)
    unary(&router, OpenShellMethods.deleteSandbox, s.deleteSandbox)

    unary(&router, OpenShellMethods.createProvider, s.createProvider)
    unary(&router, OpenShellMethods.getProvider, s.getProvider)
    unary(&router, OpenShellMethods.listProviders, s.listProviders)
    unary(&router, OpenShellMethods.updateProvider, s.updateProvider)
    unary(&router, OpenShellMethods.deleteProvider, s.deleteProvider)
    unary(&router, OpenShellMethods.attachSandboxProvider, s.attachSandboxProvider)
    unary(&router, OpenShellMethods.detachSandboxProvider, s.detachSandboxProvider)
    unary(&router, OpenShellMethods.getSandboxProviderEnvironment, s.getSandboxProviderEnvironment)

    unary(&router, OpenShellMethods.getSandboxConfig, s.getSandboxConfig)
    unary(&router, LegacySandboxServiceMethods.getSandboxConfig, s.getSandboxConfig)
    unary(&router, OpenShellMethods.getGatewayConfig, s.getGatewayConfig)
    unary(&router, OpenShellMethods.updateConfig, s.updateConfig)
    unary(&router, OpenShellMethods.reportPolicyStatus, s.reportPolicyStatus)
    unary(&router, OpenShellMethods.getSandboxPolicyStatus, s.getSandboxPolicyStatus)
    unary(&router, OpenShellMethods.listSandboxPolicies, s.listSandboxPolicies)

    unary(&router, OpenShellMethods.getSandboxLogs, s.getSandboxLogs)
    router.registerClientStreaming(
      OpenShellMethods.pushSandboxLogs,
      deserializer: ProtoCodec<PushSandboxLogsRequest>(),
      serializer: ProtoCodec<PushSandboxLogsResponse>()
    ) { requests, context in
      let principal = try Self.principal(context)
      return try await mapErrors(context, principal) {
        // Each message is stored before the next is read, so a call that fails midway has
        // kept what came before; the supervisor only drops lines once the call succeeds.
        for try await request in requests {
          _ = try await s.pushSandboxLogs(request, principal: principal)
        }
        return PushSandboxLogsResponse()
      }
    }

    unary(&router, OpenShellMethods.submitPolicyAnalysis, s.submitPolicyAnalysis)
    unary(&router, OpenShellMethods.getDraftPolicy, s.getDraftPolicy)

    unary(&router, InferenceMethods.setClusterInference, s.setClusterInference)
    unary(&router, InferenceMethods.getClusterInference, s.getClusterInference)
    unary(&router, InferenceMethods.getInferenceBundle, s.getInferenceBundle)
    return router
  }

  private func unary<Request: ProtoMessage, Response: ProtoMessage>(
    _ router: inout Router,
    _ path: String,
    _ handler: @escaping @Sendable (Request, Principal) async throws -> Response
  ) {
    router.registerUnary(
      path,
      deserializer: ProtoCodec<Request>(),
      serializer: ProtoCodec<Response>()
    ) { request, context in
      let principal = try Self.principal(context)
      return try await mapErrors(context, principal) { try await handler(request, principal) }
    }
  }

  private static func subject(_ principal: Principal) -> String? {
    switch principal {
    case .anonymous: nil
    case .user(let identity): identity.subject
    case .sandbox(let sandbox):
      if case .certificate(let certificate) = sandbox.proof { certificate.subject } else { nil }
    }
  }

  /// The principal the interceptor attached. A call without one never reached the decision,
  /// so it is refused rather than run as anybody.
  private static func principal(_ context: ServerContext) throws -> Principal {
    guard let principal = context.admission as? Principal else {
      throw GRPCStatus(
        code: .internal, message: "the call reached a handler without an auth decision")
    }
    return principal
  }

  /// Turns handler errors into statuses: the handler's own status as is, storage failures as
  /// UNAVAILABLE, a stored record that no longer decodes as INTERNAL. Detail goes to the log,
  /// never to the caller. A sandbox-scope refusal is logged like the interceptor's refusals,
  /// so every refused call leaves one line.
  private func mapErrors<T>(
    _ context: ServerContext,
    _ principal: Principal,
    _ body: () async throws -> T
  ) async throws -> T {
    do {
      return try await body()
    } catch let error as RPCError {
      if error.code == .permissionDenied || error.code == .unauthenticated {
        var metadata: Logger.Metadata = [
          "auth.method": context.path,
          "auth.principal": principal.kind,
          "auth.code": "\(error.code)",
          "auth.reason": error.message,
          "net.peer": context.remoteAddress,
        ]
        if let subject = Self.subject(principal) { metadata["auth.subject"] = subject }
        logger.notice("call refused", metadata: metadata)
      }
      let code = GRPCStatus.Code(rawValue: error.code.rawValue) ?? .unknown
      throw GRPCStatus(code: code, message: error.message)
    } catch let error as GRPCStatus {
      throw error
    } catch let error as StorageError {
      logger.error("state store failure", metadata: ["storage.error": error.description])
      throw GRPCStatus(
        code: .unavailable,
        message: "the gateway's state store failed; retry shortly"
      )
    } catch is CancellationError {
      throw GRPCStatus(code: .cancelled, message: "the call was cancelled")
    } catch {
      logger.error("handler failure", metadata: ["error": "\(error)"])
      throw GRPCStatus(code: .internal, message: "the gateway failed to answer this call")
    }
  }
}
