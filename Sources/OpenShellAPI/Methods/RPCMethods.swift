/// Every RPC the OpenShell API subset declares, across its services and legacy paths.
public enum RPCMethods {
  /// Every method of every service, legacy paths included.
  ///
  /// The methods of `openshell.v1.OpenShell`, `openshell.inference.v1.Inference` and the legacy
  /// `openshell.sandbox.v1.SandboxService`, in that order.
  public static let all: [RPCMethod] =
    OpenShellMethods.all + InferenceMethods.all + LegacySandboxServiceMethods.all

  /// The method served at a gRPC path, or `nil` for a path the API does not declare.
  ///
  /// - Parameter path: A gRPC path such as `/openshell.v1.OpenShell/UpdateConfig`.
  /// - Returns: The method, or `nil`.
  public static func method(forPath path: String) -> RPCMethod? {
    byPath[path]
  }

  private static let byPath: [String: RPCMethod] = Dictionary(
    all.map { ($0.path, $0) },
    uniquingKeysWith: { first, _ in first }
  )
}
