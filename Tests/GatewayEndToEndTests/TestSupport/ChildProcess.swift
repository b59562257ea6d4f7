import Foundation
import Synchronization
import TestSupport

/// A real executable run by a test: its output is collected as it arrives, and the test can
/// wait for a line, signal it, or kill it.
final class ChildProcess: Sendable {
  private let process: Process
  private let output = OutputBuffer()
  private let errors = OutputBuffer()
  private let stdinPipe = Pipe()

  /// Starts `executable` with `arguments` and `environment` (added to this process's own).
  init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
    process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var merged = ProcessInfo.processInfo.environment
    // Tests pass removed or conflicting variables explicitly; inherit none of ours.
    for key in merged.keys where key.hasPrefix("OPENSHELL_") { merged[key] = nil }
    merged.merge(environment) { _, new in new }
    process.environment = merged
    let outputPipe = Pipe()
    let errorPipe = Pipe()
    process.standardOutput = outputPipe
    process.standardError = errorPipe
    process.standardInput = stdinPipe
    try process.run()
    // One reader thread per pipe, reading the descriptor directly: FileHandle's readers trap
    // on EINTR, which SIGCHLD from sibling processes makes common here.
    for (pipe, sink) in [(outputPipe, output), (errorPipe, errors)] {
      let descriptor = pipe.fileHandleForReading.fileDescriptor
      let reader = Thread {
        while let chunk = readAvailable(descriptor) { sink.append(Data(chunk)) }
        _ = pipe
      }
      reader.start()
    }
  }

  var standardOutput: String { output.text }
  var standardError: String { errors.text }
  var isRunning: Bool { process.isRunning }
  var pid: Int32 { process.processIdentifier }

  /// Writes `text` to the child's standard input.
  func write(_ text: String) {
    stdinPipe.fileHandleForWriting.write(Data(text.utf8))
  }

  /// Waits until standard output holds a line starting with `prefix`, and returns it.
  func waitForLine(
    startingWith prefix: String,
    timeout: Duration = .seconds(60)
  ) async throws -> String {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
      if let line = standardOutput.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) {
        return String(line)
      }
      guard process.isRunning else { break }
      try await Task.sleep(for: .milliseconds(20))
    }
    throw ChildProcessError(
      "no line starting with '\(prefix)' (running: \(process.isRunning))\n"
        + "stdout: \(standardOutput)\nstderr: \(standardError)"
    )
  }

  /// Waits for the process to exit and returns its status.
  @discardableResult
  func waitForExit(timeout: Duration = .seconds(60)) async throws -> Int32 {
    let deadline = ContinuousClock.now + timeout
    while process.isRunning {
      guard ContinuousClock.now < deadline else {
        kill(SIGKILL)
        throw ChildProcessError("the process did not exit in time\nstderr: \(standardError)")
      }
      try await Task.sleep(for: .milliseconds(20))
    }
    return process.terminationStatus
  }

  /// Sends `signal` to the process.
  func kill(_ signal: Int32) {
    if process.isRunning { Foundation.kill(process.processIdentifier, signal) }
  }

  deinit {
    kill(SIGKILL)
  }
}

/// Bytes a pipe delivered so far, shared between the pipe's reader and the test.
final class OutputBuffer: Sendable {
  private let data = Mutex(Data())

  func append(_ chunk: Data) {
    data.withLock { $0.append(chunk) }
  }

  var text: String {
    data.withLock { String(decoding: $0, as: UTF8.self) }
  }
}

struct ChildProcessError: Error, CustomStringConvertible {
  var description: String

  init(_ description: String) {
    self.description = description
  }
}
