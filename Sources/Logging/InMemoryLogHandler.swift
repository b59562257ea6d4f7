import Synchronization

/// A handler that keeps records in memory, for tests that assert what was logged.
public final class InMemoryLogHandler: LogHandler {
  /// The lowest level kept.
  public let logLevel: Logger.Level

  private let storage = Mutex<[LogRecord]>([])

  /// Creates an empty handler.
  ///
  /// - Parameter logLevel: The lowest level kept; defaults to ``Logger/Level/trace``.
  public init(logLevel: Logger.Level = .trace) {
    self.logLevel = logLevel
  }

  /// Keeps `record`.
  public func log(_ record: LogRecord) {
    storage.withLock { $0.append(record) }
  }

  /// Every record kept so far, oldest first.
  public var records: [LogRecord] {
    storage.withLock { $0 }
  }
}
