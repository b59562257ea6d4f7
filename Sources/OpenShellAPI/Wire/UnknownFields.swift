/// The fields of a message that its Swift type does not model, kept as their exact bytes.
///
/// Peers running the full OpenShell API send fields our subset leaves out. They are kept tag,
/// value and all, in the order they arrived, so a message passing through is written back with
/// the same bytes and a policy keeps its hash.
///
/// Each unknown field also remembers the number of the last known field read before it, and the
/// encoder writes it before the first known field numbered higher. A peer whose schema places a
/// field between two of ours (field 7 of `NetworkEndpoint`, between our 6 and 8) so gets its
/// canonical bytes back unchanged, and unknown fields that arrived last are written last. The
/// position is only a layout hint: equality compares the bytes alone.
public struct UnknownFields: Hashable, Sendable {
  /// One unknown field as it arrived.
  struct Chunk: Hashable, Sendable {
    /// The number of the last known field decoded before this one; 0 when none was.
    var anchor: Int
    /// The field's tag and value bytes.
    var bytes: [UInt8]
  }

  private(set) var chunks: [Chunk] = []

  /// Creates an empty set.
  public init() {}

  /// Whether no unknown field was kept.
  public var isEmpty: Bool { chunks.isEmpty }

  /// Every kept field's tag and value, concatenated in arrival order.
  public var bytes: [UInt8] { chunks.flatMap(\.bytes) }

  /// Appends raw field bytes, written after every known field of the message.
  ///
  /// - Parameter bytes: One or more complete fields (tag and value); the caller vouches that
  ///   they are well formed, because they are written back without being checked.
  public mutating func append(_ bytes: [UInt8]) {
    chunks.append(Chunk(anchor: ProtoLimits.maximumFieldNumber, bytes: bytes))
  }

  mutating func append(_ bytes: ArraySlice<UInt8>, after anchor: Int) {
    chunks.append(Chunk(anchor: anchor, bytes: Array(bytes)))
  }

  /// Whether both hold the same fields in the same order, wherever they would be written.
  public static func == (lhs: Self, rhs: Self) -> Bool {
    lhs.bytes == rhs.bytes
  }

  /// Hashes the fields' bytes.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(bytes)
  }
}
