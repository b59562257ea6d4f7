/// A value that writes structured log records through an injected ``LogHandler``.
///
/// The shape mirrors swift-log (label, seven levels, string metadata) so that moving to
/// swift-log once it can be fetched is a mechanical change. Libraries take a `Logger`
/// in their configuration and default to ``Logger/disabled``; only executables install a
/// handler that writes anywhere.
public struct Logger: Sendable {
  /// The subsystem this logger speaks for, such as `openshell.transport`.
  public let label: String

  /// Metadata attached to every record this logger writes.
  public var metadata: Metadata

  /// The handler that receives records.
  public var handler: any LogHandler

  /// String key-value pairs with namespaced keys (`auth.method`, `tls.peer`).
  public typealias Metadata = [String: String]

  /// Creates a logger.
  ///
  /// - Parameters:
  ///   - label: The subsystem this logger speaks for.
  ///   - handler: Where records go; defaults to a handler that drops them.
  ///   - metadata: Metadata attached to every record; defaults to none.
  public init(
    label: String,
    handler: any LogHandler = NoOpLogHandler(),
    metadata: Metadata = [:]
  ) {
    self.label = label
    self.handler = handler
    self.metadata = metadata
  }

  /// A logger that writes nothing; the default for every library configuration.
  public static var disabled: Logger { Logger(label: "disabled") }

  /// Returns whether a record at `level` would be written, so callers can skip costly work.
  ///
  /// - Parameter level: The level to test.
  /// - Returns: `true` when the handler accepts records at `level`.
  public func isEnabled(_ level: Level) -> Bool {
    level >= handler.logLevel
  }

  /// Writes one record.
  ///
  /// - Important: Never pass a token, key or credential in `message` or `metadata`.
  /// - Parameters:
  ///   - level: How severe the event is.
  ///   - message: A sentence an operator can act on; built only when the level is enabled.
  ///   - metadata: Record-specific metadata, merged over the logger's own.
  public func log(
    level: Level,
    _ message: @autoclosure () -> String,
    metadata: @autoclosure () -> Metadata = [:]
  ) {
    guard isEnabled(level) else { return }
    var merged = self.metadata
    merged.merge(metadata()) { _, new in new }
    handler.log(LogRecord(label: label, level: level, message: message(), metadata: merged))
  }

  /// Writes a record at ``Level/trace``.
  public func trace(_ message: @autoclosure () -> String, metadata: Metadata = [:]) {
    log(level: .trace, message(), metadata: metadata)
  }

  /// Writes a record at ``Level/debug``.
  public func debug(_ message: @autoclosure () -> String, metadata: Metadata = [:]) {
    log(level: .debug, message(), metadata: metadata)
  }

  /// Writes a record at ``Level/info``.
  public func info(_ message: @autoclosure () -> String, metadata: Metadata = [:]) {
    log(level: .info, message(), metadata: metadata)
  }

  /// Writes a record at ``Level/notice``.
  public func notice(_ message: @autoclosure () -> String, metadata: Metadata = [:]) {
    log(level: .notice, message(), metadata: metadata)
  }

  /// Writes a record at ``Level/warning``.
  public func warning(_ message: @autoclosure () -> String, metadata: Metadata = [:]) {
    log(level: .warning, message(), metadata: metadata)
  }

  /// Writes a record at ``Level/error``.
  public func error(_ message: @autoclosure () -> String, metadata: Metadata = [:]) {
    log(level: .error, message(), metadata: metadata)
  }

  /// Writes a record at ``Level/critical``.
  public func critical(_ message: @autoclosure () -> String, metadata: Metadata = [:]) {
    log(level: .critical, message(), metadata: metadata)
  }
}

extension Logger {
  /// How severe a record is, from the chattiest to the gravest.
  public enum Level: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    /// Step-by-step detail for debugging one request.
    case trace
    /// Detail useful to a developer.
    case debug
    /// Normal operation an operator may want to see.
    case info
    /// A normal but significant event, such as a configuration choice at start.
    case notice
    /// Something that may need attention but did not fail.
    case warning
    /// An operation failed.
    case error
    /// The process cannot go on.
    case critical

    /// Parses a level name as an operator types it (`info`, `WARN`, `warning`).
    ///
    /// - Parameter name: The level's name, in any letter case.
    public init?(name: String) {
      switch name.lowercased() {
      case "trace": self = .trace
      case "debug": self = .debug
      case "info": self = .info
      case "notice": self = .notice
      case "warn", "warning": self = .warning
      case "error": self = .error
      case "critical", "fatal": self = .critical
      default: return nil
      }
    }

    /// The level's lower-case name.
    public var description: String {
      switch self {
      case .trace: "trace"
      case .debug: "debug"
      case .info: "info"
      case .notice: "notice"
      case .warning: "warning"
      case .error: "error"
      case .critical: "critical"
      }
    }

    /// Orders levels by severity.
    public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
  }
}

/// One record as a ``LogHandler`` receives it.
public struct LogRecord: Sendable, Equatable {
  /// The label of the logger that wrote it.
  public var label: String
  /// Its severity.
  public var level: Logger.Level
  /// The message.
  public var message: String
  /// Merged metadata.
  public var metadata: Logger.Metadata

  /// Creates a record.
  public init(label: String, level: Logger.Level, message: String, metadata: Logger.Metadata) {
    self.label = label
    self.level = level
    self.message = message
    self.metadata = metadata
  }
}
