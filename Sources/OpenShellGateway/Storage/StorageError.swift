/// A failure of the gateway's embedded database.
public struct StorageError: Error, Hashable, Sendable, CustomStringConvertible {
  /// What failed.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
      case open
      case query
      case closed
    }

    private let kind: Kind

    /// The database file could not be opened or created.
    public static let open = Code(kind: .open)
    /// A statement failed.
    public static let query = Code(kind: .query)
    /// The database was closed (the gateway is shutting down).
    public static let closed = Code(kind: .closed)

    /// A short name for the code.
    public var description: String {
      switch kind {
      case .open: "open"
      case .query: "query"
      case .closed: "closed"
      }
    }
  }

  /// What failed.
  public var code: Code
  /// What failed, for the operator.
  public var message: String
  /// SQLite's own message, when there is one.
  public var cause: String?

  /// Creates an error.
  public init(code: Code, message: String, cause: String? = nil) {
    self.code = code
    self.message = message
    self.cause = cause
  }

  /// The message and, when present, SQLite's own.
  public var description: String {
    guard let cause else { return message }
    return "\(message): \(cause)"
  }
}
