#if canImport(Glibc)
  import Glibc
#endif

/// A handler that writes one line per record to standard error, for executables.
///
/// Lines look like `2026-12-03T18:00:00Z warning openshell.gateway: message key=value`,
/// with metadata sorted by key so that lines are stable to grep.
public struct StreamLogHandler: LogHandler {
  /// The lowest level written.
  public let logLevel: Logger.Level

  /// Creates a handler writing to standard error.
  ///
  /// - Parameter logLevel: The lowest level written; defaults to ``Logger/Level/info``.
  public init(logLevel: Logger.Level = .info) {
    self.logLevel = logLevel
  }

  /// Formats `record` and writes it with a single `write(2)`, so lines from
  /// concurrent threads never interleave mid-line.
  public func log(_ record: LogRecord) {
    var line = "\(Self.timestamp()) \(record.level) \(record.label): \(record.message)"
    for key in record.metadata.keys.sorted() {
      line += " \(key)=\(Self.quoted(record.metadata[key]!))"
    }
    line += "\n"
    var bytes = Array(line.utf8)
    bytes.withUnsafeMutableBytes { buffer in
      _ = write(2, buffer.baseAddress, buffer.count)
    }
  }

  private static func quoted(_ value: String) -> String {
    // Quoting and escaping control characters keeps a caller-chosen value (a path, a
    // certificate subject) from forging a second log line.
    let needsQuotes = value.isEmpty || value.contains { " \"=\\".contains($0) || $0.isNewline }
    guard needsQuotes else { return value }
    var escaped = "\""
    for character in value {
      switch character {
      case "\"", "\\": escaped += "\\\(character)"
      case _ where character.isNewline: escaped += "\\n"
      default: escaped.append(character)
      }
    }
    return escaped + "\""
  }

  private static func timestamp() -> String {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    var seconds = now.tv_sec
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func pad(_ value: Int32, _ width: Int = 2) -> String {
      let text = String(value)
      return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))"
      + "T\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec))Z"
  }
}
