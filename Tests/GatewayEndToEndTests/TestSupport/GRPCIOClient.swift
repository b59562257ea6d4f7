import Foundation
import OpenShellAPI

/// A gRPC client we did not write: Python's grpcio, driven one call at a time over one
/// channel, so a test can be any caller (user, sandbox, nobody) the way a real peer would.
final class GRPCIOClient {
  struct Result {
    var code: Int
    var details: String
    var response: [UInt8]?

    func decode<M: ProtoMessage>(_ type: M.Type = M.self) throws -> M {
      guard let response else {
        throw ChildProcessError("the call failed with \(code): \(details)")
      }
      return try M(serializedBytes: response)
    }
  }

  private let child: ChildProcess
  private var received = 0

  /// Opens a channel to `target` (`127.0.0.1:PORT`); with `ca` it is TLS, and with
  /// `certificate` and `key` mutual TLS.
  init(target: String, ca: String? = nil, certificate: String? = nil, key: String? = nil) throws {
    var arguments = [Paths.python("grpc_call.py"), target]
    if let ca { arguments += ["--ca", ca, "--server-name", "localhost"] }
    if let certificate { arguments += ["--cert", certificate] }
    if let key { arguments += ["--key", key] }
    child = try ChildProcess("/usr/bin/env", ["python3"] + arguments)
  }

  /// Makes one unary call with `request`.
  func unary(
    _ path: String,
    _ request: some ProtoMessage,
    metadata: [(String, String)] = []
  ) async throws -> Result {
    try await send([
      "path": path,
      "request": Self.hex(request.serializedBytes()),
      "metadata": metadata.map { [$0.0, $0.1] },
    ])
  }

  /// Makes one unary call with raw request bytes.
  func unaryRaw(_ path: String, _ bytes: [UInt8], metadata: [(String, String)] = []) async throws
    -> Result
  {
    try await send([
      "path": path, "request": Self.hex(bytes), "metadata": metadata.map { [$0.0, $0.1] },
    ])
  }

  /// Makes one client-streaming call.
  func clientStream(
    _ path: String,
    _ requests: [some ProtoMessage],
    metadata: [(String, String)] = []
  ) async throws -> Result {
    try await send([
      "path": path,
      "kind": "client_stream",
      "requests": requests.map { Self.hex($0.serializedBytes()) },
      "metadata": metadata.map { [$0.0, $0.1] },
    ])
  }

  private func send(_ request: [String: Any]) async throws -> Result {
    let data = try JSONSerialization.data(withJSONObject: request)
    child.write(String(decoding: data, as: UTF8.self) + "\n")
    received += 1
    let deadline = ContinuousClock.now + .seconds(60)
    while ContinuousClock.now < deadline {
      let lines = child.standardOutput.split(separator: "\n")
      if lines.count >= received {
        let object = try JSONSerialization.jsonObject(with: Data(lines[received - 1].utf8))
        guard let result = object as? [String: Any] else { break }
        return Result(
          code: result["code"] as? Int ?? -1,
          details: result["details"] as? String ?? "",
          response: (result["response"] as? String).map(Self.bytes)
        )
      }
      guard child.isRunning else { break }
      try await Task.sleep(for: .milliseconds(10))
    }
    throw ChildProcessError("grpcio gave no answer\nstderr: \(child.standardError)")
  }

  static func hex(_ bytes: [UInt8]) -> String {
    bytes.map {
      String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16)
    }
    .joined()
  }

  static func bytes(_ hex: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
      let next = hex.index(index, offsetBy: 2)
      bytes.append(UInt8(hex[index..<next], radix: 16)!)
      index = next
    }
    return bytes
  }
}

/// Where the executables and helper scripts are.
enum Paths {
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  static func python(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Python").appendingPathComponent(name).path
  }

  /// The built executable `name`, next to the running test bundle.
  static func executable(_ name: String) -> String {
    let candidates = [
      URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
      packageRoot.appendingPathComponent(".build/debug"),
    ]
    for directory in candidates {
      let path = directory.appendingPathComponent(name).path
      if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return packageRoot.appendingPathComponent(".build/debug/\(name)").path
  }

  static var devIssuer: String {
    packageRoot.appendingPathComponent("scripts/dev-issuer.py").path
  }
}
