/// Maps every gRPC method path to the one ``MethodRule`` that governs it.
///
/// Paths match exactly as sent: no normalisation of slashes, dots, case or escapes, because a
/// gateway that normalised differently from its handlers would authorise one method and run
/// another. A path the table does not know gets ``MethodRule/strictest``.
public struct MethodTable: Sendable {
  private var exact: [String: MethodRule]
  private var prefixes: [(prefix: String, rule: MethodRule)]

  /// Creates a table.
  ///
  /// - Parameters:
  ///   - exact: Rules for full paths such as `/openshell.v1.OpenShell/Health`.
  ///   - prefixes: Rules for every well-formed path under a prefix such as `/grpc.health.`;
  ///     the longest matching prefix wins. Defaults to none.
  public init(exact: [String: MethodRule], prefixes: [String: MethodRule] = [:]) {
    self.exact = exact
    self.prefixes = prefixes.map { ($0.key, $0.value) }.sorted { $0.prefix.count > $1.prefix.count }
  }

  /// The rule for `path`, or `nil` when the table does not know it.
  ///
  /// - Parameter path: The `:path` of the request, exactly as sent.
  /// - Returns: The rule, or `nil` for an unknown or malformed path.
  public func rule(forPath path: String) -> MethodRule? {
    if let rule = exact[path] { return rule }
    guard Self.isWellFormed(path) else { return nil }
    return prefixes.first { path.hasPrefix($0.prefix) }?.rule
  }

  /// The rule that applies to `path`: its own, or ``MethodRule/strictest`` when unknown.
  ///
  /// - Parameter path: The `:path` of the request, exactly as sent.
  /// - Returns: The rule the decision enforces.
  public func effectiveRule(forPath path: String) -> MethodRule {
    rule(forPath: path) ?? .strictest
  }

  /// Every exact path in the table, sorted, for tests and documentation.
  public var exactPaths: [String] {
    exact.keys.sorted()
  }

  /// Whether `path` has the shape `/<service>/<method>`, each part starting with a letter and
  /// made only of the characters gRPC names use.
  ///
  /// Prefix rules apply only to such paths, so `/grpc.health.v1.Health/../x` or a path with an
  /// escape never inherits a prefix's unauthenticated rule.
  static func isWellFormed(_ path: String) -> Bool {
    let parts = path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].isEmpty else { return false }
    return parts.dropFirst().allSatisfy { part in
      guard let first = part.first, isLetter(first) else { return false }
      return part.allSatisfy(isNameByte)
    }
  }

  private static func isLetter(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
  }

  private static func isNameByte(_ byte: UInt8) -> Bool {
    isLetter(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
      || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
  }
}
