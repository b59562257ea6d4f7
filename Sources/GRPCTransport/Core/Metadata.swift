/// Custom gRPC metadata: ordered key-value pairs sent as HTTP/2 headers or trailers.
///
/// Keys are lower-cased. Keys ending in `-bin` carry bytes, base64-encoded on the wire;
/// other keys carry printable ASCII text. Reserved headers (`:path`, `te`, `content-type`,
/// `grpc-*` and friends) never appear here: the transport keeps them for itself.
public struct Metadata: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
  /// One metadata value: text, or bytes for `-bin` keys.
  public enum Value: Hashable, Sendable, ExpressibleByStringLiteral {
    /// A printable ASCII value.
    case string(String)
    /// Bytes, for keys that end in `-bin`.
    case binary([UInt8])

    /// Creates a text value from a literal.
    ///
    /// - Parameter value: The text.
    public init(stringLiteral value: String) {
      self = .string(value)
    }
  }

  /// The pairs in the order they were added or received.
  public private(set) var entries: [(key: String, value: Value)] = []

  /// Creates empty metadata.
  public init() {}

  /// Creates metadata from pairs, as in `["x-request-id": "42"]`.
  ///
  /// - Parameter elements: Key-value pairs; keys are lower-cased.
  public init(dictionaryLiteral elements: (String, Value)...) {
    for (key, value) in elements { entries.append((key.lowercased(), value)) }
  }

  /// Appends a text value.
  ///
  /// - Parameters:
  ///   - value: Printable ASCII text.
  ///   - key: The key; lower-cased before it is stored.
  public mutating func addString(_ value: String, forKey key: String) {
    entries.append((key.lowercased(), .string(value)))
  }

  /// Appends a binary value; the key should end in `-bin`.
  ///
  /// - Parameters:
  ///   - value: The bytes.
  ///   - key: The key; lower-cased before it is stored.
  public mutating func addBinary(_ value: [UInt8], forKey key: String) {
    entries.append((key.lowercased(), .binary(value)))
  }

  /// Removes every value stored under `key`.
  ///
  /// - Parameter key: The key, compared case-insensitively.
  public mutating func removeAll(forKey key: String) {
    let key = key.lowercased()
    entries.removeAll { $0.key == key }
  }

  /// The first text value stored under `key`, if any.
  ///
  /// - Parameter key: The key, compared case-insensitively.
  public subscript(stringValue key: String) -> String? {
    let key = key.lowercased()
    for entry in entries where entry.key == key {
      if case .string(let text) = entry.value { return text }
    }
    return nil
  }

  /// The first binary value stored under `key`, if any.
  ///
  /// - Parameter key: The key, compared case-insensitively.
  public subscript(binaryValue key: String) -> [UInt8]? {
    let key = key.lowercased()
    for entry in entries where entry.key == key {
      if case .binary(let bytes) = entry.value { return bytes }
    }
    return nil
  }

  /// The number of pairs.
  public var count: Int { entries.count }

  /// Iterates over the pairs in order.
  public func makeIterator() -> IndexingIterator<[(key: String, value: Value)]> {
    entries.makeIterator()
  }

  /// Compares pairs in order.
  public static func == (lhs: Metadata, rhs: Metadata) -> Bool {
    lhs.entries.elementsEqual(rhs.entries) { $0.key == $1.key && $0.value == $1.value }
  }

  /// Hashes the pairs in order.
  public func hash(into hasher: inout Hasher) {
    for entry in entries {
      hasher.combine(entry.key)
      hasher.combine(entry.value)
    }
  }
}

extension Metadata {
  /// Headers the transport owns; they never reach user metadata and user metadata may not
  /// set them.
  static func isReserved(_ key: String) -> Bool {
    if key.hasPrefix(":") || key.hasPrefix("grpc-") { return true }
    switch key {
    case "te", "content-type", "user-agent", "content-length", "connection", "host",
      "keep-alive", "proxy-connection", "transfer-encoding", "upgrade":
      return true
    default:
      return false
    }
  }

  /// Adds a header as received; `-bin` values are base64-decoded. Returns `false` when a
  /// binary value does not decode.
  mutating func appendWire(name: String, value: String) -> Bool {
    if name.hasSuffix("-bin") {
      guard let bytes = Base64.decode(value) else { return false }
      entries.append((name, .binary(bytes)))
    } else {
      entries.append((name, .string(value)))
    }
    return true
  }

  /// The pairs as wire headers, reserved keys dropped, binary values base64-encoded.
  var wireHeaders: [(String, String)] {
    var headers: [(String, String)] = []
    headers.reserveCapacity(entries.count)
    for entry in entries where !Metadata.isReserved(entry.key) {
      switch entry.value {
      case .string(let text): headers.append((entry.key, text))
      case .binary(let bytes): headers.append((entry.key, Base64.encode(bytes)))
      }
    }
    return headers
  }
}
