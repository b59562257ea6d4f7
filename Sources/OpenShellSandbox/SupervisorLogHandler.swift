import Foundation
public import Logging
public import OpenShellAPI

/// Writes the supervisor's log records to standard error and queues them for the gateway.
public struct SupervisorLogHandler: LogHandler {
  /// The lowest level written and queued.
  public let logLevel: Logger.Level
  private let buffer: LogBuffer<SandboxLogLine>
  private let stream: StreamLogHandler

  /// Creates the handler.
  ///
  /// - Parameters:
  ///   - logLevel: The lowest level written and queued.
  ///   - buffer: Where lines wait for the gateway.
  public init(logLevel: Logger.Level, buffer: LogBuffer<SandboxLogLine>) {
    self.logLevel = logLevel
    self.buffer = buffer
    self.stream = StreamLogHandler(logLevel: logLevel)
  }

  /// Writes `record` and queues it as a log line.
  public func log(_ record: LogRecord) {
    stream.log(record)
    var line = SandboxLogLine()
    line.timestampMs = Int64(Date().timeIntervalSince1970 * 1000)
    line.level = Self.wireLevel(record.level)
    line.target = record.label
    line.message = record.message
    line.source = "sandbox"
    line.fields = ProtoMap(record.metadata)
    buffer.append(line)
  }

  static func wireLevel(_ level: Logger.Level) -> String {
    switch level {
    case .trace: "TRACE"
    case .debug: "DEBUG"
    case .info, .notice: "INFO"
    case .warning: "WARN"
    case .error, .critical: "ERROR"
    }
  }
}
