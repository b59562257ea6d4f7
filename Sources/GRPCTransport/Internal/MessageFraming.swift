/// Splits a stream's DATA bytes into gRPC messages (1-byte flag, 4-byte length, payload).
struct MessageDeframer {
  private var buffer: [UInt8] = []
  private var readIndex = 0
  let maxMessageSize: Int

  init(maxMessageSize: Int) {
    self.maxMessageSize = maxMessageSize
  }

  var hasPartialMessage: Bool { readIndex < buffer.count }

  mutating func append(_ bytes: UnsafeRawBufferPointer) {
    if readIndex > 0 && readIndex >= buffer.count / 2 {
      buffer.removeFirst(readIndex)
      readIndex = 0
    }
    buffer.append(contentsOf: bytes)
  }

  /// The next complete message, `nil` when more bytes are needed.
  mutating func next() throws(GRPCStatus) -> (compressed: Bool, payload: [UInt8])? {
    let available = buffer.count - readIndex
    guard available >= 5 else { return nil }
    let flag = buffer[readIndex]
    guard flag <= 1 else {
      throw GRPCStatus(code: .internal, message: "invalid gRPC message flag \(flag)")
    }

    var length = 0
    for offset in 1...4 { length = length << 8 | Int(buffer[readIndex + offset]) }
    guard length <= maxMessageSize else {
      throw GRPCStatus(
        code: .resourceExhausted,
        message: "message of \(length) bytes exceeds the limit of \(maxMessageSize) bytes")
    }
    guard available >= 5 + length else { return nil }

    let start = readIndex + 5
    let payload = Array(buffer[start..<start + length])
    readIndex = start + length
    if readIndex == buffer.count {
      buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
      readIndex = 0
    }
    return (flag == 1, payload)
  }
}

enum MessageFramer {
  /// Prefixes `payload` with gRPC's 5-byte header.
  static func frame(_ payload: [UInt8], compressed: Bool, into out: inout [UInt8]) {
    let length = UInt32(payload.count)
    out.reserveCapacity(out.count + 5 + payload.count)
    out.append(compressed ? 1 : 0)
    out.append(UInt8(truncatingIfNeeded: length >> 24))
    out.append(UInt8(truncatingIfNeeded: length >> 16))
    out.append(UInt8(truncatingIfNeeded: length >> 8))
    out.append(UInt8(truncatingIfNeeded: length))
    out.append(contentsOf: payload)
  }
}
