import Synchronization

/// One HTTP/2 stream's state, owned by its connection's loop thread.
final class H2Stream {
  enum Phase {
    case receivingHeaders
    case awaitingAdmission
    case admitted
    case refused
    case finished
  }

  let id: Int32
  var phase: Phase = .receivingHeaders
  var headers: [(String, String)] = []
  var headerBytes = 0
  /// The header list passed the limit; fields past it were not kept.
  var headersOversized = false
  var headerBlocks = 0

  // Inbound messages.
  var pendingData: [UInt8] = []
  var inboundEnded = false
  var deframer: MessageDeframer
  var inbound: MessageQueue?
  let credit = InboundCredit()
  var deferredConsume = 0
  var inboundGzip = false

  // Outbound messages and the end of the stream.
  var outbound: [UInt8] = []
  var outboundOffset = 0
  var outboundEnded = false
  var outboundGzip = false
  var trailers: [(String, String)]?
  /// Trailers prebuilt for every call that ends the same way; used instead of `trailers`.
  var staticTrailers: StaticHeaderBlock?
  var headersSent = false
  var dataDeferred = false
  var writeWaiters: [CheckedContinuation<Void, any Error>] = []

  // Server side.
  /// When the request headers were complete and the decision began (monotonic ns).
  var awaitingSince: UInt64 = 0
  var handlerTask: Task<Void, Never>?
  var deadlineTimer: UInt64?

  // Client side.
  var call: ClientCallState?

  init(id: Int32, maxMessageSize: Int) {
    self.id = id
    self.deframer = MessageDeframer(maxMessageSize: maxMessageSize)
  }

  var bufferedOutbound: Int { outbound.count - outboundOffset }

  func header(_ name: String) -> String? {
    for (key, value) in headers where key == name { return value }
    return nil
  }
}

/// What a client call's caller waits for; filled in on the loop.
final class ClientCallState: Sendable {
  let initialMetadata = Promise<Result<Metadata, GRPCStatus>>()
  let status = Promise<(GRPCStatus, Metadata)>()
}

/// Bytes decoded but not yet taken by the reader, shared with the reader's task.
///
/// The reader hops to the loop only when the loop has held back window credit (`waiting`),
/// so the common case costs two atomic operations per message instead of a hop.
final class InboundCredit: Sendable {
  let queued = Atomic<Int>(0)
  let waiting = Atomic<Bool>(false)

  /// Counts a taken message off; `true` when the loop should release held-back credit.
  func taken(_ size: Int, window: Int) -> Bool {
    let remaining = queued.subtract(size, ordering: .sequentiallyConsistent).newValue
    return remaining < window && waiting.exchange(false, ordering: .sequentiallyConsistent)
  }
}
