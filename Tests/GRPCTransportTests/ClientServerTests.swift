import GRPCTransport
import Testing

@Suite("Our client against our server")
struct ClientServerTests {
  let codec = RawBytesCodec()

  @Test("unary call over h2c echoes the request")
  func unaryPlaintext() async throws {
    let running = try RunningServer.start()
    let client = try GRPCClient(
      target: "http://127.0.0.1:\(running.port)", config: .init(logger: testLogger("client")))
    let reply = try await client.unary(
      path: "/test.Echo/Unary", request: Array("hello".utf8), serializer: codec,
      deserializer: codec)
    #expect(reply == Array("hello".utf8))
    client.close()
    await running.stop()
  }

  @Test("every call kind works over mutual TLS")
  func callKindsOverTLS() async throws {
    let certs = try await TestCertificates.load()
    let running = try RunningServer.start(tls: certs.serverTLS())
    let client = try GRPCClient(
      target: "https://localhost:\(running.port)", config: .init(tls: certs.clientTLS()))

    let joined = try await client.clientStreaming(
      path: "/test.Echo/ClientStream", requests: [[1], [2, 3], [4]], serializer: codec,
      deserializer: codec)
    #expect(joined == [1, 2, 3, 4])

    var streamed: [[UInt8]] = []
    try await client.serverStreaming(
      path: "/test.Echo/ServerStream", request: [4], serializer: codec, deserializer: codec
    ) { streamed.append($0) }
    #expect(streamed == [[0], [1, 1], [2, 2, 2], [3, 3, 3, 3]])

    let call = try await client.makeCall(path: "/test.Echo/Bidi")
    var echoed: [[UInt8]] = []
    var iterator = call.responses.makeAsyncIterator()
    for index in 0..<10 {
      try await call.send([UInt8(index)])
      echoed.append(try #require(try await iterator.next()))
    }
    call.finishSending()
    #expect(try await iterator.next() == nil)
    #expect(echoed == (0..<10).map { [UInt8($0)] })
    try await call.status()

    client.close()
    await running.stop()
  }

  @Test("the handler sees the verified client certificate")
  func peerCertificate() async throws {
    let certs = try await TestCertificates.load()
    let running = try RunningServer.start(tls: certs.serverTLS())
    let client = try GRPCClient(
      target: "https://127.0.0.1:\(running.port)", config: .init(tls: certs.clientTLS()))
    let reply = try await client.unary(
      path: "/test.Echo/Peer", request: [], serializer: codec, deserializer: codec)
    let fields = String(decoding: reply, as: UTF8.self).split(separator: "|").map(String.init)
    #expect(fields[0] == "sandbox-a")
    #expect(fields[1] == "openshell-sandbox+team-a")
    #expect(fields[2] == "sandbox-a.local")
    #expect(fields[3] == "spiffe://openshell/sandbox/a")
    #expect(fields[4] == "10.0.0.7")
    #expect(fields[5].contains("CN=sandbox-a"))
    #expect(fields[6] == "2208988800")
    #expect(fields[7] == "64")
    client.close()
    await running.stop()
  }

  @Test("metadata, including binary values, travels both ways")
  func metadataRoundTrip() async throws {
    let running = try RunningServer.start()
    let client = try GRPCClient(
      target: "http://127.0.0.1:\(running.port)", config: .init(logger: testLogger("client")))
    var metadata: Metadata = ["x-text": "hello world"]
    metadata.addBinary([0, 1, 2, 255], forKey: "x-data-bin")
    metadata.addString("spoofed", forKey: "grpc-status")
    let call = try await client.makeCall(path: "/test.Echo/Unary", metadata: metadata)
    try await call.send([9])
    call.finishSending()
    let initial = try await call.initialMetadata()
    #expect(initial[stringValue: "x-text"] == "hello world")
    #expect(initial[binaryValue: "x-data-bin"] == [0, 1, 2, 255])
    for try await _ in call.responses {}
    let trailing = try await call.status()
    #expect(trailing[stringValue: "x-text-trailer"] == "hello world")
    #expect(trailing[binaryValue: "x-data-trailer-bin"] == [0, 1, 2, 255])
    client.close()
    await running.stop()
  }

  @Test("a 6 MiB message crosses both ways, larger than every window")
  func largeMessages() async throws {
    let limits = GRPCServer.Limits(maxReceiveMessageSize: 8 << 20)
    let running = try RunningServer.start(limits: limits)
    let client = try GRPCClient(
      target: "http://127.0.0.1:\(running.port)", config: .init(maxReceiveMessageSize: 8 << 20))
    let payload = (0..<(6 << 20)).map { UInt8(truncatingIfNeeded: $0 * 7) }
    let reply = try await client.unary(
      path: "/test.Echo/Unary", request: payload, serializer: codec, deserializer: codec)
    #expect(reply == payload)
    client.close()
    await running.stop()
  }

  @Test("100 concurrent calls share one connection")
  func concurrentCalls() async throws {
    let running = try RunningServer.start()
    let client = try GRPCClient(
      target: "http://127.0.0.1:\(running.port)", config: .init(logger: testLogger("client")))
    let codec = codec
    try await withThrowingTaskGroup(of: Bool.self) { group in
      for index in 0..<100 {
        group.addTask {
          let request = Array("call-\(index)".utf8)
          let reply = try await client.unary(
            path: "/test.Echo/Unary", request: request, serializer: codec, deserializer: codec)
          return reply == request
        }
      }
      for try await matched in group { #expect(matched) }
    }
    client.close()
    await running.stop()
  }

  @Test("large TLS messages on concurrent calls leave the loops free for small calls")
  func largeAndSmallOverTLS() async throws {
    let certs = try await TestCertificates.load()
    let limits = GRPCServer.Limits(maxReceiveMessageSize: 4 << 20)
    let running = try RunningServer.start(tls: certs.serverTLS(), limits: limits)
    let client = try GRPCClient(
      target: "https://localhost:\(running.port)",
      config: .init(tls: certs.clientTLS(), maxReceiveMessageSize: 4 << 20))
    let codec = codec
    // Deadlines are far beyond the work (milliseconds); only a loop held up by one connection's
    // output, or output left unflushed, reaches them.
    let options = CallOptions(timeout: .seconds(20))
    try await withThrowingTaskGroup(of: Bool.self) { group in
      for index in 0..<8 {
        group.addTask {
          let payload = [UInt8](repeating: UInt8(index), count: 3 << 20)
          let reply = try await client.unary(
            path: "/test.Echo/Unary", request: payload, serializer: codec, deserializer: codec,
            options: options)
          return reply == payload
        }
      }
      for index in 0..<40 {
        group.addTask {
          var streamed: [[UInt8]] = []
          try await client.serverStreaming(
            path: "/test.Echo/ServerStream", request: [UInt8(index % 6)], serializer: codec,
            deserializer: codec, options: options
          ) { streamed.append($0) }
          return streamed == (0..<(index % 6)).map { [UInt8](repeating: UInt8($0), count: $0 + 1) }
        }
      }
      for try await matched in group { #expect(matched) }
    }
    client.close()
    await running.stop()
  }

  @Test("a handler's status and non-ASCII message reach the client")
  func statusWithMessage() async throws {
    let running = try RunningServer.start()
    let client = try GRPCClient(
      target: "http://127.0.0.1:\(running.port)", config: .init(logger: testLogger("client")))
    let error = await #expect(throws: GRPCStatus.self) {
      try await client.unary(
        path: "/test.Echo/Fail", request: [], serializer: codec, deserializer: codec)
    }
    #expect(error?.code == .permissionDenied)
    #expect(error?.message == EchoService.nonASCIIMessage)
    client.close()
    await running.stop()
  }

  @Test("a long status message is cut to fit, and a header block too large to send resets")
  func oversizedHeaderBlocks() async throws {
    let running = try RunningServer.start()
    let client = try GRPCClient(
      target: "http://127.0.0.1:\(running.port)", config: .init(logger: testLogger("client")))
    // The limit is on the message as sent: "é" and "%" take three bytes each once encoded.
    func wireSize(_ text: String) -> Int {
      text.utf8.reduce(0) { size, byte in
        size + (byte >= 0x20 && byte <= 0x7E && byte != UInt8(ascii: "%") ? 1 : 3)
      }
    }
    for long in [String(repeating: "é", count: 50_000), String(repeating: "%a", count: 5_000)] {
      let error = await #expect(throws: GRPCStatus.self) {
        try await client.unary(
          path: "/test.Echo/Oversized", request: Array(long.utf8), serializer: codec,
          deserializer: codec)
      }
      #expect(error?.code == .notFound)
      let message = try #require(error?.message)
      #expect(message.hasSuffix(" [message truncated]"))
      #expect(message.hasPrefix(String(long.prefix(2))))
      #expect(wireSize(message) <= 4096)
      #expect(wireSize(message) > 4096 - 40)
    }
    // A message that fits is sent whole.
    let fits = String(repeating: "%", count: 1365)
    let whole = await #expect(throws: GRPCStatus.self) {
      try await client.unary(
        path: "/test.Echo/Oversized", request: Array(fits.utf8), serializer: codec,
        deserializer: codec)
    }
    #expect(whole?.message == fits)

    // Trailing metadata is the handler's own; over nghttp2's limit it cannot be sent at all,
    // and the call ends with a reset instead of waiting for ever.
    let huge = [UInt8](repeating: UInt8(ascii: "x"), count: 100_000)
    let reset = await #expect(throws: GRPCStatus.self) {
      try await client.unary(
        path: "/test.Echo/Oversized", request: huge, serializer: codec, deserializer: codec,
        metadata: ["x-as-trailer": "1"], options: CallOptions(timeout: .seconds(20)))
    }
    #expect(reset?.code != .deadlineExceeded)
    #expect(reset?.code != .ok)
    // The connection still serves.
    let echo = try await client.unary(
      path: "/test.Echo/Unary", request: [1, 2, 3], serializer: codec, deserializer: codec)
    #expect(echo == [1, 2, 3])
    client.close()
    await running.stop()
  }

  @Test("an unknown method is UNIMPLEMENTED")
  func unknownMethod() async throws {
    let running = try RunningServer.start()
    let client = try GRPCClient(
      target: "http://127.0.0.1:\(running.port)", config: .init(logger: testLogger("client")))
    let error = await #expect(throws: GRPCStatus.self) {
      try await client.unary(
        path: "/test.Echo/Nope", request: [], serializer: codec, deserializer: codec)
    }
    #expect(error?.code == .unimplemented)
    client.close()
    await running.stop()
  }
}
