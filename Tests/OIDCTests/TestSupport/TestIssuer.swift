import Foundation
import Synchronization
import TestSupport

/// The local issuer (`issuer.py`) in a child process, driven over its stdin and stdout.
///
/// Each test starts its own, so key rotation and outages in one test never reach another.
final class TestIssuer: Sendable {
  /// The issuer URL, `https://127.0.0.1:<port>` (or `http://` for a plain issuer).
  let url: String

  private struct Pipes: @unchecked Sendable {
    // Process and FileHandle are not Sendable; every use is serialized by `lock`.
    let process: Process
    let input: FileHandle
    let output: FileHandle
  }

  private let pipes: Pipes
  /// Serializes commands; holds bytes read past the last reply.
  private let lock: Mutex<[UInt8]>

  /// Starts an issuer.
  ///
  /// The child's start-up (key generation) and every reply are waited for on a thread outside
  /// Swift's cooperative pool: blocking a pool thread would stall every other test running in
  /// parallel, servers included.
  ///
  /// - Parameter plain: Serve plain HTTP instead of HTTPS with the test CA's certificate.
  static func start(plain: Bool = false) async throws -> TestIssuer {
    try await offPool { try TestIssuer(plain: plain) }
  }

  private init(plain: Bool) throws {
    guard let script = Bundle.module.path(forResource: "issuer", ofType: "py") else {
      throw TestSupportError("issuer.py is not in the test bundle")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    var arguments = ["python3", script]
    if plain {
      arguments.append("--plain")
    } else {
      let certificates = TestCertificates.shared
      arguments += [
        "--cert", certificates.serverCertificatePath, "--key", certificates.serverKeyPath,
      ]
    }
    process.arguments = arguments
    let stdin = Pipe()
    let stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    try process.run()
    pipes = Pipes(
      process: process, input: stdin.fileHandleForWriting, output: stdout.fileHandleForReading)

    var buffer: [UInt8] = []
    let firstLine = try Self.readLine(pipes.output, buffer: &buffer)
    lock = Mutex(buffer)
    let first = try JSONSerialization.jsonObject(with: firstLine) as? [String: Any] ?? [:]
    guard let port = first["port"] as? Int else {
      throw TestSupportError("issuer.py did not print its port")
    }
    url = "\(plain ? "http" : "https")://127.0.0.1:\(port)"
  }

  deinit {
    try? pipes.input.close()
    pipes.process.waitUntilExit()
  }

  /// Sends one command and returns the issuer's reply.
  @discardableResult
  func command(_ command: [String: Any]) async throws -> [String: Any] {
    let line = try JSONSerialization.data(withJSONObject: command) + Data("\n".utf8)
    let replyLine = try await offPool { try self.send(line) }
    guard let reply = try JSONSerialization.jsonObject(with: replyLine) as? [String: Any] else {
      throw TestSupportError("issuer.py wrote something other than a JSON object")
    }
    if let error = reply["error"] {
      throw TestSupportError("issuer.py: \(error)")
    }
    return reply
  }

  private func send(_ line: Data) throws -> Data {
    try lock.withLock { buffer in
      try pipes.input.write(contentsOf: line)
      return try Self.readLine(pipes.output, buffer: &buffer)
    }
  }

  private static func readLine(_ handle: FileHandle, buffer: inout [UInt8]) throws -> Data {
    while !buffer.contains(UInt8(ascii: "\n")) {
      guard let chunk = readAvailable(handle.fileDescriptor) else {
        throw TestSupportError("issuer.py exited")
      }
      buffer += chunk
    }
    let end = buffer.firstIndex(of: UInt8(ascii: "\n"))!
    let line = Data(buffer[..<end])
    buffer.removeSubrange(...end)
    return line
  }

  /// A token signed by PyJWT with the named key (`rsa`, `ec256`, `ec384`, `stray`).
  func mint(
    key: String = "rsa", alg: String = "RS256", claims: [String: Any],
    header: [String: Any] = [:]
  ) async throws -> String {
    let reply = try await command([
      "cmd": "mint", "key": key, "alg": alg, "claims": claims, "header": header,
    ])
    return reply["token"] as! String
  }

  /// Replaces a key with a new one under a new `kid`; returns the new `kid`.
  func rotate(key: String = "rsa", keepOld: Bool = false) async throws -> String {
    try await command(["cmd": "rotate", "key": key, "keep_old": keepOld])["kid"] as! String
  }

  /// How many times discovery and the key set were fetched.
  func hits() async throws -> (discovery: Int, jwks: Int) {
    let reply = try await command(["cmd": "stats"])
    return (reply["discovery"] as! Int, reply["jwks"] as! Int)
  }

  /// Makes the issuer answer 503 to everything (`true`) or serve again (`false`).
  func setDown(_ down: Bool) async throws {
    try await command(["cmd": down ? "down" : "up"])
  }

  /// Claims a valid token for this issuer carries, around `now`.
  func claims(now: Double, audience: Any = "openshell-cli") -> [String: Any] {
    [
      "iss": url,
      "aud": audience,
      "sub": "user-1234",
      "preferred_username": "alice",
      "iat": Int(now),
      "exp": Int(now) + 300,
      "realm_access": ["roles": ["admin", "viewer"]],
    ]
  }
}
