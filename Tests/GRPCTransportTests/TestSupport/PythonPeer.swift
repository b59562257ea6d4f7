import Foundation
import TestSupport

/// The grpcio peer from `Peers/grpc_peer.py`, a gRPC implementation we did not write.
enum PythonPeer {
  static var script: String { Shell.peersDirectory + "/grpc_peer.py" }

  /// Runs one client scenario against `target`; returns the script's output.
  static func runClient(target: String, scenario: String, certs: TestCertificates) async throws
    -> String
  {
    try await Shell.runAsync([
      "python3", script, "client", target, certs.caPath, certs.clientCertPath,
      certs.clientKeyPath, scenario,
    ])
  }

  /// A grpcio server over mutual TLS; stops when ``stop()`` closes its stdin.
  final class Server: Sendable {
    let port: Int
    private let process: Process
    private let input: Pipe

    init(certs: TestCertificates) throws {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = [
        "python3", PythonPeer.script, "server", certs.caPath, certs.serverCertPath,
        certs.serverKeyPath,
      ]
      let input = Pipe()
      let output = Pipe()
      process.standardInput = input
      process.standardOutput = output
      try process.run()

      var line: [UInt8] = []
      while true {
        var byte: UInt8 = 0
        let count = read(output.fileHandleForReading.fileDescriptor, &byte, 1)
        if count < 0 && errno == EINTR { continue }
        guard count == 1 else { break }
        let first = byte
        if first == UInt8(ascii: "\n") { break }
        line.append(first)
      }
      guard let port = Int(String(decoding: line, as: UTF8.self)) else {
        process.terminate()
        throw Shell.Failure(description: "the grpcio server did not report a port")
      }
      self.port = port
      self.process = process
      self.input = input
    }

    func stop() {
      try? input.fileHandleForWriting.close()
      process.waitUntilExit()
    }

    /// ``stop()`` waited for on a thread outside the cooperative pool.
    func stopOffPool() async {
      _ = try? await offPool { self.stop() }
    }
  }
}
