import Foundation
import TestSupport

/// Runs the Python protobuf runtime, through `Python/peer.py`, as the tests' reference peer.
///
/// The `.proto` files are compiled once per test process with `grpc_tools.protoc`, so a change to
/// `Protos/` is always checked by a real protobuf compiler.
enum PythonPeer {
  /// A step of talking to Python failed; the text carries Python's own error output.
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// What `peer.py encode` prints: every case's bytes as Python wrote them.
  struct Encoded: Decodable, Sendable {
    var cases: [String: String]
    var aux: [String: String]

    func bytes(_ name: String) throws -> [UInt8] {
      guard let hex = cases[name] ?? aux[name] else {
        throw Failure(description: "peer.py has no case named \(name)")
      }
      return Hex.decode(hex)
    }
  }

  static let testsDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
  static let packageRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
  static let protosDirectory = packageRoot.appendingPathComponent("Protos")
  static let pythonDirectory = testsDirectory.appendingPathComponent("Python")

  /// The directory `protoc` wrote the Python modules to, or why it could not.
  static let generatedDirectory: Result<URL, Failure> = capture { try compileProtos() }

  /// Every case encoded by Python's default runtime (upb, the one deployments use).
  static let encoded: Result<Encoded, Failure> = capture { try encode(runtime: nil) }

  /// Every case encoded by Python's pure-Python runtime.
  ///
  /// Its deterministic output sorts map entries by ascending key, as our encoder does for maps
  /// built in code; upb's deterministic order is its own (longer string keys first, integer keys
  /// descending), so canonical-byte comparisons use this runtime.
  static let encodedPure: Result<Encoded, Failure> = capture { try encode(runtime: "python") }

  private static func encode(runtime: String?) throws -> Encoded {
    let directory = try generatedDirectory.get()
    var command = ["python3", peerScript, directory.path, "encode"]
    if let runtime { command.insert("PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION=\(runtime)", at: 0) }
    let output = try run(command)
    do {
      return try JSONDecoder().decode(Encoded.self, from: Data(output.utf8))
    } catch {
      throw Failure(description: "peer.py encode printed something other than JSON: \(error)")
    }
  }

  /// Runs `body` once, keeping any error as a ``Failure`` so every test can report it.
  private static func capture<Value>(_ body: () throws -> Value) -> Result<Value, Failure> {
    do {
      return .success(try body())
    } catch let failure as Failure {
      return .failure(failure)
    } catch {
      return .failure(Failure(description: "\(error)"))
    }
  }

  static var peerScript: String { pythonDirectory.appendingPathComponent("peer.py").path }

  /// Has Python decode each case's bytes and compare them field by field with its expected
  /// message.
  ///
  /// - Returns: The mismatches Python found, by case; an empty list means the case matched.
  static func check(_ cases: [String: [UInt8]]) async throws -> [String: [String]] {
    try await offPool { try checkBlocking(cases) }
  }

  private static func checkBlocking(_ cases: [String: [UInt8]]) throws -> [String: [String]] {
    let directory = try generatedDirectory.get()
    let input = try JSONSerialization.data(withJSONObject: cases.mapValues(Hex.encode))
    let output = try run(
      ["python3", peerScript, directory.path, "check"],
      input: input,
      allowFailure: true
    )
    do {
      return try JSONDecoder().decode([String: [String]].self, from: Data(output.utf8))
    } catch {
      throw Failure(description: "peer.py check printed something other than JSON: \(output)")
    }
  }

  /// Asks Python whether it decodes each input as `openshell.testing.AllTypes`.
  ///
  /// - Parameters:
  ///   - inputs: Bytes by label.
  ///   - runtime: `python` for the pure-Python runtime; the default (upb) when `nil`.
  /// - Returns: Whether Python decoded each input without error, by label.
  static func accepts(_ inputs: [String: [UInt8]], runtime: String? = nil) async throws
    -> [String: Bool]
  {
    try await offPool { try acceptsBlocking(inputs, runtime: runtime) }
  }

  private static func acceptsBlocking(_ inputs: [String: [UInt8]], runtime: String?) throws
    -> [String: Bool]
  {
    let directory = try generatedDirectory.get()
    var command = ["python3", peerScript, directory.path, "accepts"]
    if let runtime { command.insert("PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION=\(runtime)", at: 0) }
    let input = try JSONSerialization.data(withJSONObject: inputs.mapValues(Hex.encode))
    let output = try run(command, input: input)
    return try JSONDecoder().decode([String: Bool].self, from: Data(output.utf8))
  }

  /// Every `.proto` file under `directory`, relative to it.
  static func protoFiles(in directory: URL) -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: directory.path)
    var files: [String] = []
    while let path = enumerator?.nextObject() as? String {
      if path.hasSuffix(".proto") { files.append(path) }
    }
    return files.sorted()
  }

  private static func compileProtos() throws -> URL {
    // Under .build, replaced on every run, so test runs leave nothing behind in /tmp.
    let output = packageRoot.appendingPathComponent(".build/openshell-api-tests/protoc")
    try? FileManager.default.removeItem(at: output)
    try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)

    let files =
      protoFiles(in: protosDirectory).map { protosDirectory.appendingPathComponent($0).path }
      + protoFiles(in: pythonDirectory).map { pythonDirectory.appendingPathComponent($0).path }
    _ = try run(
      [
        "python3", "-m", "grpc_tools.protoc", "-I", protosDirectory.path, "-I",
        pythonDirectory.path,
      ]
        + ["--python_out=\(output.path)", "--grpc_python_out=\(output.path)"] + files
    )
    return output
  }

  /// Runs a command and returns its standard output.
  ///
  /// Output goes through files rather than pipes, so a chatty child can never block on a full
  /// pipe while the test waits for it to exit.
  static func run(
    _ arguments: [String],
    input: Data = Data(),
    allowFailure: Bool = false
  ) throws -> String {
    let scratch = FileManager.default.temporaryDirectory
      .appendingPathComponent("openshell-api-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let inputURL = scratch.appendingPathComponent("stdin")
    let outputURL = scratch.appendingPathComponent("stdout")
    let errorURL = scratch.appendingPathComponent("stderr")
    try input.write(to: inputURL)
    _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)

    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.standardInput = try FileHandle(forReadingFrom: inputURL)
    process.standardOutput = try FileHandle(forWritingTo: outputURL)
    process.standardError = try FileHandle(forWritingTo: errorURL)
    try process.run()
    process.waitUntilExit()

    let output = String(decoding: try Data(contentsOf: outputURL), as: UTF8.self)
    let errors = String(decoding: try Data(contentsOf: errorURL), as: UTF8.self)
    guard process.terminationStatus == 0 || allowFailure else {
      throw Failure(
        description: "\(arguments.joined(separator: " ")) exited with "
          + "\(process.terminationStatus): \(errors)"
      )
    }
    return output
  }
}
