import Foundation
import GRPCTransport
import Synchronization
import Testing

/// Refuses calls without `authorization: let-me-in`; admits others as principal "alice",
/// adding `x-principal` to the metadata the handler sees.
final class TokenInterceptor: HeaderInterceptor {
  let seen = Mutex<[CallHead]>([])

  func admit(_ head: CallHead) async -> Admission {
    seen.withLock { $0.append(head) }
    // Deciding asynchronously is the point: the body must wait for it.
    try? await Task.sleep(for: .milliseconds(20))
    guard head.metadata[stringValue: "authorization"] == "let-me-in" else {
      return .refuse(GRPCStatus(code: .unauthenticated, message: "no valid token for café"))
    }
    var metadata = head.metadata
    metadata.removeAll(forKey: "authorization")
    metadata.addString("alice", forKey: "x-principal")
    return .admit(metadata: metadata, context: "alice")
  }
}

/// Decides `/test.Echo/Unary` only when the test opens the gate, refusing calls that carry
/// `x-refuse`; admits every other path at once, without waiting.
final class GatedInterceptor: HeaderInterceptor {
  private struct State {
    var open = false
    var waiters: [CheckedContinuation<Void, Never>] = []
    var waited = 0
    var immediate = 0
  }
  private let state = Mutex(State())

  /// How many calls reached the waiting `admit`, and how many were decided at once.
  var counts: (waited: Int, immediate: Int) {
    state.withLock { ($0.waited, $0.immediate) }
  }

  func admitImmediately(_ head: CallHead) -> Admission? {
    guard head.path != "/test.Echo/Unary" else { return nil }
    state.withLock { $0.immediate += 1 }
    return .admit(metadata: head.metadata, context: "alice")
  }

  func admit(_ head: CallHead) async -> Admission {
    await withCheckedContinuation { continuation in
      let now = state.withLock { state -> Bool in
        state.waited += 1
        if state.open { return true }
        state.waiters.append(continuation)
        return false
      }
      if now { continuation.resume() }
    }
    if head.metadata[stringValue: "x-refuse"] != nil {
      return .refuse(GRPCStatus(code: .permissionDenied, message: "refused after waiting"))
    }
    return .admit(metadata: head.metadata)
  }

  func open() {
    let waiters = state.withLock { state in
      state.open = true
      defer { state.waiters = [] }
      return state.waiters
    }
    for waiter in waiters { waiter.resume() }
  }
}

/// Decides each call after the delay in its `x-delay-ms` header (none: at once), refusing
/// calls that carry `x-refuse`.
final class DelayingInterceptor: HeaderInterceptor {
  func admitImmediately(_ head: CallHead) -> Admission? {
    head.metadata[stringValue: "x-delay-ms"] == nil ? verdict(head) : nil
  }

  func admit(_ head: CallHead) async -> Admission {
    let delay = Int(head.metadata[stringValue: "x-delay-ms"] ?? "") ?? 0
    try? await Task.sleep(for: .milliseconds(delay))
    return verdict(head)
  }

  private func verdict(_ head: CallHead) -> Admission {
    head.metadata[stringValue: "x-refuse"] != nil
      ? .refuse(GRPCStatus(code: .permissionDenied, message: "refused"))
      : .admit(metadata: head.metadata)
  }
}

/// A small deterministic generator, so a failing mix can be run again.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// A flag one task raises and another reads.
final class Flag: Sendable {
  private let state = Mutex(false)
  var isRaised: Bool { state.withLock { $0 } }
  func raise() { state.withLock { $0 = true } }
}

@Suite("The header-stage interceptor")
struct InterceptorTests {
  let codec = RawBytesCodec()
  let token: Metadata = ["authorization": "let-me-in"]

  @Test("a refused call gets the interceptor's status and no handler runs")
  func refusal() async throws {
    let interceptor = TokenInterceptor()
    let running = try RunningServer.start(interceptor: interceptor)
    let client = try GRPCClient(target: "http://127.0.0.1:\(running.port)")
    let error = await #expect(throws: GRPCStatus.self) {
      try await client.unary(
        path: "/test.Echo/Sleep", request: [UInt8](repeating: 1, count: 100_000),
        serializer: codec, deserializer: codec, metadata: ["x-id": "refused"])
    }
    #expect(error?.code == .unauthenticated)
    #expect(error?.message == "no valid token for café")
    #expect(!EchoService.startedIDs.withLock { $0.contains("refused") })
    #expect(interceptor.seen.withLock { $0.map(\.path) } == ["/test.Echo/Sleep"])
    client.close()
    await running.stop()
  }

  @Test("an admitted call sees rewritten metadata and the principal, with a 1 MiB body")
  func admission() async throws {
    let running = try RunningServer.start(interceptor: TokenInterceptor())
    let client = try GRPCClient(target: "http://127.0.0.1:\(running.port)")
    let principal = try await client.unary(
      path: "/test.Echo/Principal", request: [], serializer: codec, deserializer: codec,
      metadata: token)
    #expect(principal == Array("alice".utf8))

    let body = [UInt8](repeating: 3, count: 1 << 20)
    let call = try await client.makeCall(path: "/test.Echo/Unary", metadata: token)
    try await call.send(body, endOfStream: true)
    let initial = try await call.initialMetadata()
    #expect(initial[stringValue: "x-principal"] == "alice")
    var replies: [[UInt8]] = []
    for try await reply in call.responses { replies.append(reply) }
    #expect(replies == [body])
    client.close()
    await running.stop()
  }

  @Test("a decision that needs no waiting never reaches the waiting admit")
  func immediateDecision() async throws {
    let interceptor = GatedInterceptor()
    let running = try RunningServer.start(interceptor: interceptor)
    let client = try GRPCClient(target: "http://127.0.0.1:\(running.port)")
    let principal = try await client.unary(
      path: "/test.Echo/Principal", request: [UInt8](repeating: 1, count: 300_000),
      serializer: codec, deserializer: codec)
    #expect(principal == Array("alice".utf8))
    #expect(interceptor.counts.waited == 0)
    #expect(interceptor.counts.immediate == 1)
    client.close()
    await running.stop()
  }

  /// Starts a call `interceptor` holds undecided, sends all of `body` and returns once the
  /// interceptor is waiting on it.
  private func startGatedCall(
    _ client: GRPCClient, _ interceptor: GatedInterceptor, body: [UInt8],
    metadata: Metadata = [:]
  ) async throws -> ClientCall {
    let gated = try await client.makeCall(path: "/test.Echo/Unary", metadata: metadata)
    try await gated.send(body, endOfStream: true)
    while interceptor.counts.waited == 0 { try await Task.sleep(for: .milliseconds(5)) }
    return gated
  }

  /// Starts a call the interceptor admits at once; `answered` is raised when it has its reply.
  private func startLaterCall(
    _ client: GRPCClient
  ) -> (reply: Task<[UInt8], any Error>, answered: Flag) {
    let answered = Flag()
    let codec = codec
    let reply = Task {
      let reply = try await client.unary(
        path: "/test.Echo/Principal", request: [], serializer: codec, deserializer: codec)
      answered.raise()
      return reply
    }
    return (reply, answered)
  }

  @Test(
    "a body larger than the budget for undecided calls holds the connection's input until then",
    arguments: [false, true])
  func bodyWaitsForDecision(refuse: Bool) async throws {
    let interceptor = GatedInterceptor()
    let running = try RunningServer.start(interceptor: interceptor)
    let client = try GRPCClient(target: "http://127.0.0.1:\(running.port)")
    let body = [UInt8](repeating: 7, count: 300_000)
    let gated = try await startGatedCall(
      client, interceptor, body: body, metadata: refuse ? ["x-refuse": "1"] : [:])

    // Sent after the gated call's body on the same connection, so it sits behind that body
    // in the held input: it is not even parsed until the gated call is decided.
    let later = startLaterCall(client)
    try await Task.sleep(for: .milliseconds(300))
    #expect(!later.answered.isRaised)
    #expect(interceptor.counts.immediate == 0)

    interceptor.open()
    var replies: [[UInt8]] = []
    do {
      for try await reply in gated.responses { replies.append(reply) }
      #expect(!refuse)
      #expect(replies == [body])
    } catch let status as GRPCStatus {
      #expect(refuse)
      #expect(status.code == .permissionDenied)
    }
    #expect(try await later.reply.value == Array("alice".utf8))
    // The connection reads on: a refused body's window was given back.
    let again = try await client.unary(
      path: "/test.Echo/Principal", request: body, serializer: codec, deserializer: codec)
    #expect(again == Array("alice".utf8))
    client.close()
    await running.stop()
  }

  @Test("a decision slower than the grace stops holding input: other calls go on")
  func slowDecisionReleasesInput() async throws {
    let interceptor = GatedInterceptor()
    let running = try RunningServer.start(interceptor: interceptor)
    let client = try GRPCClient(target: "http://127.0.0.1:\(running.port)")
    // Under the connection's budget for bodies of undecided calls, so it can be kept.
    let body = [UInt8](repeating: 9, count: 20_000)
    let gated = try await startGatedCall(client, interceptor, body: body)
    let later = startLaterCall(client)
    // The grace is 50 ms; allow the loaded machine far more before calling it stuck.
    for _ in 0..<200 where !later.answered.isRaised {
      try await Task.sleep(for: .milliseconds(10))
    }
    #expect(later.answered.isRaised)
    #expect(interceptor.counts.immediate == 1)

    interceptor.open()
    var replies: [[UInt8]] = []
    for try await reply in gated.responses { replies.append(reply) }
    #expect(replies == [body])
    #expect(try await later.reply.value == Array("alice".utf8))
    client.close()
    await running.stop()
  }

  @Test(
    "calls decided at once, quickly, slowly or refused share a connection and keep every byte",
    arguments: [(1, false), (2, false), (3, true), (4, true)] as [(UInt64, Bool)])
  func mixedDecisions(seed: UInt64, tls: Bool) async throws {
    // Over TLS, held input is decrypted plaintext rather than socket bytes.
    let certs = try await TestCertificates.load()
    let running = try RunningServer.start(
      tls: tls ? certs.serverTLS() : nil, interceptor: DelayingInterceptor())
    let client =
      tls
      ? try GRPCClient(
        target: "https://localhost:\(running.port)",
        config: .init(
          tls: .init(
            trustRootsPath: certs.caPath, certificateChainPath: certs.clientCertPath,
            privateKeyPath: certs.clientKeyPath)))
      : try GRPCClient(target: "http://127.0.0.1:\(running.port)")
    var random = SplitMix64(state: seed)
    struct Plan: Sendable {
      var body: [UInt8]
      var metadata: Metadata
      var refused: Bool
    }
    var plans: [Plan] = []
    for index in 0..<60 {
      let size = [0, 10, 5_000, 70_000, 200_000][Int.random(in: 0..<5, using: &random)]
      let body = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) }
      var metadata: Metadata = [:]
      // At once, under the 50 ms grace, or past it.
      switch Int.random(in: 0..<3, using: &random) {
      case 0: break
      case 1: metadata.addString("\(Int.random(in: 1..<20, using: &random))", forKey: "x-delay-ms")
      default:
        metadata.addString("\(Int.random(in: 60..<150, using: &random))", forKey: "x-delay-ms")
      }
      let refused = Int.random(in: 0..<5, using: &random) == 0
      if refused { metadata.addString("1", forKey: "x-refuse") }
      plans.append(Plan(body: body, metadata: metadata, refused: refused))
    }
    let codec = codec
    try await withThrowingTaskGroup(of: Void.self) { group in
      for plan in plans {
        group.addTask {
          do {
            let reply = try await client.unary(
              path: "/test.Echo/Unary", request: plan.body, serializer: codec,
              deserializer: codec, metadata: plan.metadata,
              options: CallOptions(timeout: .seconds(30)))
            let refused = plan.refused
            #expect(!refused)
            #expect(reply == plan.body, "body of \(plan.body.count) bytes")
          } catch let status as GRPCStatus {
            let refused = plan.refused
            #expect(refused, "\(status), body of \(plan.body.count) bytes")
            #expect(status.code == .permissionDenied)
          }
        }
      }
      try await group.waitForAll()
    }
    client.close()
    await running.stop()
  }

  @Test("unknown methods are reported only after the interceptor admits")
  func unknownAfterInterceptor() async throws {
    let interceptor = TokenInterceptor()
    let running = try RunningServer.start(interceptor: interceptor)
    let client = try GRPCClient(target: "http://127.0.0.1:\(running.port)")
    let anonymous = await #expect(throws: GRPCStatus.self) {
      try await client.unary(
        path: "/test.Echo/Nope", request: [], serializer: codec, deserializer: codec)
    }
    #expect(anonymous?.code == .unauthenticated)
    let admitted = await #expect(throws: GRPCStatus.self) {
      try await client.unary(
        path: "/test.Echo/Nope", request: [], serializer: codec, deserializer: codec,
        metadata: token)
    }
    #expect(admitted?.code == .unimplemented)
    #expect(interceptor.seen.withLock { $0.count } == 2)
    client.close()
    await running.stop()
  }
}

@Suite("Deadlines, cancellation, compression and limits")
struct CallLifecycleTests {
  let codec = RawBytesCodec()

  @Test("an expired deadline is DEADLINE_EXCEEDED and the handler is cancelled")
  func deadline() async throws {
    let running = try RunningServer.start()
    let client = try GRPCClient(target: "http://127.0.0.1:\(running.port)")
    let error = await #expect(throws: GRPCStatus.self) {
      try await client.unary(
        path: "/test.Echo/Sleep", request: [], serializer: codec, deserializer: codec,
        metadata: ["x-id": "deadline"], options: CallOptions(timeout: .milliseconds(500)))
    }
    #expect(error?.code == .deadlineExceeded)
    // On a loaded machine the deadline can pass before the handler starts; when it did
    // start, it must have been cancelled.
    if EchoService.startedIDs.withLock({ $0.contains("deadline") }) {
      #expect(await EchoService.waitForCancellation(of: "deadline"))
    }
    client.close()
    await running.stop()
  }

  @Test("cancelling the client task resets the stream and cancels the handler")
  func cancellation() async throws {
    let running = try RunningServer.start()
    let client = try GRPCClient(target: "http://127.0.0.1:\(running.port)")
    let codec = codec
    let task = Task {
      try await client.unary(
        path: "/test.Echo/Sleep", request: [], serializer: codec, deserializer: codec,
        metadata: ["x-id": "cancelled"])
    }
    // Cancel only once the handler runs, so the reset has something to cancel.
    for _ in 0..<500 where !EchoService.startedIDs.withLock({ $0.contains("cancelled") }) {
      try await Task.sleep(for: .milliseconds(10))
    }
    task.cancel()
    let result = await task.result
    #expect((try? result.get()) == nil)
    #expect(await EchoService.waitForCancellation(of: "cancelled"))
    client.close()
    await running.stop()
  }

  @Test("calls reset with unread data give their window back to the connection")
  func resetCallsReturnCredit() async throws {
    var limits = GRPCServer.Limits.defaults
    limits.streamWindow = 64 * 1024
    limits.connectionWindow = 256 * 1024
    let running = try RunningServer.start(limits: limits)
    let client = try GRPCClient(target: "http://127.0.0.1:\(running.port)")
    let chunk = [UInt8](repeating: 5, count: 64 * 1024)
    // Each call's handler sleeps before reading, so the transport holds back credit for what
    // arrives meanwhile: together more than the connection's whole window.
    var calls: [ClientCall] = []
    var senders: [Task<Void, any Error>] = []
    for _ in 0..<8 {
      let call = try await client.makeCall(path: "/test.Echo/SlowCount")
      calls.append(call)
      senders.append(Task { for _ in 0..<4 { try await call.send(chunk) } })
    }
    try await Task.sleep(for: .milliseconds(150))
    // RST_STREAM from the client, before any handler read a byte.
    for call in calls { call.cancel() }
    for sender in senders { _ = await sender.result }

    let reply = try await client.unary(
      path: "/test.Echo/ClientStream", request: [UInt8](repeating: 1, count: 300_000),
      serializer: codec, deserializer: codec, options: CallOptions(timeout: .seconds(10)))
    #expect(reply.count == 300_000)
    client.close()
    await running.stop()
  }

  @Test("a handler that reads late holds the sender back, then gets every message")
  func backpressure() async throws {
    let running = try RunningServer.start()
    let client = try GRPCClient(target: "http://127.0.0.1:\(running.port)")
    let chunk = [UInt8](repeating: 9, count: 100_000)
    let total = try await client.clientStreaming(
      path: "/test.Echo/SlowCount", requests: Array(repeating: chunk, count: 40),
      serializer: codec, deserializer: codec)
    #expect(total == Array("4000000".utf8))
    client.close()
    await running.stop()
  }

  @Test("gzip requests get gzip responses and round-trip")
  func gzip() async throws {
    let running = try RunningServer.start()
    let client = try GRPCClient(target: "http://127.0.0.1:\(running.port)")
    let payload = (0..<300_000).map { UInt8($0 % 7) }
    let call = try await client.makeCall(
      path: "/test.Echo/Unary", options: CallOptions(compressRequests: true))
    try await call.send(payload, endOfStream: true)
    var replies: [[UInt8]] = []
    for try await reply in call.responses { replies.append(reply) }
    #expect(replies == [payload])
    client.close()
    await running.stop()
  }

  @Test("a message over the server's limit is RESOURCE_EXHAUSTED")
  func messageLimit() async throws {
    let running = try RunningServer.start(limits: .init(maxReceiveMessageSize: 1024))
    let client = try GRPCClient(target: "http://127.0.0.1:\(running.port)")
    let error = await #expect(throws: GRPCStatus.self) {
      try await client.unary(
        path: "/test.Echo/Unary", request: [UInt8](repeating: 0, count: 2048),
        serializer: codec, deserializer: codec)
    }
    #expect(error?.code == .resourceExhausted)
    let small = try await client.unary(
      path: "/test.Echo/Unary", request: [1, 2], serializer: codec, deserializer: codec)
    #expect(small == [1, 2])
    client.close()
    await running.stop()
  }

  @Test("graceful shutdown lets an open call finish, then run() returns")
  func gracefulShutdown() async throws {
    let running = try RunningServer.start()
    let client = try GRPCClient(target: "http://127.0.0.1:\(running.port)")
    let call = try await client.makeCall(path: "/test.Echo/Bidi")
    var iterator = call.responses.makeAsyncIterator()
    try await call.send([1])
    #expect(try await iterator.next() == [1])

    running.server.beginGracefulShutdown()
    try await call.send([2])
    #expect(try await iterator.next() == [2])
    call.finishSending()
    #expect(try await iterator.next() == nil)
    try await call.status()
    _ = await running.task.result
    client.close()
  }
}

@Suite("Malformed requests")
struct MalformedRequestTests {
  let codec = RawBytesCodec()

  @Test("a header list over the limit is RESOURCE_EXHAUSTED and the connection keeps serving")
  func oversizedHeaders() async throws {
    let running = try RunningServer.start(limits: .init(maxHeaderListSize: 4096))
    let client = try GRPCClient(target: "http://127.0.0.1:\(running.port)")
    let metadata: Metadata = ["x-huge": .string(String(repeating: "a", count: 8000))]
    let error = await #expect(throws: GRPCStatus.self) {
      try await client.unary(
        path: "/test.Echo/Unary", request: [1], serializer: codec, deserializer: codec,
        metadata: metadata)
    }
    #expect(error?.code == .resourceExhausted)
    #expect(error?.message == "the request's header list is over 4096 bytes")
    let reply = try await client.unary(
      path: "/test.Echo/Unary", request: [2], serializer: codec, deserializer: codec)
    #expect(reply == [2])
    client.close()
    await running.stop()
  }

  @Test("a request that is not application/grpc gets HTTP 415")
  func wrongContentType() async throws {
    let running = try RunningServer.start()
    let body = NSTemporaryDirectory() + "grpc-body-\(UUID().uuidString)"
    try Data([0, 0, 0, 0, 1, 7]).write(to: URL(fileURLWithPath: body))
    let output = try await Shell.runAsync([
      "nghttp", "-v", "-H", "content-type: text/plain", "-d", body,
      "http://127.0.0.1:\(running.port)/test.Echo/Unary",
    ])
    #expect(output.contains(":status: 415"))
    await running.stop()
  }
}

@Suite("Connection keepalive")
struct KeepaliveTests {
  @Test("a peer that never answers the keepalive PING is disconnected")
  func unansweredPing() async throws {
    let limits = GRPCServer.Limits(
      idleTimeout: nil, keepaliveInterval: .milliseconds(200),
      keepaliveTimeout: .milliseconds(300))
    let running = try RunningServer.start(limits: limits)
    let script = """
      import socket, sys, time
      sock = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
      sock.sendall(b"PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n" + bytes([0, 0, 0, 4, 0, 0, 0, 0, 0]))
      sock.settimeout(0.5)
      deadline = time.time() + 5
      while time.time() < deadline:
          try:
              if sock.recv(4096) == b"":
                  print("closed")
                  sys.exit(0)
          except socket.timeout:
              pass
      print("still open")
      """
    let output = try await Shell.runAsync(["python3", "-c", script, "\(running.port)"])
    #expect(output.contains("closed"))
    await running.stop()
  }
}
