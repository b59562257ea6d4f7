import Foundation
import GRPCTransport
import TestSupport
import Testing

@Suite("Interoperability with grpcio over mutual TLS")
struct InteropTests {
  static let scenarios = [
    "unary", "client_stream", "server_stream", "bidi", "metadata", "large", "concurrent",
    "status", "unimplemented", "gzip", "deadline",
  ]

  @Test("a grpcio client gets what it expects from our server", arguments: scenarios)
  func grpcioClient(scenario: String) async throws {
    let certs = try await TestCertificates.load()
    let running = try RunningServer.start(tls: certs.serverTLS())
    let output = try await PythonPeer.runClient(
      target: "localhost:\(running.port)", scenario: scenario, certs: certs)
    #expect(output.contains("PASS"))
    await running.stop()
  }
}

@Suite("Our client against a grpcio server over mutual TLS")
struct GRPCIOServerTests {
  let codec = RawBytesCodec()

  func withPeer(_ body: (GRPCClient) async throws -> Void) async throws {
    let certs = try await TestCertificates.load()
    let peer = try await offPool { try PythonPeer.Server(certs: certs) }
    let client = try GRPCClient(
      target: "https://localhost:\(peer.port)",
      config: .init(tls: certs.clientTLS(), maxReceiveMessageSize: 8 << 20))
    do {
      try await body(client)
    } catch {
      client.close()
      await peer.stopOffPool()
      throw error
    }
    client.close()
    await peer.stopOffPool()
  }

  @Test("every call kind, metadata, a 4 MiB message and 100 concurrent calls work")
  func callKinds() async throws {
    let codec = codec
    try await withPeer { client in
      var metadata: Metadata = ["x-text": "from swift"]
      metadata.addBinary([1, 2, 3, 0, 255], forKey: "x-data-bin")
      let call = try await client.makeCall(path: "/test.Echo/Unary", metadata: metadata)
      try await call.send(Array("hello".utf8))
      call.finishSending()
      let initial = try await call.initialMetadata()
      #expect(initial[stringValue: "x-text"] == "from swift")
      #expect(initial[binaryValue: "x-data-bin"] == [1, 2, 3, 0, 255])
      var replies: [[UInt8]] = []
      for try await reply in call.responses { replies.append(reply) }
      #expect(replies == [Array("hello".utf8)])
      let trailing = try await call.status()
      #expect(trailing[stringValue: "x-text-trailer"] == "from swift")
      #expect(trailing[binaryValue: "x-data-trailer-bin"] == [1, 2, 3, 0, 255])

      let joined = try await client.clientStreaming(
        path: "/test.Echo/ClientStream", requests: [[1], [2, 3]], serializer: codec,
        deserializer: codec)
      #expect(joined == [1, 2, 3])

      var streamed: [[UInt8]] = []
      try await client.serverStreaming(
        path: "/test.Echo/ServerStream", request: [3], serializer: codec, deserializer: codec
      ) { streamed.append($0) }
      #expect(streamed == [[0], [1, 1], [2, 2, 2]])

      let bidi = try await client.makeCall(path: "/test.Echo/Bidi")
      var iterator = bidi.responses.makeAsyncIterator()
      for index in 0..<5 {
        try await bidi.send([UInt8(index), 42])
        #expect(try await iterator.next() == [UInt8(index), 42])
      }
      bidi.finishSending()
      #expect(try await iterator.next() == nil)

      let big = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
      let echoed = try await client.unary(
        path: "/test.Echo/Unary", request: big, serializer: codec, deserializer: codec)
      #expect(echoed == big)

      try await withThrowingTaskGroup(of: Bool.self) { group in
        for index in 0..<100 {
          group.addTask {
            let request = Array("n\(index)".utf8)
            let reply = try await client.unary(
              path: "/test.Echo/Unary", request: request, serializer: codec, deserializer: codec)
            return reply == request
          }
        }
        for try await matched in group { #expect(matched) }
      }
    }
  }

  @Test("status codes, non-ASCII messages, deadlines and gzip work with grpcio")
  func statusDeadlineGzip() async throws {
    let codec = codec
    try await withPeer { client in
      let failure = await #expect(throws: GRPCStatus.self) {
        try await client.unary(
          path: "/test.Echo/Fail", request: [], serializer: codec, deserializer: codec)
      }
      #expect(failure?.code == .permissionDenied)
      #expect(failure?.message == EchoService.nonASCIIMessage)

      let missing = await #expect(throws: GRPCStatus.self) {
        try await client.unary(
          path: "/test.Echo/Missing", request: [], serializer: codec, deserializer: codec)
      }
      #expect(missing?.code == .unimplemented)

      let late = await #expect(throws: GRPCStatus.self) {
        try await client.unary(
          path: "/test.Echo/Sleep", request: [], serializer: codec, deserializer: codec,
          options: CallOptions(timeout: .milliseconds(200)))
      }
      #expect(late?.code == .deadlineExceeded)

      let payload = [UInt8](repeating: 7, count: 200_000)
      let zipped = try await client.unary(
        path: "/test.Echo/Unary", request: payload, serializer: codec, deserializer: codec,
        options: CallOptions(compressRequests: true))
      #expect(zipped == payload)
    }
  }
}
