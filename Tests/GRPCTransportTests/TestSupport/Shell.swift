import Foundation
import TestSupport

/// Runs helper programs (openssl, python3) that tests drive as real peers.
enum Shell {
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// Runs `arguments` via `/usr/bin/env`, waiting for it; returns stdout, throws on failure.
  @discardableResult
  static func run(_ arguments: [String], directory: String? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let stdout = Data(readToEnd(output.fileHandleForReading.fileDescriptor))
    let stderr = Data(readToEnd(errors.fileHandleForReading.fileDescriptor))
    process.waitUntilExit()
    let text = String(decoding: stdout, as: UTF8.self)
    guard process.terminationStatus == 0 else {
      throw Failure(
        description: "\(arguments.joined(separator: " ")) exited \(process.terminationStatus): "
          + text + String(decoding: stderr, as: UTF8.self))
    }
    return text
  }

  /// Runs a command off the cooperative pool so blocking waits don't starve the server.
  static func runAsync(_ arguments: [String]) async throws -> String {
    try await withCheckedThrowingContinuation { continuation in
      Thread.detachNewThread {
        continuation.resume(with: Result { try run(arguments) })
      }
    }
  }

  /// The folder of the grpcio peer script.
  static var peersDirectory: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Peers").path
  }
}
