/// The methods a server serves, by exact path.
///
/// Paths are matched byte for byte: no normalisation, no case folding.
///
/// - Important: Handlers, like the server's ``HeaderInterceptor``, run as tasks that prefer
///   the event loop of their connection as their executor, so a call that awaits nothing
///   else never leaves the thread that read it. A handler must not block that thread: do
///   blocking I/O on a thread or queue of its own, and run long CPU work with
///   `withTaskExecutorPreference(globalConcurrentExecutor)`. Awaiting an actor or a
///   continuation resumed elsewhere is fine; the handler comes back to the loop afterwards.
public struct Router: Sendable {
  /// Returns the single response of a unary or client-streaming method, so the message
  /// and the end of the stream reach the loop together.
  typealias Handler =
    @Sendable (InboundMessages, ServerStreamSink, ServerContext) async throws ->
    [UInt8]?

  var handlers: [String: Handler] = [:]

  /// Creates an empty router.
  public init() {}

  /// Registers a unary method: one request, one response.
  ///
  /// - Parameters:
  ///   - path: The full method path, such as `/pkg.Service/Method`.
  ///   - deserializer: Decodes the request.
  ///   - serializer: Encodes the response.
  ///   - handler: Answers the call; throw ``GRPCStatus`` to fail it.
  public mutating func registerUnary<Request, Response>(
    _ path: String,
    deserializer: some MessageDeserializer<Request>,
    serializer: some MessageSerializer<Response>,
    handler: @escaping @Sendable (Request, ServerContext) async throws -> Response
  ) {
    handlers[path] = { inbound, sink, context in
      let request = try await Router.single(inbound, deserializer)
      let response = try await handler(request, context)
      return try Router.encode(response, serializer)
    }
  }

  /// Registers a client-streaming method: many requests, one response.
  ///
  /// - Parameters:
  ///   - path: The full method path.
  ///   - deserializer: Decodes each request.
  ///   - serializer: Encodes the response.
  ///   - handler: Reads the requests and answers once.
  public mutating func registerClientStreaming<Request, Response>(
    _ path: String,
    deserializer: some MessageDeserializer<Request>,
    serializer: some MessageSerializer<Response>,
    handler:
      @escaping @Sendable (RequestMessages<Request>, ServerContext) async throws -> Response
  ) {
    handlers[path] = { inbound, sink, context in
      let requests = RequestMessages(inbound: inbound, deserialize: deserializer.deserialize)
      let response = try await handler(requests, context)
      return try Router.encode(response, serializer)
    }
  }

  /// Registers a server-streaming method: one request, many responses.
  ///
  /// - Parameters:
  ///   - path: The full method path.
  ///   - deserializer: Decodes the request.
  ///   - serializer: Encodes each response.
  ///   - handler: Writes responses; returning ends the call with `OK`.
  public mutating func registerServerStreaming<Request, Response>(
    _ path: String,
    deserializer: some MessageDeserializer<Request>,
    serializer: some MessageSerializer<Response>,
    handler:
      @escaping @Sendable (Request, ResponseWriter<Response>, ServerContext) async throws -> Void
  ) {
    handlers[path] = { inbound, sink, context in
      let request = try await Router.single(inbound, deserializer)
      try await handler(
        request, ResponseWriter(sink: sink, serialize: serializer.serialize), context)
      return nil
    }
  }

  /// Registers a bidirectional-streaming method.
  ///
  /// - Parameters:
  ///   - path: The full method path.
  ///   - deserializer: Decodes each request.
  ///   - serializer: Encodes each response.
  ///   - handler: Reads and writes in any order; returning ends the call with `OK`.
  public mutating func registerBidirectional<Request, Response>(
    _ path: String,
    deserializer: some MessageDeserializer<Request>,
    serializer: some MessageSerializer<Response>,
    handler:
      @escaping @Sendable (RequestMessages<Request>, ResponseWriter<Response>, ServerContext)
      async throws -> Void
  ) {
    handlers[path] = { inbound, sink, context in
      let requests = RequestMessages(inbound: inbound, deserialize: deserializer.deserialize)
      try await handler(
        requests, ResponseWriter(sink: sink, serialize: serializer.serialize), context)
      return nil
    }
  }

  private static func single<Request>(
    _ inbound: InboundMessages, _ deserializer: some MessageDeserializer<Request>
  ) async throws -> Request {
    var iterator = inbound.makeAsyncIterator()
    guard let bytes = try await iterator.next() else {
      throw GRPCStatus(code: .internal, message: "the request carried no message")
    }
    guard try await iterator.next() == nil else {
      throw GRPCStatus(code: .internal, message: "the request carried more than one message")
    }
    do {
      return try deserializer.deserialize(bytes)
    } catch {
      throw GRPCStatus(code: .invalidArgument, message: "the request message did not decode")
    }
  }

  private static func encode<Response>(
    _ response: Response, _ serializer: some MessageSerializer<Response>
  ) throws -> [UInt8] {
    do {
      return try serializer.serialize(response)
    } catch {
      throw GRPCStatus(code: .internal, message: "the response message did not encode")
    }
  }
}
