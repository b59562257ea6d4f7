/// The request metadata of one call: header names and values in the order they arrived.
///
/// Names compare without regard to ASCII letter case, as HTTP header names do. Values are
/// kept as received; for `-bin` keys that is still the base64 text from the wire, because
/// AuthCore decides on the header block as sent and never needs the decoded bytes.
public struct Metadata: Hashable, Sendable {
  /// One header field.
  public struct Entry: Hashable, Sendable {
    /// The field name as received.
    public var name: String
    /// The field value as received.
    public var value: String

    /// Creates a field.
    public init(name: String, value: String) {
      self.name = name
      self.value = value
    }
  }

  /// Every field, in arrival order, repeated names included.
  public private(set) var entries: [Entry]

  /// Creates metadata from fields in arrival order.
  ///
  /// - Parameter entries: The fields; defaults to none.
  public init(_ entries: [Entry] = []) {
    self.entries = entries
  }

  /// Appends one field after the others.
  ///
  /// - Parameters:
  ///   - name: The field name.
  ///   - value: The field value.
  public mutating func append(name: String, value: String) {
    entries.append(Entry(name: name, value: value))
  }

  /// Every value sent under `name`, whatever the letter case of each copy's name.
  ///
  /// - Parameter name: The field name to look for.
  /// - Returns: The values in arrival order; empty when the name is absent.
  public func values(forName name: String) -> [String] {
    entries.filter { Self.namesMatch($0.name, name) }.map(\.value)
  }

  /// Removes every copy of `name`, whatever its letter case.
  ///
  /// - Parameter name: The field name to remove.
  public mutating func removeAll(named name: String) {
    entries.removeAll { Self.namesMatch($0.name, name) }
  }

  /// Compares header names without regard to ASCII letter case.
  ///
  /// Only ASCII letters fold: Unicode case mapping would let a name such as one spelled with a
  /// long s (U+017F) match a marker in one component and not in another.
  static func namesMatch(_ lhs: String, _ rhs: String) -> Bool {
    let left = lhs.utf8
    let right = rhs.utf8
    guard left.count == right.count else { return false }
    // Runs for every header of every call: compare in place when both are contiguous.
    let contiguous = left.withContiguousStorageIfAvailable { l in
      right.withContiguousStorageIfAvailable { r in
        for index in 0..<l.count where asciiLower(l[index]) != asciiLower(r[index]) {
          return false
        }
        return true
      }
    }
    if let result = contiguous ?? nil { return result }
    return zip(left, right).allSatisfy { asciiLower($0) == asciiLower($1) }
  }

  static func asciiLower(_ byte: UInt8) -> UInt8 {
    (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
  }
}

extension Metadata: ExpressibleByDictionaryLiteral {
  /// Creates metadata from a literal; repeated names are kept, in order.
  public init(dictionaryLiteral elements: (String, String)...) {
    self.init(elements.map { Entry(name: $0.0, value: $0.1) })
  }
}

extension Metadata: Sequence {
  /// Iterates the fields in arrival order.
  public func makeIterator() -> IndexingIterator<[Entry]> {
    entries.makeIterator()
  }
}
