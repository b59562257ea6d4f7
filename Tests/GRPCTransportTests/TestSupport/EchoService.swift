import AuthCore
import Foundation
import GRPCTransport
import Logging
import Synchronization

/// A logger that writes to stderr when `TRANSPORT_TRACE` is set, for debugging tests.
func testLogger(_ label: String) -> Logger {
  guard ProcessInfo.processInfo.environment["TRANSPORT_TRACE"] != nil else { return .disabled }
  return Logger(label: label, handler: StreamLogHandler(logLevel: .trace))
}

/// The test methods, the same ones the grpcio peer serves, on our server.
enum EchoService {
  static let nonASCIIMessage = "refusé: café ☕ 100%"

  /// The `x-id` of every Sleep call whose handler saw task cancellation.
  static let cancelledIDs = Mutex<Set<String>>([])

  /// The `x-id` of every Sleep call whose handler started.
  static let startedIDs = Mutex<Set<String>>([])

  /// Waits up to two seconds for the Sleep handler of call `id` to see cancellation.
  static func waitForCancellation(of id: String) async -> Bool {
    for _ in 0..<200 {
      if cancelledIDs.withLock({ $0.contains(id) }) { return true }
      try? await Task.sleep(for: .milliseconds(10))
    }
    return false
  }

  static func router() -> Router {
    var router = Router()
    let codec = RawBytesCodec()
    router.registerUnary("/test.Echo/Unary", deserializer: codec, serializer: codec) {
      request, context in
      var initial = Metadata()
      var trailing = Metadata()
      for (key, value) in context.metadata where key.hasPrefix("x-") {
        switch value {
        case .string(let text):
          initial.addString(text, forKey: key)
          trailing.addString(text, forKey: key + "-trailer")
        case .binary(let bytes):
          initial.addBinary(bytes, forKey: key)
          trailing.addBinary(bytes, forKey: String(key.dropLast(4)) + "-trailer-bin")
        }
      }
      context.response.setInitial(initial)
      context.response.setTrailing(trailing)
      return request
    }
    router.registerClientStreaming(
      "/test.Echo/ClientStream", deserializer: codec, serializer: codec
    ) { requests, _ in
      var all: [UInt8] = []
      for try await message in requests { all += message }
      return all
    }
    router.registerClientStreaming(
      "/test.Echo/SlowCount", deserializer: codec, serializer: codec
    ) { requests, _ in
      // Reading late makes the transport hold window credit until the handler catches up.
      try await Task.sleep(for: .milliseconds(300))
      var total = 0
      for try await message in requests { total += message.count }
      return Array(String(total).utf8)
    }
    router.registerServerStreaming(
      "/test.Echo/ServerStream", deserializer: codec, serializer: codec
    ) { request, writer, _ in
      for index in 0..<Int(request.first ?? 0) {
        try await writer.write([UInt8](repeating: UInt8(index), count: index + 1))
      }
    }
    router.registerBidirectional("/test.Echo/Bidi", deserializer: codec, serializer: codec) {
      requests, writer, _ in
      for try await message in requests { try await writer.write(message) }
    }
    router.registerUnary("/test.Echo/Fail", deserializer: codec, serializer: codec) {
      (_: [UInt8], _) -> [UInt8] in
      throw GRPCStatus(code: .permissionDenied, message: nonASCIIMessage)
    }
    // Fails with the request's text as the message, or answers with it as trailing metadata
    // when the call sends `x-as-trailer`: a way to send header blocks of any size.
    router.registerUnary("/test.Echo/Oversized", deserializer: codec, serializer: codec) {
      request, context in
      let text = String(decoding: request, as: UTF8.self)
      guard context.metadata[stringValue: "x-as-trailer"] != nil else {
        throw GRPCStatus(code: .notFound, message: text)
      }
      var trailing = Metadata()
      trailing.addString(text, forKey: "x-big")
      context.response.setTrailing(trailing)
      return []
    }
    router.registerUnary("/test.Echo/Sleep", deserializer: codec, serializer: codec) {
      request, context in
      _ = startedIDs.withLock { $0.insert(context.metadata[stringValue: "x-id"] ?? "") }
      do {
        try await Task.sleep(for: .seconds(5))
      } catch {
        let id = context.metadata[stringValue: "x-id"] ?? ""
        _ = cancelledIDs.withLock { $0.insert(id) }
        throw error
      }
      return request
    }
    router.registerUnary("/test.Echo/Peer", deserializer: codec, serializer: codec) {
      _, context in
      guard let peer = context.peer else { return Array("none".utf8) }
      let text = [
        peer.commonName ?? "-", peer.organizationalUnits.joined(separator: "+"),
        peer.dnsNames.joined(separator: "+"), peer.uris.joined(separator: "+"),
        peer.ipAddresses.joined(separator: "+"), peer.subject, "\(peer.notAfter)",
        "\(peer.sha256Fingerprint.count)",
      ].joined(separator: "|")
      return Array(text.utf8)
    }
    router.registerUnary("/test.Echo/Principal", deserializer: codec, serializer: codec) {
      _, context in
      Array(((context.admission as? String) ?? "none").utf8)
    }
    return router
  }
}

/// A running server for one test; ``stop()`` drains it.
struct RunningServer: Sendable {
  let server: GRPCServer
  let task: Task<Void, any Error>

  var port: Int { server.port }

  static func start(
    tls: ServerTLSConfiguration? = nil, limits: GRPCServer.Limits = .defaults,
    interceptor: (any HeaderInterceptor)? = nil
  ) throws -> RunningServer {
    let server = try GRPCServer(
      config: .init(
        tls: tls, eventLoopThreads: 2, limits: limits, shutdownGracePeriod: .seconds(2),
        logger: testLogger("server")),
      router: EchoService.router(), interceptor: interceptor)
    let task = Task { try await server.run() }
    return RunningServer(server: server, task: task)
  }

  func stop() async {
    server.beginGracefulShutdown()
    _ = await task.result
  }
}

extension TestCertificates {
  func serverTLS(mode: ClientCertificateMode = .required) -> ServerTLSConfiguration {
    ServerTLSConfiguration(
      certificateChainPath: serverCertPath, privateKeyPath: serverKeyPath,
      clientCertificateMode: mode, clientCAPath: caPath, handshakeTimeout: .seconds(5))
  }

  func clientTLS(withCertificate: Bool = true) -> ClientTLSConfiguration {
    ClientTLSConfiguration(
      trustRootsPath: caPath, certificateChainPath: withCertificate ? clientCertPath : nil,
      privateKeyPath: withCertificate ? clientKeyPath : nil)
  }
}
