/// A proto3 enum: an `Int32` on the wire whose unknown values survive decoding.
///
/// Conforming types are structs with static constants rather than Swift enums, because a peer
/// with a newer schema may send a value we do not name, and proto3 requires keeping it.
public protocol ProtoEnum: RawRepresentable, Hashable, Sendable where RawValue == Int32 {
  /// Creates a value from its wire number, named or not.
  ///
  /// - Parameter rawValue: The enum's number.
  init(rawValue: Int32)
}
