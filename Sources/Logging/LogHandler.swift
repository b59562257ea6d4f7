/// A destination for log records.
///
/// Implementations must be safe to call from any thread.
public protocol LogHandler: Sendable {
  /// The lowest level this handler writes; records below it are never built.
  var logLevel: Logger.Level { get }

  /// Writes one record.
  ///
  /// - Parameter record: The record, with the logger's metadata already merged in.
  func log(_ record: LogRecord)
}

/// A handler that drops every record; the default for libraries.
public struct NoOpLogHandler: LogHandler {
  /// Always ``Logger/Level/critical``, and even those records are dropped.
  public var logLevel: Logger.Level { .critical }

  /// Creates the handler.
  public init() {}

  /// Drops `record`.
  public func log(_ record: LogRecord) {}
}
