import Foundation
import TestSupport

/// Runs a program we did not write (the `openssl` CLI, `python3`) and captures its output.
struct Subprocess {
  struct Result: Sendable {
    var status: Int32
    var output: String
    var error: String
  }

  /// Runs the program to completion, waiting off the cooperative pool.
  static func run(_ executable: String, _ arguments: [String]) async throws -> Result {
    try await offPool { try runBlocking(executable, arguments) }
  }

  private static func runBlocking(_ executable: String, _ arguments: [String]) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outputData = Data(readToEnd(output.fileHandleForReading.fileDescriptor))
    let errorData = Data(readToEnd(error.fileHandleForReading.fileDescriptor))
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus,
      output: String(decoding: outputData, as: UTF8.self),
      error: String(decoding: errorData, as: UTF8.self)
    )
  }
}

/// A fresh folder under the system's temporary folder, removed by the caller.
func makeTemporaryDirectory() throws -> String {
  let path = NSTemporaryDirectory() + "openshell-test-\(UUID().uuidString)"
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}
