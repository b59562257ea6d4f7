import Foundation
import OpenShellGateway
import Testing

@Suite("Gateway store")
final class GatewayStoreTests {
  let directory: String

  init() throws {
    directory = try makeTemporaryDirectory()
  }

  deinit {
    try? FileManager.default.removeItem(atPath: directory)
  }

  func open(logCapacity: Int = 100) async throws -> GatewayStore {
    try await GatewayStore(directory: directory, logCapacity: logCapacity)
  }

  @Test("what was written survives closing and reopening the database")
  func durable() async throws {
    let store = try await open()
    let row = SandboxRow(id: "id-1", name: "alpha", createdAtMs: 5, record: [1, 2, 3])
    #expect(try await store.insertSandbox(row))
    #expect(try await store.insertSandbox(row) == false)
    _ = try await store.setSetting(scope: "global", key: "k", value: [9])
    store.close()

    let reopened = try await open()
    defer { reopened.close() }
    #expect(try await reopened.sandbox(named: "alpha") == row)
    #expect(try await reopened.sandbox(named: "id-1") == row)
    #expect(try await reopened.settings(scope: "global").map(\.key) == ["k"])
    #expect(try await reopened.value(of: .settingsRevision) == 1)
  }

  @Test("policy versions increase per scope and an identical policy keeps its version")
  func policyVersions() async throws {
    let store = try await open()
    defer { store.close() }
    let first = try await store.appendPolicy(
      scope: "sandbox/a", policy: [1], hash: "h1", pendingStatus: 1, nowMs: 0
    )
    let same = try await store.appendPolicy(
      scope: "sandbox/a", policy: [1], hash: "h1", pendingStatus: 1, nowMs: 0
    )
    let second = try await store.appendPolicy(
      scope: "sandbox/a", policy: [2], hash: "h2", pendingStatus: 1, nowMs: 0
    )
    let other = try await store.appendPolicy(
      scope: "sandbox/b", policy: [2], hash: "h2", pendingStatus: 1, nowMs: 0
    )
    #expect(first.version == 1 && first.created)
    #expect(same.version == 1 && !same.created)
    #expect(second.version == 2 && second.created)
    #expect(other.version == 1)
  }

  @Test("concurrent updates never share a version")
  func concurrentVersions() async throws {
    let store = try await open()
    defer { store.close() }
    let versions = try await withThrowingTaskGroup(of: UInt32.self) { group in
      for index in 0..<40 {
        group.addTask {
          try await store.appendPolicy(
            scope: "sandbox/a",
            policy: [UInt8(index)],
            hash: "h\(index)",
            pendingStatus: 1,
            nowMs: 0
          ).version
        }
      }
      return try await group.reduce(into: []) { $0.append($1) }
    }
    #expect(Set(versions) == Set(1...40))
  }

  @Test("a loaded version supersedes older loaded versions")
  func supersede() async throws {
    let store = try await open()
    defer { store.close() }
    for index in 1...2 {
      _ = try await store.appendPolicy(
        scope: "s", policy: [UInt8(index)], hash: "h\(index)", pendingStatus: 1, nowMs: 0
      )
    }
    let report = { (version: UInt32, status: Int32) in
      try await store.reportPolicyStatus(
        scope: "s", version: version, status: status, loadError: "",
        loadedStatus: 2, supersededStatus: 4, nowMs: 9
      )
    }
    #expect(try await report(1, 2))
    #expect(try await report(2, 2))
    #expect(try await report(9, 2) == false)
    #expect(try await store.policy(scope: "s", version: 1)?.status == 4)
    #expect(try await store.policy(scope: "s", version: 2)?.status == 2)
    #expect(try await store.policy(scope: "s", version: 2)?.loadedAtMs == 9)
    #expect(try await store.activePolicyVersion(scope: "s", loadedStatus: 2) == 2)
    #expect(try await store.policies(scope: "s", limit: 10, offset: 0).map(\.version) == [2, 1])
  }

  @Test("each sandbox keeps at most its log capacity, newest lines last")
  func logRing() async throws {
    let store = try await open(logCapacity: 5)
    defer { store.close() }
    let lines = (0..<12).map {
      LogLineRow(timestampMs: Int64($0), source: "sandbox", line: [UInt8($0)])
    }
    try await store.appendLogs(sandbox: "a", lines: Array(lines[..<7]))
    try await store.appendLogs(sandbox: "a", lines: Array(lines[7...]))
    try await store.appendLogs(sandbox: "b", lines: [lines[0]])

    let (kept, total) = try await store.logs(sandbox: "a", limit: 100, sinceMs: 0)
    #expect(total == 5)
    #expect(kept.map(\.line) == [[7], [8], [9], [10], [11]])
    let (newest, _) = try await store.logs(sandbox: "a", limit: 2, sinceMs: 0)
    #expect(newest.map(\.line) == [[10], [11]])
    #expect(try await store.logs(sandbox: "b", limit: 10, sinceMs: 0).total == 1)
  }

  @Test("deleting a sandbox removes its policies, settings and logs")
  func cascade() async throws {
    let store = try await open()
    defer { store.close() }
    _ = try await store.insertSandbox(SandboxRow(id: "1", name: "a", createdAtMs: 0, record: []))
    let scope = GatewayStore.sandboxScope("a")
    _ = try await store.appendPolicy(
      scope: scope, policy: [1], hash: "h", pendingStatus: 1, nowMs: 0)
    _ = try await store.setSetting(scope: scope, key: "k", value: [1])
    try await store.appendLogs(
      sandbox: "a", lines: [LogLineRow(timestampMs: 0, source: "s", line: [1])])

    #expect(try await store.deleteSandbox(named: "a"))
    #expect(try await store.deleteSandbox(named: "a") == false)
    #expect(try await store.latestPolicy(scope: scope) == nil)
    #expect(try await store.settings(scope: scope).isEmpty)
    #expect(try await store.logs(sandbox: "a", limit: 10, sinceMs: 0).total == 0)
  }

  @Test("reads running at once from many tasks see every write acknowledged before them")
  func concurrentReadsSeeWrites() async throws {
    let store = try await open()
    defer { store.close() }
    for index in 0..<20 {
      let name = "sandbox-\(index)"
      #expect(
        try await store.insertSandbox(
          SandboxRow(id: "id-\(index)", name: name, createdAtMs: 1, record: [UInt8(index)])))
      // Each acknowledged write is visible to the next read, on whichever pooled connection,
      // and to a listing read (and remembered) before it.
      try await withThrowingTaskGroup(of: (SandboxRow?, Int).self) { group in
        for _ in 0..<12 {
          group.addTask {
            (
              try await store.sandbox(named: name),
              try await store.sandboxes(limit: 100, offset: 0).count
            )
          }
        }
        for try await (row, count) in group {
          #expect(row?.record == [UInt8(index)])
          #expect(count == index + 1)
        }
      }
    }
    #expect(try await store.sandboxes(limit: 100, offset: 0).count == 20)
  }

  @Test("a remembered read never outlives the write that changes it")
  func cachedReadsFollowWrites() async throws {
    let store = try await open()
    defer { store.close() }
    let scope = GatewayStore.sandboxScope("a")
    // Each read runs twice before the write, so the second answer comes from memory.
    func readAll() async throws -> String {
      var answers: [String] = []
      for _ in 0..<2 {
        answers = [
          "\(try await store.sandboxes(limit: 10, offset: 0).map(\.record))",
          "\(try await store.sandbox(named: "a")?.record ?? [])",
          "\(try await store.providers(limit: 10, offset: 0))",
          "\(try await store.provider(named: "p") ?? [])",
          "\(try await store.latestPolicy(scope: scope)?.version ?? 0)",
          "\(try await store.settings(scope: scope).map(\.value))",
        ]
      }
      return answers.joined(separator: " ")
    }
    #expect(try await readAll() == "[] [] [] [] 0 []")
    _ = try await store.insertSandbox(SandboxRow(id: "1", name: "a", createdAtMs: 0, record: [1]))
    #expect(try await readAll() == "[[1]] [1] [] [] 0 []")
    _ = try await store.updateSandbox(named: "a") { _ in [2] }
    _ = try await store.insertProvider(name: "p", record: [3])
    #expect(try await readAll() == "[[2]] [2] [[3]] [3] 0 []")
    _ = try await store.updateProvider(name: "p", record: [4])
    _ = try await store.appendPolicy(
      scope: scope, policy: [1], hash: "h", pendingStatus: 1, nowMs: 0)
    _ = try await store.setSetting(scope: scope, key: "k", value: [5])
    #expect(try await readAll() == "[[2]] [2] [[4]] [4] 1 [[5]]")
    // Log lines change no remembered read; a delete that cascades changes several.
    try await store.appendLogs(
      sandbox: "a", lines: [LogLineRow(timestampMs: 0, source: "s", line: [1])])
    #expect(try await readAll() == "[[2]] [2] [[4]] [4] 1 [[5]]")
    _ = try await store.deleteSandbox(named: "a")
    _ = try await store.deleteProvider(named: "p")
    #expect(try await readAll() == "[] [] [] [] 0 []")
  }

  @Test("a second store on the same folder is refused until the first closes")
  func oneStorePerFolder() async throws {
    let store = try await open()
    do {
      _ = try await open()
      Issue.record("a second store opened the same folder")
    } catch {
      #expect("\(error)".contains("another openshell-gateway is using the state directory"))
    }
    store.close()
    let again = try await open()
    again.close()
  }

  @Test("a read after the store is closed fails as closed, not with a crash")
  func readAfterClose() async throws {
    let store = try await open()
    _ = try await store.sandboxes(limit: 1, offset: 0)
    store.close()
    do {
      _ = try await store.sandboxes(limit: 1, offset: 0)
      Issue.record("a read after close succeeded")
    } catch {
      #expect(error.code == .closed)
    }
  }
}
