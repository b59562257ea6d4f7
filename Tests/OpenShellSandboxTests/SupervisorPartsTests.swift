import Foundation
import OpenShellAPI
import OpenShellSandbox
import Testing

@Suite("Policy file")
struct PolicyFileTests {
  @Test("a policy in protobuf JSON form parses, in either field spelling")
  func parses() throws {
    let json = """
      {
        "version": 3,
        "filesystem": {"include_workdir": true, "readOnly": ["/usr"], "read_write": ["/tmp"]},
        "landlock": {"compatibility": "best_effort"},
        "process": {"runAsUser": "sandbox"},
        "network_policies": {
          "github": {
            "name": "github",
            "endpoints": [{"host": "api.github.com", "port": 443, "ports": [443, "8443"],
                           "allowedIps": ["140.82.112.0/20"]}],
            "binaries": [{"path": "/usr/bin/git"}]
          }
        }
      }
      """
    let policy = try PolicyFile.parse(Data(json.utf8))
    #expect(policy.version == 3)
    #expect(policy.filesystem?.includeWorkdir == true)
    #expect(policy.filesystem?.readOnly == ["/usr"])
    #expect(policy.process?.runAsUser == "sandbox")
    let rule = try #require(policy.networkPolicies["github"])
    #expect(rule.endpoints.first?.ports == [443, 8443])
    #expect(rule.endpoints.first?.allowedIPs == ["140.82.112.0/20"])
    #expect(rule.binaries.map(\.path) == ["/usr/bin/git"])
  }

  @Test(
    "typos and wrong types are refused with the key named",
    arguments: [
      (#"{"verison": 1}"#, "unknown key 'verison'"),
      (#"{"filesystem": {"include_workdir": 1}}"#, "include_workdir must be true or false"),
      (#"{"network_policies": {"a": {"endpoints": [{"port": -1}]}}}"#, "port must be"),
      (#"{"network_policies": {"a": {"endpoints": [{"hots": "x"}]}}}"#, "unknown key 'hots'"),
      (#"{"version": true}"#, "version must be"),
      (#"["not", "an", "object"]"#, "must be a JSON object"),
      (#"{"filesystem": {"read_only": "/usr"}}"#, "list of strings"),
      ("{", "not valid JSON"),
    ]
  )
  func refused(json: String, fragment: String) {
    let error = #expect(throws: PolicyFileError.self) { try PolicyFile.parse(Data(json.utf8)) }
    #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "")")
  }
}

@Suite("Log buffer")
struct LogBufferTests {
  @Test("lines leave only when acknowledged, oldest first")
  func acknowledged() {
    let buffer = LogBuffer<Int>(capacity: 10)
    for line in 0..<5 { buffer.append(line) }
    let batch = buffer.peek(limit: 3)
    #expect(batch == [0, 1, 2])
    #expect(buffer.count == 5, "peeking removes nothing, so a failed push loses nothing")
    buffer.acknowledge(batch.count, droppedBefore: 0)
    #expect(buffer.peek(limit: 10) == [3, 4])
  }

  @Test("a full buffer drops the oldest line and counts it")
  func bounded() {
    let buffer = LogBuffer<Int>(capacity: 3)
    for line in 0..<1000 { buffer.append(line) }
    #expect(buffer.count == 3)
    #expect(buffer.dropped == 997)
    #expect(buffer.peek(limit: 10) == [997, 998, 999])
  }

  @Test("lines dropped while a batch was in flight are not acknowledged twice")
  func dropsDuringFlight() {
    let buffer = LogBuffer<Int>(capacity: 3)
    for line in 0..<3 { buffer.append(line) }
    let dropped = buffer.dropped
    let batch = buffer.peek(limit: 2)
    buffer.append(3)  // drops 0, which is in flight
    buffer.acknowledge(batch.count, droppedBefore: dropped)
    #expect(buffer.peek(limit: 10) == [2, 3])
  }
}

@Suite("Backoff")
struct BackoffTests {
  @Test("bounds double up to the cap, draws stay under the bound, and reset starts over")
  func doubling() {
    var backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(1), random: { $0 })
    let delays = (0..<6).map { _ in backoff.next() }
    #expect(
      delays == [100, 200, 400, 800, 1000, 1000].map { Duration.milliseconds($0) }
    )
    backoff.reset()
    #expect(backoff.next() == .milliseconds(100))

    var jittered = Backoff(initial: .milliseconds(100), maximum: .seconds(1))
    for _ in 0..<50 {
      let bound = jittered.currentBound
      #expect(jittered.next() <= bound)
    }
  }
}
