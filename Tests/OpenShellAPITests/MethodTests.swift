import Foundation
import OpenShellAPI
import Testing

@Suite("RPC method paths")
struct MethodTests {
  /// Every RPC the `.proto` files declare, read from their text.
  private func declaredRPCs() throws -> [RPCMethod] {
    var methods: [RPCMethod] = []
    for file in PythonPeer.protoFiles(in: PythonPeer.protosDirectory) {
      let text = try String(
        contentsOf: PythonPeer.protosDirectory.appendingPathComponent(file),
        encoding: .utf8
      )
      var package = ""
      var service = ""
      for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
        let words = line.split(whereSeparator: { " ();".contains($0) }).map(String.init)
        if words.first == "package" { package = words[1] }
        if words.first == "service" { service = "\(package).\(words[1])" }
        guard words.first == "rpc" else { continue }

        // rpc Name(stream? Request) returns (stream? Response);
        let name = String(words[1].prefix { $0 != "(" })
        var rest = Array(words.dropFirst(2))
        let clientStreams = rest.first == "stream"
        if clientStreams { rest.removeFirst() }
        let request = rest.removeFirst()
        #expect(rest.removeFirst() == "returns")
        let serverStreams = rest.first == "stream"
        if serverStreams { rest.removeFirst() }
        let response = rest.removeFirst()

        let kind: RPCMethod.StreamingKind =
          switch (clientStreams, serverStreams) {
          case (false, false): .unary
          case (false, true): .serverStreaming
          case (true, false): .clientStreaming
          case (true, true): .bidirectionalStreaming
          }
        func qualified(_ type: String) -> String {
          type.contains(".") ? type : "\(package).\(type)"
        }
        methods.append(
          RPCMethod(
            service: service,
            name: name,
            kind: kind,
            requestType: qualified(request),
            responseType: qualified(response)
          )
        )
      }
    }
    return methods
  }

  @Test("the method constants list exactly the RPCs the .proto files declare")
  func constantsMatchProtos() throws {
    let declared = try declaredRPCs()
    #expect(declared.count == RPCMethods.all.count)
    #expect(Set(declared) == Set(RPCMethods.all))
    #expect(Set(RPCMethods.all.map(\.path)).count == RPCMethods.all.count)
  }

  @Test("every RPC WIRE.md lists for OpenShell is declared, in order")
  func openShellRPCs() {
    let names = [
      "Health", "CreateSandbox", "GetSandbox", "ListSandboxes", "ListSandboxProviders",
      "AttachSandboxProvider", "DetachSandboxProvider", "DeleteSandbox", "CreateSshSession",
      "ExposeService", "GetService", "ListServices", "DeleteService", "RevokeSshSession",
      "ExecSandbox", "ForwardTcp", "CreateProvider", "GetProvider", "ListProviders",
      "ListProviderProfiles", "GetProviderProfile", "ImportProviderProfiles",
      "LintProviderProfiles", "UpdateProvider", "DeleteProvider", "DeleteProviderProfile",
      "GetSandboxConfig", "GetGatewayConfig", "UpdateConfig", "GetSandboxPolicyStatus",
      "ListSandboxPolicies", "ReportPolicyStatus", "GetSandboxProviderEnvironment",
      "GetSandboxLogs", "PushSandboxLogs", "ConnectSupervisor", "RelayStream", "WatchSandbox",
      "SubmitPolicyAnalysis", "GetDraftPolicy", "ApproveDraftChunk", "RejectDraftChunk",
      "ApproveAllDraftChunks", "EditDraftChunk", "UndoDraftChunk", "ClearDraftChunks",
      "GetDraftHistory",
    ]
    #expect(OpenShellMethods.all.map(\.name) == names)
    #expect(OpenShellMethods.all.allSatisfy { $0.service == "openshell.v1.OpenShell" })
  }

  @Test(
    "streaming RPCs have the kind WIRE.md gives them",
    arguments: [
      ("ExecSandbox", RPCMethod.StreamingKind.serverStreaming),
      ("ForwardTcp", .bidirectionalStreaming),
      ("PushSandboxLogs", .clientStreaming),
      ("ConnectSupervisor", .bidirectionalStreaming),
      ("RelayStream", .bidirectionalStreaming),
      ("WatchSandbox", .serverStreaming),
      ("UpdateConfig", .unary),
    ]
  )
  func streamingKinds(name: String, kind: RPCMethod.StreamingKind) throws {
    let method = try #require(OpenShellMethods.all.first { $0.name == name })
    #expect(method.kind == kind)
  }

  @Test("only the six streaming RPCs of OpenShell stream")
  func othersAreUnary() {
    let streaming = OpenShellMethods.all.filter { $0.kind != .unary }.map(\.name)
    #expect(
      Set(streaming) == [
        "ExecSandbox", "ForwardTcp", "PushSandboxLogs", "ConnectSupervisor", "RelayStream",
        "WatchSandbox",
      ]
    )
  }

  @Test("inference and legacy paths are declared")
  func inferenceAndLegacy() {
    #expect(
      InferenceMethods.all.map(\.path) == [
        "/openshell.inference.v1.Inference/GetInferenceBundle",
        "/openshell.inference.v1.Inference/SetClusterInference",
        "/openshell.inference.v1.Inference/GetClusterInference",
        "/openshell.inference.v1.Inference/Health",
      ]
    )
    #expect(
      LegacySandboxServiceMethods.getSandboxConfig
        == "/openshell.sandbox.v1.SandboxService/GetSandboxConfig"
    )
    #expect(InferenceMethods.health == "/openshell.inference.v1.Inference/Health")
  }

  @Test("path constants and lookups agree")
  func constantsAndLookup() throws {
    #expect(OpenShellMethods.updateConfig == "/openshell.v1.OpenShell/UpdateConfig")
    let method = try #require(RPCMethods.method(forPath: OpenShellMethods.pushSandboxLogs))
    #expect(method.kind == .clientStreaming)
    #expect(method.requestType == "openshell.v1.PushSandboxLogsRequest")
    #expect(
      RPCMethods.method(forPath: OpenShellMethods.getSandboxConfig)?.responseType
        == "openshell.sandbox.v1.GetSandboxConfigResponse"
    )
    #expect(RPCMethods.method(forPath: "/grpc.health.v1.Health/Check") == nil)
  }
}
