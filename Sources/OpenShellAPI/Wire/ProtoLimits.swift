/// Limits the decoder enforces on every message.
public enum ProtoLimits {
  /// The highest field number protobuf allows, `2^29 - 1`.
  public static let maximumFieldNumber = 0x1FFF_FFFF

  /// How many messages deep a decoder follows before refusing the input: 100.
  ///
  /// The same default protobuf's own parsers use, so hostile input cannot exhaust the stack.
  /// Each nested message counts as a level, and so does each map entry.
  public static let maximumDepth = 100
}
