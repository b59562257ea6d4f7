/// How a field's value is laid out on the wire, the low three bits of every tag.
///
/// Only the four wire types proto3 still uses can be represented; the group markers (3 and 4)
/// and the unassigned values (6 and 7) are refused while decoding.
public enum ProtoWireType: UInt8, Hashable, Sendable {
  /// A base-128 varint: integers, booleans and enums.
  case varint = 0
  /// Eight little-endian bytes: `fixed64`, `sfixed64` and `double`.
  case fixed64 = 1
  /// A varint length followed by that many bytes: strings, bytes, messages, packed scalars.
  case lengthDelimited = 2
  /// Four little-endian bytes: `fixed32`, `sfixed32` and `float`.
  case fixed32 = 5
}
