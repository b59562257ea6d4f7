/// The entries of a protobuf `map` field, with an order that keeps encoding stable.
///
/// A decoded map remembers the order its entries arrived in, so re-encoding it gives back the
/// peer's bytes. Once a key is added or removed the map no longer matches any wire order, and
/// it is written sorted by key instead, so maps we build always encode the same way. Equality
/// compares the entries only, as protobuf maps are unordered.
///
/// Keys must be `Comparable` for that sort, so `bool` keys are not supported; no map in the
/// OpenShell subset uses them. String keys follow Swift's `String` equality, which treats
/// canonically equivalent spellings (a precomposed `é` and `e` plus a combining accent) as one
/// key, so a peer map holding both would keep only the later entry.
public struct ProtoMap<Key: Hashable & Comparable & Sendable, Value: Hashable & Sendable>:
  Hashable, Sendable, ExpressibleByDictionaryLiteral
{
  /// The entries, without their order.
  public private(set) var dictionary: [Key: Value]

  private var wireOrder: [Key]?

  /// Creates a map from a dictionary; it encodes sorted by key.
  ///
  /// - Parameter dictionary: The entries; defaults to none.
  public init(_ dictionary: [Key: Value] = [:]) {
    self.dictionary = dictionary
  }

  /// Creates a map from a literal; it encodes sorted by key.
  ///
  /// - Parameter elements: The entries; a repeated key keeps its last value.
  public init(dictionaryLiteral elements: (Key, Value)...) {
    self.init(Dictionary(elements, uniquingKeysWith: { _, last in last }))
  }

  /// The number of entries.
  public var count: Int { dictionary.count }

  /// Whether the map has no entries.
  public var isEmpty: Bool { dictionary.isEmpty }

  /// The value for `key`; setting a new key or `nil` drops the decoded order.
  ///
  /// - Parameter key: The entry's key.
  public subscript(key: Key) -> Value? {
    get { dictionary[key] }
    set {
      if (newValue == nil) != (dictionary[key] == nil) { wireOrder = nil }
      dictionary[key] = newValue
    }
  }

  /// The entries in the order the encoder writes them.
  public var orderedEntries: [(key: Key, value: Value)] {
    let keys = wireOrder ?? dictionary.keys.sorted()
    return keys.compactMap { key in dictionary[key].map { (key, $0) } }
  }

  mutating func appendDecoded(key: Key, value: Value) {
    if dictionary.updateValue(value, forKey: key) == nil {
      // An empty map has no order to keep yet, so the first entry starts one.
      if wireOrder == nil, dictionary.count == 1 { wireOrder = [] }
      wireOrder?.append(key)
    }
  }

  /// Whether both maps hold the same entries, whatever their order.
  public static func == (lhs: Self, rhs: Self) -> Bool {
    lhs.dictionary == rhs.dictionary
  }

  /// Hashes the entries, whatever their order.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(dictionary)
  }
}
