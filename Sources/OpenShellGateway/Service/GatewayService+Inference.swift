public import AuthCore
import Foundation
public import OpenShellAPI

extension GatewayService {
  /// The route a request without a route name means.
  static let defaultRoute = "default"

  /// `SetClusterInference`: points a route at a provider and model.
  public func setClusterInference(_ request: SetClusterInferenceRequest, principal: Principal)
    async throws -> SetClusterInferenceResponse
  {
    var route = request
    if route.routeName.isEmpty { route.routeName = Self.defaultRoute }
    try Self.validateName(route.routeName, "route name")
    guard !route.modelID.isEmpty else { throw RPCError.invalidArgument("model_id is required") }
    guard try await store.provider(named: route.providerName) != nil else {
      throw RPCError.notFound("provider '\(route.providerName)' does not exist")
    }
    let version = try await store.setInferenceRoute(
      route: route.routeName,
      record: route.serializedBytes()
    )
    var response = SetClusterInferenceResponse()
    response.providerName = route.providerName
    response.modelID = route.modelID
    response.version = version
    response.routeName = route.routeName
    return response
  }

  /// `GetClusterInference`: one route.
  public func getClusterInference(_ request: GetClusterInferenceRequest, principal: Principal)
    async throws -> GetClusterInferenceResponse
  {
    let name = request.routeName.isEmpty ? Self.defaultRoute : request.routeName
    guard let stored = try await store.inferenceRoutes().first(where: { $0.route == name }) else {
      throw RPCError.notFound("inference route '\(name)' is not configured")
    }
    let route = try SetClusterInferenceRequest(serializedBytes: stored.record)
    var response = GetClusterInferenceResponse()
    response.providerName = route.providerName
    response.modelID = route.modelID
    response.version = stored.version
    response.routeName = name
    return response
  }

  /// `GetInferenceBundle`: every route resolved against its provider, for a sandbox.
  ///
  /// A provider's `base_url` and comma-separated `protocols` come from its config, its
  /// `api_key` from its credentials.
  public func getInferenceBundle(_ request: GetInferenceBundleRequest, principal: Principal)
    async throws -> GetInferenceBundleResponse
  {
    var response = GetInferenceBundleResponse()
    var versions: [String] = []
    for stored in try await store.inferenceRoutes() {
      let route = try SetClusterInferenceRequest(serializedBytes: stored.record)
      versions.append("\(stored.route)@\(stored.version)")
      guard let record = try await store.provider(named: route.providerName) else { continue }
      let provider = try Provider(serializedBytes: record)
      var resolved = ResolvedRoute()
      resolved.name = stored.route
      resolved.baseURL = provider.config["base_url"] ?? ""
      resolved.protocols = (provider.config["protocols"] ?? "").split(separator: ",").map {
        String($0.trimmingCharacters(in: .whitespaces))
      }
      resolved.apiKey = provider.credentials["api_key"] ?? ""
      resolved.modelID = route.modelID
      resolved.providerType = provider.type
      resolved.timeoutSecs = route.timeoutSecs
      response.routes.append(resolved)
    }
    response.revision = String(sha256Hex(Array(versions.joined(separator: ",").utf8)).prefix(16))
    response.generatedAtMs = nowMs()
    return response
  }
}
