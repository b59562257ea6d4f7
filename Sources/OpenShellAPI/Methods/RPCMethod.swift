/// One RPC of the OpenShell API: its path, its streaming kind and its message types.
///
/// The gateway classifies calls by ``path`` and the tests check the list against the `.proto`
/// files, so a method added to one without the other is caught.
public struct RPCMethod: Hashable, Sendable, CustomStringConvertible {
  /// How many messages each side of an RPC sends.
  public enum StreamingKind: String, Hashable, Sendable, CaseIterable {
    /// One request, one response.
    case unary
    /// One request, a stream of responses.
    case serverStreaming
    /// A stream of requests, one response.
    case clientStreaming
    /// Streams both ways.
    case bidirectionalStreaming
  }

  /// The service's full name, such as `openshell.v1.OpenShell`.
  public var service: String

  /// The method's name, such as `UpdateConfig`.
  public var name: String

  /// How many messages each side sends.
  public var kind: StreamingKind

  /// The request message's full protobuf name, such as `openshell.v1.UpdateConfigRequest`.
  public var requestType: String

  /// The response message's full protobuf name.
  public var responseType: String

  /// Creates a method description.
  ///
  /// - Parameters:
  ///   - service: The service's full name.
  ///   - name: The method's name.
  ///   - kind: How many messages each side sends.
  ///   - requestType: The request message's full protobuf name.
  ///   - responseType: The response message's full protobuf name.
  public init(
    service: String,
    name: String,
    kind: StreamingKind,
    requestType: String,
    responseType: String
  ) {
    self.service = service
    self.name = name
    self.kind = kind
    self.requestType = requestType
    self.responseType = responseType
  }

  /// The gRPC path, `/<service>/<name>`.
  public var path: String { "/\(service)/\(name)" }

  /// The path and the streaming kind.
  public var description: String { "\(path) (\(kind.rawValue))" }
}
